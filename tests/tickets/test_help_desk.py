"""The help desk: due times from the policy, the staff queue by service level, resolving with an
answer, saved replies, satisfaction ratings, the near-breach sweep and the report."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from console.core.models import AuditEntry
from console.notifications.models import OutboxMessage
from console.templatetags.console_format import zoned
from tests.clock import clock_pinned
from tests.factories import MemberFactory, ReviewerFactory, StaffFactory, TicketFactory, UserFactory
from tickets import selectors, services
from tickets.models import SavedReply, ServiceLevel, Ticket, TicketRating
from tickets.transitions import Resolution, Status

ZONE = ZoneInfo("Asia/Shanghai")
# A Tuesday morning, in business hours.
NOW = datetime(2026, 12, 8, 10, 0, tzinfo=ZONE)
QUEUE = reverse("admin:tickets_ticket_changelist")


@pytest.fixture
def now(monkeypatch):
    """The clock pinned at NOW; tests move it by assigning `now.at`."""
    return clock_pinned(monkeypatch, NOW)


@pytest.fixture
def member():
    return MemberFactory()


@pytest.fixture
def reviewer(client):
    user = ReviewerFactory()
    client.force_login(user)
    return user


def submit(member, *, priority="normal", issue_type="other", title="How do I add a domain?"):
    return services.ticket_submit(
        member=member, product="css", issue_type=issue_type, title=title, description="Please help.",
        package=None, contact_email="ops@example.com", contact_phone="+86 13800000000", contact_time="anytime",
        attachments=[], submission_key=uuid.uuid4(), priority=priority,
    )


def due_ticket(*, due_in: timedelta, replied=False, **fields):
    """An open ticket whose next due time is `due_in` from NOW (negative: overdue)."""
    due = NOW + due_in
    if replied:
        fields |= {"first_replied_at": NOW - timedelta(hours=1), "first_reply_due_at": NOW, "resolution_due_at": due}
    else:
        fields |= {"first_reply_due_at": due, "resolution_due_at": due + timedelta(days=3)}
    return TicketFactory(created_at=NOW - timedelta(hours=3), **fields)


def in_queue(response) -> list[int]:
    return [ticket.pk for ticket in response.context["cl"].result_list]


# -- due times ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_submitted_ticket_stores_its_due_times_from_the_policy(now, member):
    ticket = submit(member, priority="normal")

    assert ticket.first_reply_due_at == NOW + timedelta(hours=4)
    # 27 business hours: 8 on Tuesday, 9 on Wednesday and Thursday, 1 on Friday.
    assert ticket.resolution_due_at == datetime(2026, 12, 11, 10, 0, tzinfo=ZONE)
    assert ticket.service_level == ServiceLevel.objects.get(issue_type="", priority="normal")


@pytest.mark.django_db
def test_an_issue_types_own_policy_row_wins_over_the_fallback(now, member):
    ticket = submit(member, priority="high", issue_type="push_playback")

    assert ticket.service_level.issue_type == "push_playback"
    assert ticket.first_reply_due_at == NOW + timedelta(hours=1)


@pytest.mark.django_db
def test_the_next_due_time_is_the_first_reply_then_the_resolution_then_nothing(now, member, reviewer):
    ticket = submit(member)
    assert Ticket.objects.get(pk=ticket.pk).next_due_at == ticket.first_reply_due_at

    services.ticket_staff_reply(ticket_id=ticket.pk, staff=reviewer, body="Looking into it.")
    replied = Ticket.objects.get(pk=ticket.pk)
    assert (replied.first_replied_at, replied.next_due_at) == (NOW, ticket.resolution_due_at)

    services.ticket_resolve_with_answer(ticket_id=ticket.pk, staff=reviewer, answer="Done.")
    assert Ticket.objects.get(pk=ticket.pk).next_due_at is None


@pytest.mark.django_db
def test_a_later_staff_message_does_not_move_the_first_reply(now, member, reviewer):
    ticket = submit(member)
    services.ticket_staff_reply(ticket_id=ticket.pk, staff=reviewer, body="First.")
    now.at = NOW + timedelta(hours=2)

    services.ticket_staff_reply(ticket_id=ticket.pk, staff=reviewer, body="Second.")

    assert Ticket.objects.get(pk=ticket.pk).first_replied_at == NOW


@pytest.mark.django_db
def test_changing_the_urgency_computes_the_due_times_again_from_the_submission_and_is_audited(now, member, reviewer):
    ticket = submit(member, priority="low")
    now.at = NOW + timedelta(minutes=20)

    services.ticket_priority_set(ticket_id=ticket.pk, staff=reviewer, priority="urgent")

    changed = Ticket.objects.get(pk=ticket.pk)
    assert (changed.priority, changed.first_reply_due_at) == ("urgent", NOW + timedelta(minutes=30))
    entry = AuditEntry.objects.get(action="ticket.priority_changed")
    assert (entry.before["priority"], entry.after["priority"]) == ("low", "urgent")


@pytest.mark.django_db
def test_editing_a_policy_row_moves_the_due_times_of_the_open_tickets_that_use_it(now, member, reviewer):
    ticket = submit(member, priority="normal")
    level = ticket.service_level
    level.first_reply_minutes = 60

    changed = services.service_level_save(level=level, staff=reviewer)

    assert changed == 1
    assert Ticket.objects.get(pk=ticket.pk).first_reply_due_at == NOW + timedelta(hours=1)
    assert AuditEntry.objects.filter(action="ticket.due_times_recomputed").count() == 1


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def policy_form(level: ServiceLevel, **changes) -> dict:
    return {
        "issue_type": level.issue_type, "priority": level.priority, "first_reply_minutes": level.first_reply_minutes,
        "resolution_minutes": level.resolution_minutes, "calendar": level.calendar,
    } | changes


@pytest.mark.django_db
def test_staff_edit_a_policy_row_in_the_admin_and_the_open_tickets_using_it_get_new_due_times(now, client, member, superuser):
    ticket = submit(member, priority="normal")

    response = client.post(
        reverse("admin:tickets_servicelevel_change", args=[ticket.service_level.pk]),
        policy_form(ticket.service_level, first_reply_minutes=60),
    )

    assert response.status_code == 302
    assert ServiceLevel.objects.get(pk=ticket.service_level.pk).first_reply_minutes == 60
    assert Ticket.objects.get(pk=ticket.pk).first_reply_due_at == NOW + timedelta(hours=1)


@pytest.mark.django_db
def test_staff_add_a_policy_row_in_the_admin(now, client, superuser):
    fallback = ServiceLevel.objects.get(issue_type="", priority="low")

    response = client.post(reverse("admin:tickets_servicelevel_add"), policy_form(fallback, issue_type="other"))

    assert response.status_code == 302
    assert ServiceLevel.objects.filter(issue_type="other", priority="low").exists()


@pytest.mark.django_db
def test_deleting_a_policy_row_in_the_admin_keeps_the_due_times_promised_to_its_open_tickets(now, client, member, superuser):
    ticket = submit(member, priority="normal")

    response = client.post(reverse("admin:tickets_servicelevel_delete", args=[ticket.service_level.pk]), {"post": "yes"})

    kept = Ticket.objects.get(pk=ticket.pk)
    assert response.status_code == 302
    assert (kept.service_level, kept.first_reply_due_at, kept.resolution_due_at) == (
        None, ticket.first_reply_due_at, ticket.resolution_due_at,
    )


@pytest.mark.django_db
def test_the_customer_reads_by_when_staff_will_reply_then_by_when_it_will_be_resolved(now, client, member, reviewer):
    ticket = submit(member)
    client.force_login(member.user)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert f"We will reply by {zoned(NOW + timedelta(hours=4))}." in page

    services.ticket_staff_reply(ticket_id=ticket.pk, staff=reviewer, body="On it.")
    client.force_login(member.user)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "We will reply by" not in page
    assert f"We aim to resolve this by {zoned(ticket.resolution_due_at)}." in page


@pytest.mark.django_db
def test_a_reply_time_that_has_passed_is_said_to_be_late_not_promised(now, client, member):
    ticket = submit(member)
    client.force_login(member.user)
    now.at = NOW + timedelta(hours=5)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert f"Our reply was due by {zoned(NOW + timedelta(hours=4))} and is late." in page
    assert "We will reply by" not in page


@pytest.mark.django_db
def test_a_resolution_time_that_has_passed_is_said_to_be_late_not_promised(now, client, member, reviewer):
    ticket = submit(member)
    services.ticket_staff_reply(ticket_id=ticket.pk, staff=reviewer, body="On it.")
    client.force_login(member.user)
    now.at = Ticket.objects.get(pk=ticket.pk).resolution_due_at + timedelta(minutes=1)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert f"We aimed to resolve this by {zoned(Ticket.objects.get(pk=ticket.pk).resolution_due_at)} and are late." in page


@pytest.mark.django_db
def test_the_form_sends_the_chosen_urgency(now, client, member):
    client.force_login(member.user)

    client.post(reverse("tickets:submit"), {
        "product": "css", "issue_type": "other", "submission_key": uuid.uuid4(), "title": "Stream down",
        "description": "Nothing plays.", "contact_email": "ops@example.com", "phone_country": "+86",
        "phone": "13800000000", "contact_time": "anytime", "priority": "urgent",
    })

    assert Ticket.objects.get().priority == "urgent"


@pytest.mark.django_db
def test_the_receipt_mail_says_by_when_staff_will_reply(now, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(member)

    assert f"We will reply by {zoned(ticket.first_reply_due_at)}." in mail.outbox[0].body


# -- the queue ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_lists_what_is_due_first_and_tickets_owing_nothing_last(now, client, reviewer):
    later = due_ticket(due_in=timedelta(hours=3))
    overdue = due_ticket(due_in=-timedelta(minutes=35))
    resolved = TicketFactory(status=Status.RESOLVED, resolved_at=NOW, created_at=NOW - timedelta(days=5))
    sooner = due_ticket(due_in=timedelta(minutes=20))

    response = client.get(QUEUE)

    assert in_queue(response) == [overdue.pk, sooner.pk, later.pk, resolved.pk]


@pytest.mark.django_db
def test_the_queue_says_the_time_left_or_how_long_overdue(now, client, reviewer):
    due_ticket(due_in=timedelta(hours=2, minutes=10))
    due_ticket(due_in=-timedelta(minutes=35), replied=True)

    page = client.get(QUEUE).content.decode()

    assert "First reply: 2h 10m left" in page
    assert "Resolution: overdue by 35m" in page


@pytest.mark.django_db
def test_the_breached_filter_follows_the_clock_without_a_write(now, client, reviewer):
    soon = due_ticket(due_in=timedelta(minutes=20))
    assert in_queue(client.get(QUEUE, {"due": "breached"})) == []

    now.at = NOW + timedelta(hours=1)

    assert in_queue(client.get(QUEUE, {"due": "breached"})) == [soon.pk]


@pytest.mark.django_db
def test_the_due_today_filter_keeps_what_is_due_before_midnight_in_the_billing_zone(now, client, reviewer):
    today = due_ticket(due_in=timedelta(hours=13, minutes=59))
    due_ticket(due_in=timedelta(hours=14, minutes=1))

    assert in_queue(client.get(QUEUE, {"due": "today"})) == [today.pk]


@pytest.mark.django_db
def test_the_unassigned_and_mine_filters(now, client, reviewer):
    mine = due_ticket(due_in=timedelta(hours=1), assignee=reviewer)
    nobodys = due_ticket(due_in=timedelta(hours=2))
    due_ticket(due_in=timedelta(hours=3), assignee=StaffFactory())

    assert in_queue(client.get(QUEUE, {"assigned": "me"})) == [mine.pk]
    assert in_queue(client.get(QUEUE, {"assigned": "none"})) == [nobodys.pk]


@pytest.mark.django_db
def test_the_queue_filters_by_urgency(now, client, reviewer):
    urgent = due_ticket(due_in=timedelta(hours=1), priority="urgent")
    due_ticket(due_in=timedelta(hours=2), priority="low")

    assert in_queue(client.get(QUEUE, {"priority__exact": "urgent"})) == [urgent.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("tickets", [1, 15])
def test_the_queue_with_due_times_and_ratings_takes_the_same_queries_for_1_or_15(
    now, client, reviewer, django_assert_max_num_queries, tickets
):
    for n in range(tickets):
        ticket = due_ticket(due_in=timedelta(minutes=10 * n - 30), assignee=StaffFactory())
        TicketRating.objects.create(ticket=ticket, score=4, rated_by=ticket.raised_by, rated_at=NOW)

    with django_assert_max_num_queries(9):
        response = client.get(QUEUE, {"due": "today"})

    assert response.context["cl"].result_count == tickets


@pytest.mark.django_db
def test_staff_see_the_rating_and_comment_in_the_queue_and_on_the_desk(now, client, reviewer):
    ticket = TicketFactory(status=Status.RESOLVED, resolved_at=NOW)
    TicketRating.objects.create(ticket=ticket, score=2, comment="Too slow.", rated_by=ticket.raised_by, rated_at=NOW)

    queue = client.get(QUEUE).content.decode()
    desk = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()

    assert 'title="Too slow.">2/5' in queue
    assert "Too slow." in desk and "2/5" in desk


# -- resolving with an answer, saved replies ---------------------------------------------------


@pytest.mark.django_db
def test_resolving_with_an_answer_resolves_without_a_refund_and_the_customer_may_reopen(now, client, member, reviewer):
    ticket = submit(member)

    response = client.post(reverse("admin:tickets_ticket_resolve", args=[ticket.pk]), {"body": "Use a second domain."})

    resolved = Ticket.objects.get(pk=ticket.pk)
    assert response.status_code == 302
    assert (resolved.status, resolved.resolution, resolved.badge_label) == (Status.RESOLVED, Resolution.ANSWERED, "Resolved: answered")
    assert resolved.messages.get().body == "Use a second domain."
    services.ticket_reopen(ticket_id=ticket.pk, member=member)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PROCESSING


@pytest.mark.django_db
def test_resolving_without_an_answer_is_refused_beside_the_field(now, client, member, reviewer):
    ticket = submit(member)

    response = client.post(reverse("admin:tickets_ticket_resolve", args=[ticket.pk]), {"body": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


@pytest.mark.django_db
def test_a_saved_reply_fills_the_reply_box_in_the_customers_language(now, client, reviewer):
    from console.accounts.preferences import user_language_set

    customer = MemberFactory()
    user_language_set(user=customer.user, language="zh-hans")
    ticket = TicketFactory(member=customer)
    saved = SavedReply.objects.create(title_en="Hello", title_zh_hans="你好", body_en="Hello there.", body_zh_hans="您好。")

    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]), {"saved_reply": saved.pk})

    assert page.context["reply_form"]["body"].value() == "您好。"


@pytest.mark.django_db
def test_the_migration_seeds_saved_replies_in_both_languages():
    replies = list(selectors.saved_replies())

    assert replies and all(reply.body_en and reply.body_zh_hans for reply in replies)


# -- ratings ------------------------------------------------------------------------------------


@pytest.fixture
def resolved(now, member, reviewer):
    ticket = submit(member)
    services.ticket_assign(ticket_id=ticket.pk, staff=reviewer)
    services.ticket_resolve_with_answer(ticket_id=ticket.pk, staff=reviewer, answer="Done.")
    return ticket


@pytest.mark.django_db
def test_the_customer_rates_a_resolved_ticket_with_a_comment_and_it_is_audited(client, member, resolved):
    client.force_login(member.user)

    response = client.post(reverse("tickets:rate", args=[resolved.pk]), {"score": "5", "comment": "Quick, thanks."})

    assert response.status_code == 302
    rating = TicketRating.objects.get(ticket=resolved)
    assert (rating.score, rating.comment, rating.rated_by) == (5, "Quick, thanks.", member.user)
    assert AuditEntry.objects.filter(action="ticket.rated", object_id=str(resolved.pk)).exists()


@pytest.mark.django_db
def test_a_rating_is_changed_not_added_while_the_ticket_can_be_reopened(now, member, resolved):
    services.ticket_rate(ticket_id=resolved.pk, member=member, score=3)
    now.at = NOW + timedelta(days=6)

    services.ticket_rate(ticket_id=resolved.pk, member=member, score=4, comment="Better on reflection.")

    assert list(TicketRating.objects.values_list("score", "comment")) == [(4, "Better on reflection.")]


@pytest.mark.django_db
def test_rating_after_the_reopen_window_is_refused_with_a_stable_code(now, member, resolved):
    now.at = NOW + timedelta(days=8)

    with pytest.raises(services.RatingRefused) as refused:
        services.ticket_rate(ticket_id=resolved.pk, member=member, score=5)

    assert refused.value.code == "rating_not_open"
    assert not TicketRating.objects.exists()


@pytest.mark.django_db
def test_an_open_ticket_cannot_be_rated(now, member):
    ticket = submit(member)

    with pytest.raises(services.RatingRefused):
        services.ticket_rate(ticket_id=ticket.pk, member=member, score=5)


@pytest.mark.django_db
def test_a_sub_user_cannot_rate_someone_elses_ticket(now, member, resolved):
    other = MemberFactory(account=member.account, sub_user=True)

    with pytest.raises(services.TicketNotFound):
        services.ticket_rate(ticket_id=resolved.pk, member=other, score=1)


@pytest.mark.django_db
def test_a_refused_rating_is_said_on_the_page(now, client, member, resolved):
    client.force_login(member.user)
    now.at = NOW + timedelta(days=8)

    response = client.post(reverse("tickets:rate", args=[resolved.pk]), {"score": "5"}, follow=True)

    assert "A ticket can be rated once it is resolved" in response.content.decode()


@pytest.mark.django_db
def test_a_low_rating_tells_the_assignee_once(member, resolved, reviewer):
    services.ticket_rate(ticket_id=resolved.pk, member=member, score=1, comment="Not solved.")
    services.ticket_rate(ticket_id=resolved.pk, member=member, score=2)

    sent = OutboxMessage.objects.filter(key__startswith=f"ticket-low-rating:{resolved.pk}:")
    assert [message.to for message in sent] == [reviewer.email]
    assert "Not solved." in sent[0].body


@pytest.mark.django_db
def test_a_low_rating_nobody_can_receive_is_not_marked_as_told(now, member):
    assignee = ReviewerFactory(email="")
    ticket = submit(member)
    services.ticket_assign(ticket_id=ticket.pk, staff=assignee)
    services.ticket_resolve_with_answer(ticket_id=ticket.pk, staff=assignee, answer="Done.")

    rating = services.ticket_rate(ticket_id=ticket.pk, member=member, score=1)

    assert rating.low_rating_notified_at is None


@pytest.mark.django_db
def test_a_good_rating_tells_nobody(member, resolved):
    services.ticket_rate(ticket_id=resolved.pk, member=member, score=4)

    assert not OutboxMessage.objects.filter(key__startswith="ticket-low-rating:").exists()


@pytest.mark.django_db
def test_a_reopened_ticket_keeps_its_rating_and_its_rating_form_is_gone(client, member, resolved):
    services.ticket_rate(ticket_id=resolved.pk, member=member, score=2)
    services.ticket_reopen(ticket_id=resolved.pk, member=member)
    client.force_login(member.user)

    page = client.get(reverse("tickets:detail", args=[resolved.pk])).content.decode()

    assert TicketRating.objects.get(ticket=resolved).score == 2
    assert "You rated it 2 of 5" in page
    assert "Send rating" not in page and "Change rating" not in page


# -- reopening ----------------------------------------------------------------------------------

# Inside the 7 days a ticket resolved at NOW may be reopened, long past its first resolution due
# time (Friday 10:00). Normal's 27 business hours then count from Monday 09:00.
SUNDAY = datetime(2026, 12, 13, 10, 0, tzinfo=ZONE)
DUE_AFTER_SUNDAY = datetime(2026, 12, 16, 18, 0, tzinfo=ZONE)


@pytest.mark.django_db
@pytest.mark.parametrize("reopen", [
    lambda ticket, member: services.ticket_reopen(ticket_id=ticket.pk, member=member),
    lambda ticket, member: services.ticket_reply(ticket_id=ticket.pk, member=member, body="Still broken."),
], ids=["button", "reply"])
def test_a_reopened_ticket_owes_its_resolution_counted_from_the_reopening(now, member, resolved, reopen):
    now.at = SUNDAY

    reopen(resolved, member)

    reopened = Ticket.objects.get(pk=resolved.pk)
    assert (reopened.status, reopened.next_due_at) == (Status.PROCESSING, DUE_AFTER_SUNDAY)


@pytest.mark.django_db
def test_a_ticket_resolved_on_time_and_reopened_later_is_not_counted_as_breached(now, member, resolved):
    now.at = SUNDAY

    services.ticket_reopen(ticket_id=resolved.pk, member=member)

    assert selectors.desk_report().windows[0].breached == 0


@pytest.mark.django_db
def test_the_reopening_is_audited_with_the_resolution_due_time_before_and_after(now, member, resolved):
    now.at = SUNDAY

    services.ticket_reopen(ticket_id=resolved.pk, member=member)

    entry = AuditEntry.objects.get(action="ticket.status_changed", before__status="resolved")
    assert (entry.before["status"], parse_datetime(entry.before["resolution_due_at"])) == ("resolved", resolved.resolution_due_at)
    assert (entry.after["status"], parse_datetime(entry.after["resolution_due_at"])) == ("processing", DUE_AFTER_SUNDAY)


@pytest.mark.django_db
def test_a_reopened_ticket_is_warned_about_its_new_resolution_due_time(now, member, reviewer):
    ticket = submit(member)
    services.ticket_assign(ticket_id=ticket.pk, staff=reviewer)
    services.ticket_staff_reply(ticket_id=ticket.pk, staff=reviewer, body="Looking into it.")
    now.at = ticket.resolution_due_at - timedelta(minutes=30)
    services.service_level_warnings_send()
    services.ticket_resolve_with_answer(ticket_id=ticket.pk, staff=reviewer, answer="Done.")
    now.at = SUNDAY
    services.ticket_reopen(ticket_id=ticket.pk, member=member)
    now.at = DUE_AFTER_SUNDAY - timedelta(minutes=30)

    assert services.service_level_warnings_send() == 1
    assert Ticket.objects.get(pk=ticket.pk).resolution_warned_for == DUE_AFTER_SUNDAY


@pytest.mark.django_db
def test_changing_the_urgency_of_a_reopened_ticket_counts_its_resolution_from_the_reopening(now, member, reviewer, resolved):
    now.at = SUNDAY
    services.ticket_reopen(ticket_id=resolved.pk, member=member)

    services.ticket_priority_set(ticket_id=resolved.pk, staff=reviewer, priority="high")

    # High: 9 business hours, Monday 09:00 to 18:00.
    assert Ticket.objects.get(pk=resolved.pk).resolution_due_at == datetime(2026, 12, 14, 18, 0, tzinfo=ZONE)


@pytest.mark.django_db
def test_a_reopened_ticket_whose_policy_row_was_deleted_owes_its_resolution_under_the_row_that_applies_now(now, member, reviewer):
    ticket = submit(member, priority="high", issue_type="push_playback")
    services.ticket_resolve_with_answer(ticket_id=ticket.pk, staff=reviewer, answer="Done.")
    ticket.service_level.delete()
    now.at = SUNDAY

    services.ticket_reopen(ticket_id=ticket.pk, member=member)

    # The fallback row for High: 9 business hours (the deleted row had 6), Monday 09:00 to 18:00.
    reopened = Ticket.objects.get(pk=ticket.pk)
    assert reopened.service_level == ServiceLevel.objects.get(issue_type="", priority="high")
    assert reopened.resolution_due_at == datetime(2026, 12, 14, 18, 0, tzinfo=ZONE)


# -- the near-breach sweep ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_ticket_about_to_breach_warns_its_assignee_once(now):
    assignee = ReviewerFactory()
    ticket = due_ticket(due_in=timedelta(minutes=40), assignee=assignee)

    assert services.service_level_warnings_send() == 1
    assert services.service_level_warnings_send() == 0

    sent = OutboxMessage.objects.filter(key__startswith=f"ticket-due:{ticket.pk}:")
    assert [message.to for message in sent] == [assignee.email]
    assert "first reply due soon" in sent[0].subject


@pytest.mark.django_db
def test_an_unassigned_ticket_warns_every_reviewer_and_no_other_staff(now):
    reviewers = [ReviewerFactory(), ReviewerFactory()]
    StaffFactory()
    due_ticket(due_in=timedelta(minutes=40))

    services.service_level_warnings_send()

    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == sorted(user.email for user in reviewers)


@pytest.mark.django_db
def test_a_warning_for_an_assignee_without_an_e_mail_goes_to_the_reviewers(now):
    reviewer = ReviewerFactory()
    due_ticket(due_in=timedelta(minutes=40), assignee=ReviewerFactory(email=""))

    services.service_level_warnings_send()

    assert list(OutboxMessage.objects.values_list("to", flat=True)) == [reviewer.email]


@pytest.mark.django_db
def test_a_warning_nobody_can_receive_is_not_marked_as_sent(now):
    ticket = due_ticket(due_in=timedelta(minutes=40), assignee=ReviewerFactory(email=""))

    assert services.service_level_warnings_send() == 0
    assert Ticket.objects.get(pk=ticket.pk).first_reply_warned_for is None


@pytest.mark.django_db
def test_a_warning_nobody_could_receive_is_sent_once_by_a_later_sweep_when_a_reviewer_has_an_e_mail(now):
    reviewer = ReviewerFactory(email="")
    due_ticket(due_in=timedelta(minutes=40), assignee=reviewer)
    services.service_level_warnings_send()
    reviewer.email = "desk@example.com"
    reviewer.save(update_fields=["email"])

    assert [services.service_level_warnings_send(), services.service_level_warnings_send()] == [1, 0]
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["desk@example.com"]


@pytest.mark.django_db
def test_a_ticket_due_later_than_the_warning_time_is_left_alone(now):
    due_ticket(due_in=timedelta(minutes=61), assignee=ReviewerFactory())

    assert services.service_level_warnings_send() == 0


@pytest.mark.django_db
def test_after_the_first_reply_the_resolution_time_is_warned_about_too(now):
    ticket = due_ticket(due_in=timedelta(minutes=30), replied=True, assignee=ReviewerFactory())

    services.service_level_warnings_send()

    assert Ticket.objects.get(pk=ticket.pk).resolution_warned_for == ticket.resolution_due_at
    assert "resolution due soon" in OutboxMessage.objects.get().subject


@pytest.mark.django_db
def test_a_due_time_changed_later_is_warned_about_again(now, reviewer):
    ticket = due_ticket(due_in=timedelta(minutes=40), assignee=reviewer, priority="low", issue_type="other")
    services.service_level_warnings_send()

    services.ticket_priority_set(ticket_id=ticket.pk, staff=reviewer, priority="urgent")
    now.at = ticket.created_at + timedelta(minutes=1)

    assert services.service_level_warnings_send() == 1


@pytest.mark.django_db
def test_a_ticket_that_already_breached_when_the_clock_jumped_is_reported_as_missed(now):
    due_ticket(due_in=-timedelta(hours=2), assignee=ReviewerFactory())

    services.service_level_warnings_send()

    assert "missed its first reply time" in OutboxMessage.objects.get().subject


@pytest.mark.django_db
def test_beat_runs_the_sweep_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["ticket-due-warnings"]

    assert entry["task"] == "tickets.tasks.service_level_warnings_task"


# -- the report -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_gives_open_tickets_by_age_medians_breaches_and_satisfaction(now):
    for hours, replied_after in ((2, 1), (30, 3), (100, 5)):
        TicketFactory(
            created_at=NOW - timedelta(hours=hours), first_replied_at=NOW - timedelta(hours=hours - replied_after),
            first_reply_due_at=NOW - timedelta(hours=hours - 4), resolution_due_at=NOW + timedelta(days=1),
        )
    rated = TicketFactory(
        status=Status.RESOLVED, created_at=NOW - timedelta(days=2), resolved_at=NOW - timedelta(days=1),
        resolution_due_at=NOW - timedelta(days=1, hours=1),
    )
    TicketRating.objects.create(ticket=rated, score=4, rated_by=rated.raised_by, rated_at=NOW - timedelta(hours=5))

    report = selectors.desk_report()

    assert report.open_by_age == {"lt1d": 1, "1to3d": 1, "3to7d": 1, "gt7d": 0}
    week = report.windows[0]
    assert (week.days, week.first_reply_median, week.first_replies) == (7, timedelta(hours=3), 3)
    assert (week.resolution_median, week.resolutions) == (timedelta(days=1), 1)
    # The 100-hour-old ticket replied after 5 hours (4 allowed); the rated one resolved late.
    assert (week.breached, week.submitted) == (2, 4)
    assert (week.rating_average, week.ratings) == (4.0, 1)


@pytest.mark.django_db
def test_a_ticket_closed_without_a_first_reply_after_it_was_due_counts_as_breached(now, member):
    ticket = submit(member)
    now.at = ticket.first_reply_due_at + timedelta(hours=1)
    services.ticket_close(ticket_id=ticket.pk, member=member)
    now.at += timedelta(days=1)

    assert selectors.desk_report().windows[0].breached == 1


@pytest.mark.django_db
def test_a_ticket_closed_unresolved_after_its_resolution_was_due_counts_as_breached(now, member, reviewer):
    ticket = submit(member)
    services.ticket_staff_reply(ticket_id=ticket.pk, staff=reviewer, body="Which domain?")
    now.at = ticket.resolution_due_at + timedelta(hours=1)
    services.ticket_close(ticket_id=ticket.pk, member=member)
    now.at += timedelta(days=1)

    assert selectors.desk_report().windows[0].breached == 1


@pytest.mark.django_db
def test_a_ticket_closed_before_its_first_reply_was_due_does_not_count_as_breached(now, member):
    ticket = submit(member)
    now.at = ticket.first_reply_due_at - timedelta(hours=1)
    services.ticket_close(ticket_id=ticket.pk, member=member)
    now.at += timedelta(days=1)

    assert selectors.desk_report().windows[0].breached == 0


@pytest.mark.django_db
def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(now):
    for took in (1, 2, 4, 10):
        TicketFactory(created_at=NOW - timedelta(hours=12), first_replied_at=NOW - timedelta(hours=12 - took))

    assert selectors.desk_report().windows[0].first_reply_median == timedelta(hours=3)


@pytest.mark.django_db
@pytest.mark.parametrize("tickets", [1, 20])
def test_the_report_page_takes_the_same_queries_for_1_or_20_tickets(now, client, reviewer, django_assert_max_num_queries, tickets):
    for n in range(tickets):
        TicketFactory(created_at=NOW - timedelta(hours=n), first_replied_at=NOW - timedelta(minutes=n))

    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:tickets_ticket_report"))

    assert response.status_code == 200
    assert "Help desk report" in response.content.decode()


@pytest.mark.django_db
def test_the_queue_links_to_the_report(now, client, reviewer):
    assert reverse("admin:tickets_ticket_report") in client.get(QUEUE).content.decode()


@pytest.mark.django_db
def test_a_customer_cannot_open_the_report(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:tickets_ticket_report"))

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_staff_action_on_a_ticket_that_does_not_exist_is_refused_as_not_found():
    with pytest.raises(services.TicketNotFound):
        services.ticket_assign(ticket_id=987654, staff=ReviewerFactory())
