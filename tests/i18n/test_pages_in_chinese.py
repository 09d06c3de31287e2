"""Every page and dialog, in Simplified Chinese, for each persona: nothing a person reads is still
an English UI string.

Each page is rendered twice, in English and in Chinese (the browser's language cookie); a text of
the Chinese page that is identical in the English one and still has English words once IDs,
numbers, units, codes, e-mail addresses and proper names are taken out is a failure.
"""

import uuid
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from console.accounts.api_keys import api_key_create
from console.accounts.models import Member
from console.accounts.services import policy_create
from console.core import clock
from console.notifications.models import ReminderKind
from console.notifications.services import reminders_create
from console.packages.models import Package
from tests.i18n.conftest import package_pk
from tests.i18n.textnodes import english_leftovers
from tickets import services as ticket_services
from tickets.catalogue import PRODUCT_BY_CODE
from refunds.models import Refund
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenery(seeded):
    """What the pages show beyond the seed: a ticket with a conversation, a reminder, a custom
    policy and an API key."""
    demo = Member.objects.select_related("user", "account").get(user__username="demo")
    admin = get_user_model().objects.get(username="admin")
    ticket = ticket_services.ticket_submit(
        member=demo, product="css", issue_type="other", title="连麦包退款", description="请退款。",
        package=Package.objects.get(code="lvpkg-dm000011"), contact_email="ops@aurora-live.example",
        contact_phone="+86 13800000000", contact_time=next(iter(dict(Ticket._meta.get_field("contact_time").choices))),
        attachments=[], submission_key=uuid.uuid4(),
    )
    ticket_services.ticket_assign(ticket_id=ticket.pk, staff=admin)
    ticket_services.ticket_staff_reply(ticket_id=ticket.pk, staff=admin, body="我们正在处理。")
    package = Package.objects.select_related("spec").get(code="lvpkg-dm000002")
    expires = package.expires_at.astimezone(clock.billing_zone())
    reminders_create(kind=ReminderKind.EXPIRY, day=clock.today(), triggers={demo.account_id: [{
        "code": package.code, "name": package.spec.name, "kind": package.kind, "unit": "GB",
        "total": str(package.total), "remaining": str(package.remaining),
        "expires_at": expires.strftime("%Y-%m-%d %H:%M:%S"), "days_left": 7,
    }]})
    policy_create(
        owner=demo, name="ReadPackages", description="",
        document={"version": "2.0", "statement": [{"effect": "allow", "action": ["live:Describe*"], "resource": "*"}]},
    )
    api_key_create(member=demo)
    return {"ticket": ticket}


