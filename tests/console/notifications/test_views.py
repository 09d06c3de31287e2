"""The message center: the bell in the top bar, the list, mark as read, the owner's settings page."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from console.core import clock
from console.notifications.models import (
    Notification,
    NotificationDelivery,
    ReminderKind,
    ReminderRecipient,
)
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def owner(client):
    member = MemberFactory(account__name="Aurora Live")
    client.force_login(member.user)
    return member


def delivered(member, *, kind=ReminderKind.EXPIRY, day=None, read=False, subject="Your packages expire soon"):
    notification, _ = Notification.objects.get_or_create(
        account=member.account, kind=kind, day=day or NOW.date(),
        defaults={"created_at": NOW, "subject": subject, "body": "lvpkg-1 expires in 7 days"},
    )
    return NotificationDelivery.objects.create(notification=notification, user=member.user, read_at=NOW if read else None)


# --- the bell -----------------------------------------------------------------------------------


def test_every_console_page_draws_the_bell_with_its_count_and_fetches_nothing_after_loading(client, owner):
    delivered(owner)

    page = client.get(reverse("packages")).content.decode()

    assert 'data-testid="notification-bell"' in page
    assert '<span class="bell-count" data-testid="bell-count">1</span>' in page
    assert f'hx-get="{reverse("notifications:bell")}"' in page
    assert 'hx-trigger="notificationsChanged from:body, every 60s"' in page


def test_the_bell_shows_the_unread_count(client, owner):
    delivered(owner)
    delivered(owner, kind=ReminderKind.LOW_REMAINING)
    delivered(owner, day=NOW.date().replace(day=1), read=True)

    bell = client.get(reverse("notifications:bell"), headers=HTMX).content.decode()

    assert '<span class="bell-count" data-testid="bell-count">2</span>' in bell
    # Swapped in, it must not fetch itself again on load (that would loop).
    assert 'hx-trigger="notificationsChanged from:body, every 60s"' in bell


def test_the_bell_shows_no_count_when_everything_is_read(client, owner):
    delivered(owner, read=True)

    assert "bell-count" not in client.get(reverse("notifications:bell")).content.decode()


def test_staff_without_a_cloud_account_see_no_bell(client):
    client.force_login(StaffFactory())

    assert "notification-bell" not in client.get(reverse("tickets:submit")).content.decode()


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_the_persons_own_messages_only(client, owner):
    delivered(owner, subject="Mine")
    colleague = MemberFactory(account=owner.account, sub_user=True)
    delivered(colleague, kind=ReminderKind.LOW_REMAINING, subject="The colleague's")
    delivered(MemberFactory(), subject="Another account's")

    page = client.get(reverse("notifications:list")).content.decode()

    assert "Mine" in page
    assert "The colleague&#x27;s" not in page and "Another account&#x27;s" not in page


def test_the_list_gives_when_each_message_came_in_the_billing_zone_as_every_page_does(client, owner):
    delivered(owner)  # created at NOW: 02:00 UTC is 10:00 in Beijing

    page = client.get(reverse("notifications:list")).content.decode()

    assert "2026-03-10 10:00:00 (UTC+8)" in page


def test_the_unread_filter_hides_read_messages(client, owner):
    delivered(owner, subject="Unread one")
    delivered(owner, kind=ReminderKind.LOW_REMAINING, subject="Read one", read=True)

    page = client.get(reverse("notifications:list"), {"show": "unread"}).content.decode()

    assert "Unread one" in page and "Read one" not in page


def test_the_type_filter_shows_one_type(client, owner):
    delivered(owner, subject="Expiry one")
    delivered(owner, kind=ReminderKind.LOW_REMAINING, subject="Low one")

    page = client.get(reverse("notifications:list"), {"kind": "low_remaining"}).content.decode()

    assert "Low one" in page and "Expiry one" not in page


# --- mark as read -------------------------------------------------------------------------------


def test_marking_one_read_redraws_its_row_and_tells_the_bell(client, owner):
    delivery = delivered(owner)

    response = client.post(reverse("notifications:read", args=[delivery.pk]), headers=HTMX)

    delivery.refresh_from_db()
    assert delivery.read_at is not None
    assert f'id="delivery-{delivery.pk}"' in response.content.decode()
    assert "notificationsChanged" in json.loads(response["HX-Trigger"])


def test_marking_one_read_without_javascript_goes_back_to_the_list(client, owner):
    delivery = delivered(owner)

    response = client.post(reverse("notifications:read", args=[delivery.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")


def test_nobody_marks_another_persons_message(client, owner):
    colleague = MemberFactory(account=owner.account, sub_user=True)
    theirs = delivered(colleague)

    response = client.post(reverse("notifications:read", args=[theirs.pk]), headers=HTMX)

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_reads_every_message_of_the_person_only(client, owner, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    delivered(owner)
    delivered(owner, kind=ReminderKind.LOW_REMAINING)
    colleague = MemberFactory(account=owner.account, sub_user=True)
    theirs = delivered(colleague)

    response = client.post(reverse("notifications:read_all"), headers=HTMX)

    assert not NotificationDelivery.objects.filter(user=owner.user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    events = json.loads(response["HX-Trigger"])
    assert "notificationsChanged" in events and events["toast"]["message"] == "2 messages marked as read."


def test_reading_needs_a_post(client, owner):
    delivery = delivered(owner)

    assert client.get(reverse("notifications:read", args=[delivery.pk])).status_code == 405


# --- the settings page --------------------------------------------------------------------------


def test_the_owner_sees_every_user_and_type_with_the_defaults(client, owner):
    sub_user = MemberFactory(account=owner.account, sub_user=True)

    page = client.get(reverse("notifications:settings")).content.decode()

    assert f'name="in_console-expiry-{owner.pk}" id="id_in_console-expiry-{owner.pk}" checked' in page
    assert f'name="by_email-low_remaining-{sub_user.pk}"' in page
    assert f'name="by_email-low_remaining-{sub_user.pk}" id="id_by_email-low_remaining-{sub_user.pk}" checked' not in page


def test_the_owner_saves_who_receives_which_reminder(client, owner):
    sub_user = MemberFactory(account=owner.account, sub_user=True)

    response = client.post(reverse("notifications:settings"), {
        f"in_console-expiry-{owner.pk}": "on",
        f"by_email-expiry-{sub_user.pk}": "on",
        f"in_console-low_remaining-{sub_user.pk}": "on",
    })

    assert response.status_code == 302
    chosen = {(r.member_id, r.kind): (r.in_console, r.by_email) for r in ReminderRecipient.objects.all()}
    assert chosen == {
        (owner.pk, "expiry"): (True, False),
        (sub_user.pk, "expiry"): (False, True),
        (owner.pk, "low_remaining"): (False, False),
        (sub_user.pk, "low_remaining"): (True, False),
        (owner.pk, "refund"): (False, False),
        (sub_user.pk, "refund"): (False, False),
        (owner.pk, "ticket"): (False, False),
        (sub_user.pk, "ticket"): (False, False),
        (owner.pk, "overdue"): (False, False),
        (sub_user.pk, "overdue"): (False, False),
        (owner.pk, "balance_alert"): (False, False),
        (sub_user.pk, "balance_alert"): (False, False),
    }


def test_a_sub_user_may_not_open_the_settings(client):
    sub_user = MemberFactory(sub_user=True)
    client.force_login(sub_user.user)

    assert client.get(reverse("notifications:settings")).status_code == 403
    assert client.post(reverse("notifications:settings"), {}).status_code == 403


def test_the_list_links_the_settings_for_the_owner_only(client, owner):
    assert "reminder-settings-link" in client.get(reverse("notifications:list")).content.decode()
    sub_user = MemberFactory(account=owner.account, sub_user=True)
    client.force_login(sub_user.user)

    assert "reminder-settings-link" not in client.get(reverse("notifications:list")).content.decode()


def test_each_reminder_type_on_the_settings_page_says_when_it_is_sent(client, owner):
    html = client.get(reverse("notifications:settings")).content.decode()

    hints = re.findall(r'<p class="hint" data-testid="reminder-when">(.*?)</p>', html)
    assert len(hints) == len(ReminderKind.choices)
    assert len(set(hints)) == len(hints), hints  # not one kind's sentence under another's title
    assert any("refund" in hint for hint in hints)
    assert any("ticket" in hint for hint in hints)
