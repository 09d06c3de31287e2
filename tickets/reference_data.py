"""The help desk's reference data: the default service-level policy, the mainland's 2026 and 2027
holidays and a few saved replies. The data migration loads it; `reference_data_ensure` puts it
back after something emptied the tables (the demo's reset flushes them).

Why business hours by default, and round the clock for Urgent: docs/tickets.md, "Service levels".
"""

from datetime import date, timedelta

from tickets.service_levels import Calendar, Priority

B, R = Calendar.BUSINESS_HOURS, Calendar.ROUND_THE_CLOCK
# (issue type, priority, first reply minutes, resolution minutes, calendar); a blank issue type is
# the fallback. A business day is 9 hours (540 minutes).
POLICY = [
    ("", Priority.LOW, 8 * 60, 5 * 540, B),
    ("", Priority.NORMAL, 4 * 60, 3 * 540, B),
    ("", Priority.HIGH, 2 * 60, 540, B),
    ("", Priority.URGENT, 30, 4 * 60, R),
    # Streams that do not push or play hurt at once: an hour for the first reply, not two.
    ("push_playback", Priority.HIGH, 60, 6 * 60, B),
]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# The State Council's arrangement for 2026: days off, and weekend days worked instead ("调休").
HOLIDAYS_2026 = [
    (_days(date(2026, 1, 1), date(2026, 1, 3)), "元旦 New Year's Day", [date(2026, 1, 4)]),
    (_days(date(2026, 2, 15), date(2026, 2, 23)), "春节 Spring Festival", [date(2026, 2, 14), date(2026, 2, 28)]),
    (_days(date(2026, 4, 4), date(2026, 4, 6)), "清明节 Qingming Festival", []),
    (_days(date(2026, 5, 1), date(2026, 5, 5)), "劳动节 Labour Day", [date(2026, 5, 9)]),
    (_days(date(2026, 6, 19), date(2026, 6, 21)), "端午节 Dragon Boat Festival", []),
    (_days(date(2026, 9, 25), date(2026, 9, 27)), "中秋节 Mid-Autumn Festival", []),
    (_days(date(2026, 10, 1), date(2026, 10, 7)), "国庆节 National Day", [date(2026, 9, 20), date(2026, 10, 10)]),
]
# 2027: the statutory days only. The bridging days and make-up working days come with the State
# Council's notice for 2027; staff add them in the admin (Holidays) when it is published.
HOLIDAYS_2027 = [
    ([date(2027, 1, 1)], "元旦 New Year's Day", []),
    (_days(date(2027, 2, 5), date(2027, 2, 8)), "春节 Spring Festival", []),
    ([date(2027, 4, 5)], "清明节 Qingming Festival", []),
    (_days(date(2027, 5, 1), date(2027, 5, 2)), "劳动节 Labour Day", []),
    ([date(2027, 6, 9)], "端午节 Dragon Boat Festival", []),
    ([date(2027, 9, 15)], "中秋节 Mid-Autumn Festival", []),
    (_days(date(2027, 10, 1), date(2027, 10, 3)), "国庆节 National Day", []),
]

SAVED_REPLIES = [
    (
        "Looking into it", "正在处理",
        "Thank you for your ticket. We are looking into it and will update you here.",
        "感谢您提交工单。我们正在处理，进展会在此更新。",
    ),
    (
        "Need stream details", "需要推流信息",
        "To look into this we need a few details: the push domain, the stream name, and the time the problem "
        "started (with its time zone). Please reply here with them.",
        "为便于排查，请在此回复推流域名、流名称，以及问题开始的时间（请注明时区）。",
    ),
    (
        "Self-service refunds", "自助退款说明",
        "Unused traffic and transcoding packages can be refunded in the console within five days of purchase: "
        "Package/Plugin Management, Refund. Other packages are reviewed on a ticket like this one.",
        "购买后五天内未使用的流量包和转码包可在控制台自助退款：资源包/插件管理 > 退款。其他资源包通过工单审核。",
    ),
    (
        "Resolved, reply to reopen", "已解决，可回复重新打开",
        "We believe this is now resolved. If the problem comes back, reply within 7 days and the ticket "
        "opens again.",
        "我们认为该问题已解决。如问题再次出现，请在 7 天内回复，工单将重新打开。",
    ),
]


def policy_load(service_level_model) -> None:
    for issue_type, priority, first_reply, resolution, calendar in POLICY:
        service_level_model.objects.get_or_create(
            issue_type=issue_type, priority=priority,
            defaults={"first_reply_minutes": first_reply, "resolution_minutes": resolution, "calendar": calendar},
        )


def holidays_load(holiday_model) -> None:
    for days, name, workdays in HOLIDAYS_2026 + HOLIDAYS_2027:
        for day in days:
            holiday_model.objects.get_or_create(day=day, defaults={"kind": "holiday", "name": name})
        for day in workdays:
            holiday_model.objects.get_or_create(day=day, defaults={"kind": "makeup_workday", "name": name})


def saved_replies_load(saved_reply_model) -> None:
    if saved_reply_model.objects.exists():
        return
    for title_en, title_zh, body_en, body_zh in SAVED_REPLIES:
        saved_reply_model.objects.create(title_en=title_en, title_zh_hans=title_zh, body_en=body_en, body_zh_hans=body_zh)


def reference_data_ensure() -> None:
    """Put back what the data migration loads, after something emptied the tables (a flush)."""
    from tickets.models import Holiday, SavedReply, ServiceLevel

    policy_load(ServiceLevel)
    holidays_load(Holiday)
    saved_replies_load(SavedReply)
