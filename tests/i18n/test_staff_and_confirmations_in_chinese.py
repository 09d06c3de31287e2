"""Issue 23's staff pages and confirmation steps in Simplified Chinese: the steps before an
irreversible action, the buy page refused to a sub-user, the review desk after an approval, and
the console's frame for staff. Nothing a person reads is still an English UI string."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from console.accounts.models import ApiKey, Member, PolicyAttachment, PresetPolicy
from console.accounts.services import policy_create
from console.core import clock
from console.packages.models import Package
from tests.i18n.textnodes import english_leftovers
from tickets import services as ticket_services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scenery(seeded):
    demo = Member.objects.select_related("user", "account").get(user__username="demo")
    viewer = Member.objects.get(user__username="viewer")
    ticket = ticket_services.ticket_submit(
        member=demo, product="css", issue_type="other", title="连麦包退款", description="请退款。",
        package=Package.objects.get(code="lvpkg-dm000011"), contact_email="ops@aurora-live.example",
        contact_phone="+86 13800000000", contact_time=next(iter(dict(Ticket._meta.get_field("contact_time").choices))),
        attachments=[], submission_key=uuid.uuid4(),
    )
    policy = policy_create(
        owner=demo, name="ReadPackages", description="",
        document={"version": "2.0", "statement": [{"effect": "allow", "action": ["live:Describe*"], "resource": "*"}]},
    )
    attachment = PolicyAttachment.objects.filter(member=viewer, preset=PresetPolicy.LIVE_READ_ONLY_ACCESS).first() or (
        PolicyAttachment.objects.create(member=viewer, preset=PresetPolicy.LIVE_READ_ONLY_ACCESS, attached_at=clock.now())
    )
    key = ApiKey.objects.filter(member=demo).first()
    return {"ticket": ticket, "policy": policy, "attachment": attachment, "key": key}


def leftovers(client_as, persona, url, **extra):
    english = client_as(persona, "en").get(url, **extra)
    chinese = client_as(persona, "zh-hans").get(url, **extra)
    assert english.status_code == chinese.status_code == 200, url
    return english_leftovers(chinese.content.decode(), english.content.decode())


@pytest.mark.parametrize("name", ["close ticket", "disable key", "delete key", "detach policy", "delete policy"])
def test_each_confirmation_step_reads_in_chinese_as_a_page_and_as_a_dialog(scenery, client_as, name):
    url = {
        "close ticket": reverse("tickets:close", args=[scenery["ticket"].pk]),
        "disable key": reverse("api_key_disable", args=[scenery["key"].pk]),
        "delete key": reverse("api_key_delete", args=[scenery["key"].pk]),
        "detach policy": reverse("policy_detach", args=[scenery["attachment"].pk]),
        "delete policy": reverse("policy_delete", args=[scenery["policy"].pk]),
    }[name]

    assert leftovers(client_as, "demo", url) == []
    assert leftovers(client_as, "demo", url, **HTMX) == []


def test_the_buy_page_refused_to_a_sub_user_reads_in_chinese(scenery, client_as):
    assert leftovers(client_as, "viewer", reverse("package_buy")) == []


def test_the_review_desk_after_an_approval_reads_in_chinese(scenery, client_as):
    ticket = scenery["ticket"]
    approver = get_user_model().objects.get(username="admin")
    ticket_services.ticket_refund_approve(ticket_id=ticket.pk, staff=approver, note="")

    assert leftovers(client_as, "admin", reverse("admin:tickets_ticket_change", args=[ticket.pk])) == []


def test_the_console_frame_for_staff_reads_in_chinese(scenery, client_as):
    english = client_as("admin", "en").get(reverse("billing"))
    chinese = client_as("admin", "zh-hans").get(reverse("billing"))

    assert "审核台" in chinese.content.decode()
    assert english_leftovers(chinese.content.decode(), english.content.decode()) == []