def _pages(scenery):
    """(persona, page name, URL) for every page and dialog of the console and the review desk."""
    ticket = scenery["ticket"]
    dialog = lambda code: reverse("refund_dialog", args=[package_pk(code)])  # noqa: E731
    packages = reverse("packages")
    submit = reverse("tickets:submit")
    return [
        (None, "login", reverse("login")),
        ("demo", "packages traffic tab", f"{packages}?tab=traffic"),
        ("demo", "packages transcoding tab", f"{packages}?tab=transcoding"),
        ("demo", "packages plugins tab", f"{packages}?tab=other"),
        ("demo", "packages filtered to nothing", f"{packages}?q=nothing-matches"),
        ("demo", "package with deductions", reverse("package_detail", args=["lvpkg-dm000005"])),
        ("demo", "package with a discount", reverse("package_detail", args=["lvpkg-dm000002"])),
        ("demo", "refund dialog, refundable", dialog("lvpkg-dm000001")),
        ("demo", "refund dialog, used", dialog("lvpkg-dm000005")),
        ("demo", "refund dialog, giveaway", dialog("lvpkg-dm000010")),
        ("demo", "refund dialog, ticket only", dialog("lvpkg-dm000011")),
        ("demo", "refund dialog, already refunded", dialog("lvpkg-dm000013")),
        ("demo", "refund dialog, past the deadline", dialog("lvpkg-dm000014")),
        ("demo", "buy dialog", reverse("package_buy")),
        ("demo", "balance and bills", reverse("billing")),
        ("demo", "balance and bills, bad dates", reverse("billing") + "?start=2026-13-45"),
        ("demo", "refund records", reverse("refund_records")),
        ("demo", "API keys", reverse("api_keys")),
        ("demo", "users and permissions", reverse("users_permissions")),
        ("demo", "my tickets", reverse("tickets:mine")),
        ("demo", "ticket form, product step", submit),
        ("demo", "ticket form, no product found", f"{submit}?q=nothing-matches"),
        ("demo", "ticket form, issue step", f"{submit}?product=css"),
        ("demo", "ticket form", f"{submit}?product=css&issue_type=other&package=lvpkg-dm000011"),
        ("demo", "ticket", reverse("tickets:detail", args=[ticket.pk])),
        ("demo", "message center", reverse("notifications:list")),
        ("demo", "reminder settings", reverse("notifications:settings")),
        ("demo", "presenter panel", reverse("demo:home")),
        ("demo", "deadline chooser", reverse("demo:deadline")),
        ("demo", "page not found", reverse("package_detail", args=["lvpkg-nothing"])),
        ("viewer", "packages", packages),
        ("viewer", "refund dialog, no permission", dialog("lvpkg-dm000001")),
        ("viewer", "users and permissions", reverse("users_permissions")),
        ("viewer", "API keys", reverse("api_keys")),
        ("viewer", "reminder settings, not allowed", reverse("notifications:settings")),
        ("suspended", "packages", packages),
        ("suspended", "refund dialog, account suspended", dialog("lvpkg-dm000021")),
        ("overdue", "packages", packages),
        ("overdue", "balance and bills, suspended", reverse("billing")),
        ("overdue", "top-up dialog", reverse("billing_top_up")),
        ("arrears", "packages, in arrears", packages),
        ("arrears", "balance alert", reverse("billing_alert")),
        ("admin", "ticket queue", reverse("admin:tickets_ticket_changelist")),
        ("admin", "review desk", reverse("admin:tickets_ticket_change", args=[ticket.pk])),
        ("admin", "console page without an account", packages),
        ("admin", "admin home", reverse("admin:index")),
        ("admin", "accounts", reverse("admin:console_account_changelist")),
        ("admin", "an account", reverse("admin:console_account_change", args=[Member.objects.get(user__username="demo").account_id])),
        ("admin", "packages", reverse("admin:console_package_changelist")),
        ("admin", "a package", reverse("admin:console_package_change", args=[package_pk("lvpkg-dm000005")])),
        ("admin", "grant a giveaway", reverse("admin:console_package_grant")),
        ("admin", "package specs", reverse("admin:console_packagespec_changelist")),
        ("admin", "ledger", reverse("admin:console_ledgerentry_changelist")),
        ("admin", "audit trail", reverse("admin:console_auditentry_changelist")),
        ("admin", "refunds", reverse("admin:refunds_refund_changelist")),
        ("admin", "a refund", reverse("admin:refunds_refund_change", args=[Refund.objects.get().pk])),
        ("admin", "policies", reverse("admin:console_policy_changelist")),
        ("admin", "API keys", reverse("admin:console_apikey_changelist")),
    ]


def test_every_page_and_dialog_reads_in_chinese_for_every_persona(scenery, client_as):
    untranslated = {}
    names = tuple(str(product.name) for product in PRODUCT_BY_CODE.values())
    for persona, name, url in _pages(scenery):
        english = client_as(persona, "en").get(url)
        chinese = client_as(persona, "zh-hans").get(url)
        assert english.status_code == chinese.status_code, (persona, name)
        assert chinese.headers.get("Content-Language") == "zh-hans", (persona, name)
        leftovers = english_leftovers(chinese.content.decode(), english.content.decode(), names=names)
        if leftovers:
            untranslated[f"{persona or 'anonymous'}: {name}"] = leftovers
    assert untranslated == {}, "Still in English:\n" + "\n".join(
        f"  {page}: {texts}" for page, texts in untranslated.items()
    )


def test_the_review_desk_after_a_decision_reads_in_chinese(scenery, client_as):
    ticket = scenery["ticket"]
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    client_as("admin", "zh-hans").post(reverse("admin:tickets_ticket_reject", args=[ticket.pk]), {"reason": "不符合退款条件。"})

    chinese, english = client_as("admin", "zh-hans").get(url), client_as("admin", "en").get(url)

    assert english_leftovers(chinese.content.decode(), english.content.decode()) == []


def test_a_refunds_confirmation_toast_reads_in_chinese(seeded, client_as):
    client = client_as("demo", "zh-hans")
    package_id = package_pk("lvpkg-dm000001")

    answer = client.post(
        reverse("refund_confirm", args=[package_id]), {"confirm": "on", "idempotency_key": str(uuid.uuid4())},
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 204
    assert "已退款 USD" in answer.headers["HX-Trigger"].encode().decode("unicode_escape")


def test_countdowns_durations_and_times_are_written_for_the_language(seeded, client_as):
    page = client_as("demo", "zh-hans").get(reverse("packages") + "?tab=transcoding").content.decode()

    assert "剩余" in page and "小时" in page  # "剩余 4 天 23 小时", "1,000 小时"
    assert "（UTC+8）" in page  # every time with its zone


def test_the_clock_moves_a_day_and_the_panel_says_so_in_chinese(seeded, client_as):
    client = client_as("demo", "zh-hans")

    page = client.post(reverse("demo:clock"), {"step": "day"}, follow=True).content.decode()

    assert "时钟已调整 +1 天" in page
