from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from console.core import clock
from console.core.models import AuditEntry
from console.templatetags.console_format import zoned
from console.ledger.models import LedgerEntry, LedgerKind
from refunds.models import Refund
from refunds.policy import refund_deadline
from tests.factories import (
    ApproverFactory,
    DeductionFactory,
    MemberFactory,
    PackageFactory,
    ReviewerFactory,
    StaffFactory,
    TicketFactory,
)
from tickets import services
from tickets.models import Ticket, TicketMessage
from tickets.transitions import Status

QUEUE = reverse("admin:tickets_ticket_changelist")


def change_page(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def button(ticket, name):
    return reverse(f"admin:tickets_ticket_{name}", args=[ticket.pk])


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def refund_entries(package):
    return LedgerEntry.objects.filter(kind=LedgerKind.REFUND, package=package)


@pytest.fixture
def member():
    return MemberFactory()


@pytest.fixture
def package(member):
    return PackageFactory(owner=member.account, kind="co_anchoring")


@pytest.fixture
def ticket(member, package):
    return TicketFactory(member=member, package=package)


@pytest.fixture
def approver(client):
    user = ApproverFactory()
    client.force_login(user)
    return user


@pytest.fixture
def reviewer(client):
    user = ReviewerFactory()
    client.force_login(user)
    return user


# -- the queue --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_lists_the_oldest_ticket_first(client, reviewer):
    newer = TicketFactory(created_at=clock.now() - timedelta(hours=1))
    older = TicketFactory(created_at=clock.now() - timedelta(days=2))

    response = client.get(QUEUE)

    assert list(response.context["cl"].result_list) == [older, newer]


@pytest.mark.django_db
@pytest.mark.parametrize("tickets", [1, 15])
def test_the_queue_takes_the_same_number_of_queries_for_1_or_15_tickets(client, reviewer, django_assert_max_num_queries, tickets):
    for _ in range(tickets):
        member = MemberFactory()
        TicketFactory(member=member, package=PackageFactory(owner=member.account), assignee=StaffFactory())

    with django_assert_max_num_queries(9):
        response = client.get(QUEUE)

    assert response.context["cl"].result_count == tickets


@pytest.mark.django_db
def test_the_queue_filters_tickets_that_name_a_package(client, reviewer, ticket):
    TicketFactory()

    response = client.get(QUEUE, {"has_package": "yes"})

    assert list(response.context["cl"].result_list) == [ticket]


@pytest.mark.django_db
def test_the_queue_filters_tickets_older_than_a_week(client, reviewer):
    old = TicketFactory(created_at=clock.now() - timedelta(days=8))
    TicketFactory(created_at=clock.now() - timedelta(days=2))

    response = client.get(QUEUE, {"age": "gt7d"})

    assert list(response.context["cl"].result_list) == [old]


@pytest.mark.django_db
def test_the_queue_filters_by_status(client, reviewer):
    resolved = TicketFactory(status=Status.RESOLVED, resolved_at=clock.now())
    TicketFactory()

    response = client.get(QUEUE, {"status__exact": "resolved"})

    assert list(response.context["cl"].result_list) == [resolved]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["uin", "id", "title"])
def test_the_queue_finds_a_ticket_by_uin_id_or_title(client, reviewer, ticket, term):
    TicketFactory(title="Something else")
    query = {"uin": str(ticket.account.uin), "id": str(ticket.pk), "title": ticket.title.split("(")[0]}[term]

    response = client.get(QUEUE, {"q": query})

    assert list(response.context["cl"].result_list) == [ticket]


# -- the change page --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_change_page_shows_the_policys_verdict_with_deadline_zone_amounts_and_payer(client, reviewer, ticket, package):
    response = client.get(change_page(ticket))

    html = response.content.decode()
    assert "Refundable" in html
    assert f"Deadline: {zoned(refund_deadline(package.purchased_at, clock.billing_zone()))}" in html
    assert f"cash USD {package.paid_cash}" in html
    assert f"{package.payer.name} (UIN {package.payer.uin})" in html


@pytest.mark.django_db
def test_the_change_page_lists_every_reason_the_policy_refuses(client, reviewer, member):
    package = PackageFactory(owner=member.account, kind="co_anchoring", purchased_at=clock.now() - timedelta(days=9))
    DeductionFactory(package=package)
    ticket = TicketFactory(member=member, package=package)

    html = client.get(change_page(ticket)).content.decode()

    assert "Not refundable" in html
    assert "The five-day refund window has closed." in html
    assert "The package has been used: a deduction has been made from it." in html


@pytest.mark.django_db
def test_the_change_page_shows_the_conversation_read_only(client, reviewer, ticket, member):
    TicketMessage.objects.create(ticket=ticket, author=member.user, body="Any update?", created_at=clock.now())

    response = client.get(change_page(ticket))

    assert "Any update?" in response.content.decode()
    assert not response.context["has_change_permission"]


@pytest.mark.django_db
def test_the_change_page_shows_the_packages_audit_trail(client, reviewer, ticket, package):
    AuditEntry.objects.create(
        at=clock.now(), actor_label="system", action="refund.refused", object_type="console.package",
        object_id=str(package.pk),
    )

    assert "Refund: refused" in client.get(change_page(ticket)).content.decode()


# -- approve ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approving_refunds_the_package_through_the_ledger(client, approver, ticket, package):
    client.post(button(ticket, "approve"), {"note": ""})

    package.refresh_from_db()
    package.payer.refresh_from_db()
    assert package.refunded_at is not None
    assert [entry.amount for entry in refund_entries(package)] == [package.paid_cash]
    assert package.payer.cash_balance == package.paid_cash


@pytest.mark.django_db
def test_approving_resolves_the_ticket_with_a_reply_stating_the_amounts(client, approver, ticket, package):
    client.post(button(ticket, "approve"), {"note": ""})

    ticket.refresh_from_db()
    reply = ticket.messages.get()
    assert ticket.status == Status.RESOLVED
    assert reply.from_staff
    assert f"Cash: USD {package.paid_cash}" in reply.body
    assert f"Total: USD {package.paid_cash}" in reply.body


@pytest.mark.django_db
def test_approving_e_mails_the_customer_after_commit(client, approver, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(button(ticket, "approve"), {"note": ""})

    assert ticket.contact_email in [address for message in mail.outbox for address in message.to]
    assert any("refund approved" in message.subject for message in mail.outbox)


@pytest.mark.django_db
def test_approving_twice_refunds_once(client, approver, ticket, package):
    client.post(button(ticket, "approve"), {"note": ""})
    response = client.post(button(ticket, "approve"), {"note": ""}, follow=True)

    assert refund_entries(package).count() == 1
    assert Refund.objects.filter(package=package).count() == 1
    assert any("cannot become resolved" in message for message in shown_messages(response))


@pytest.mark.django_db
def test_approving_again_after_a_reopen_moves_no_money_again(client, approver, ticket, package, member):
    from tickets.services import ticket_reopen

    client.post(button(ticket, "approve"), {"note": ""})
    ticket_reopen(ticket_id=ticket.pk, member=member)

    response = client.post(button(ticket, "approve"), {"note": ""}, follow=True)

    assert refund_entries(package).count() == 1
    assert any("no money moved again" in message for message in shown_messages(response))


@pytest.mark.django_db
def test_the_approve_list_action_refunds_the_selected_ticket(client, approver, ticket, package):
    client.post(QUEUE, {"action": "approve_refund", "_selected_action": [ticket.pk]})

    package.refresh_from_db()
    assert package.refunded_at is not None


@pytest.mark.django_db
def test_a_refused_refund_shows_every_reason_and_changes_nothing(client, approver, member):
    package = PackageFactory(owner=member.account, kind="co_anchoring", purchased_at=clock.now() - timedelta(days=9))
    DeductionFactory(package=package)
    ticket = TicketFactory(member=member, package=package)

    response = client.post(button(ticket, "approve"), {"note": ""}, follow=True)

    shown = shown_messages(response)
    ticket.refresh_from_db()
    package.refresh_from_db()
    assert any("The five-day refund window has closed." in message for message in shown)
    assert any("The package has been used" in message for message in shown)
    assert all(message.level_tag == "error" for message in response.context["messages"])
    assert (ticket.status, package.refunded_at, refund_entries(package).count()) == (Status.OPEN, None, 0)


@pytest.mark.django_db
def test_a_refused_approval_is_audited_on_the_ticket_with_the_verdict(client, approver, member):
    package = PackageFactory(owner=member.account, kind="co_anchoring", giveaway=True)
    ticket = TicketFactory(member=member, package=package)

    client.post(button(ticket, "approve"), {"note": ""})

    entry = AuditEntry.objects.get(action="ticket.refund_refused", object_id=str(ticket.pk))
    assert entry.verdict["reasons"] == ["giveaway"]
    assert entry.actor == approver


@pytest.mark.django_db
def test_a_suspicion_of_abuse_blocks_approval_without_a_note(client, approver, member, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 0
    package = PackageFactory(owner=member.account, kind="traffic")
    ticket = TicketFactory(member=member, package=package)

    response = client.post(button(ticket, "approve"), {"note": ""}, follow=True)

    package.refresh_from_db()
    assert package.refunded_at is None
    assert any("Add an overrule note" in message for message in shown_messages(response))


@pytest.mark.django_db
def test_a_written_note_overrules_a_suspicion_of_abuse_and_is_audited(client, approver, member, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 0
    package = PackageFactory(owner=member.account, kind="traffic")
    ticket = TicketFactory(member=member, package=package)

    client.post(button(ticket, "approve"), {"note": "Long-standing customer; wrong region bought."})

    package.refresh_from_db()
    assert package.refunded_at is not None
    assert AuditEntry.objects.get(action="ticket.refund_approved").note == "Long-standing customer; wrong region bought."


@pytest.mark.django_db
def test_a_note_does_not_overrule_anything_but_a_suspicion_of_abuse(client, approver, member):
    package = PackageFactory(owner=member.account, kind="co_anchoring")
    DeductionFactory(package=package)
    ticket = TicketFactory(member=member, package=package)

    client.post(button(ticket, "approve"), {"note": "Please."})

    package.refresh_from_db()
    assert package.refunded_at is None


# -- reject, reply, assign ----------------------------------------------------------------------


@pytest.mark.django_db
def test_rejecting_resolves_the_ticket_with_the_reason_and_moves_no_money(client, reviewer, ticket, package):
    client.post(button(ticket, "reject"), {"reason": "The package was used on the day of purchase."})

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert "The package was used on the day of purchase." in ticket.messages.get().body
    assert refund_entries(package).count() == 0
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_rejecting_without_a_reason_is_refused_beside_the_field(client, reviewer, ticket):
    response = client.post(button(ticket, "reject"), {"reason": ""})

    assert response.status_code == 200
    assert response.context["reject_form"].errors["reason"] == ["This field is required."]
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert not ticket.messages.exists()


@pytest.mark.django_db
def test_a_staff_reply_waits_for_the_customer_and_is_e_mailed(client, reviewer, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(button(ticket, "reply"), {"body": "Which package do you mean?"})

    ticket.refresh_from_db()
    assert ticket.status == Status.AWAITING_CUSTOMER
    assert ticket.messages.get().body == "Which package do you mean?"
    assert mail.outbox[-1].to == [ticket.contact_email]


@pytest.mark.django_db
def test_a_staff_reply_to_a_closed_ticket_is_refused(client, reviewer):
    ticket = TicketFactory(status=Status.CLOSED)

    response = client.post(button(ticket, "reply"), {"body": "Hello"}, follow=True)

    assert not ticket.messages.exists()
    assert any("closed" in message for message in shown_messages(response))


@pytest.mark.django_db
def test_assign_to_me_sets_the_assignee_and_starts_processing(client, reviewer, ticket):
    client.post(button(ticket, "assign"))

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (reviewer, Status.PROCESSING)


@pytest.mark.django_db
def test_the_assign_list_action_assigns_every_selected_ticket(client, reviewer):
    tickets = [TicketFactory(), TicketFactory()]

    client.post(QUEUE, {"action": "assign_to_me", "_selected_action": [t.pk for t in tickets]})

    assert set(Ticket.objects.values_list("assignee", flat=True)) == {reviewer.pk}


@pytest.mark.django_db
def test_each_decision_is_audited(client, approver, ticket):
    client.post(button(ticket, "assign"))
    client.post(button(ticket, "reply"), {"body": "Looking."})
    client.post(button(ticket, "approve"), {"note": ""})

    actions = set(AuditEntry.objects.filter(actor=approver).values_list("action", flat=True))
    assert {"ticket.assigned", "ticket.replied", "ticket.refund_approved", "refund.completed"} <= actions


# -- the permission matrix ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_customer_cannot_open_the_review_desk(client, ticket, member):
    client.force_login(member.user)

    response = client.get(change_page(ticket))

    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.django_db
def test_staff_without_the_review_permission_cannot_see_the_queue(client):
    client.force_login(StaffFactory())

    assert client.get(QUEUE).status_code == 403


@pytest.mark.django_db
def test_staff_without_the_review_permission_cannot_post_a_decision(client, ticket):
    client.force_login(StaffFactory())

    response = client.post(button(ticket, "reject"), {"reason": "no"})

    ticket.refresh_from_db()
    assert (response.status_code, ticket.status) == (403, Status.OPEN)


@pytest.mark.django_db
def test_a_reviewer_without_the_approve_permission_cannot_approve(client, reviewer, ticket, package):
    response = client.post(button(ticket, "approve"), {"note": ""}, follow=True)

    package.refresh_from_db()
    assert package.refunded_at is None
    assert any("approve_refund" in message for message in shown_messages(response))


@pytest.mark.django_db
def test_a_reviewer_is_not_offered_the_approve_list_action(client, reviewer, ticket):
    response = client.get(QUEUE)

    choices = [value for value, _ in response.context["action_form"].fields["action"].choices]
    assert "assign_to_me" in choices
    assert "approve_refund" not in choices


@pytest.mark.django_db
def test_a_reviewer_may_reject(client, reviewer, ticket):
    client.post(button(ticket, "reject"), {"reason": "Not eligible."})

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


@pytest.mark.django_db
def test_staff_cannot_approve_a_refund_on_a_ticket_they_raised(client, member, package):
    approver = ApproverFactory()
    ticket = TicketFactory(member=member, package=package, raised_by=approver)
    client.force_login(approver)

    response = client.post(button(ticket, "approve"), {"note": ""}, follow=True)

    package.refresh_from_db()
    assert package.refunded_at is None
    assert any("ticket they raised" in message for message in shown_messages(response))


@pytest.mark.django_db
def test_even_a_superuser_cannot_approve_a_refund_on_a_ticket_they_raised(client, member, package):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    ticket = TicketFactory(member=member, package=package, raised_by=boss)
    client.force_login(boss)

    client.post(button(ticket, "approve"), {"note": ""})

    package.refresh_from_db()
    assert package.refunded_at is None


@pytest.mark.django_db
def test_a_superuser_may_approve_someone_elses_ticket(client, ticket, package):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw"))

    client.post(button(ticket, "approve"), {"note": ""})

    package.refresh_from_db()
    assert package.refunded_at is not None


@pytest.mark.django_db
def test_the_approve_button_is_a_post_only_endpoint(client, approver, ticket, package):
    response = client.get(button(ticket, "approve"))

    package.refresh_from_db()
    assert (response.status_code, package.refunded_at) == (405, None)


@pytest.mark.django_db
def test_approving_pays_back_the_account_that_paid_not_the_owner(client, approver, member):
    payer = MemberFactory().account
    package = PackageFactory(owner=member.account, payer=payer, kind="co_anchoring")
    ticket = TicketFactory(member=member, package=package)

    client.post(button(ticket, "approve"), {"note": ""})

    payer.refresh_from_db()
    member.account.refresh_from_db()
    assert (payer.cash_balance, member.account.cash_balance) == (package.paid_cash, Decimal("0.00"))


# -- the desk shows what the customer sees, and only what can still happen -------


@pytest.mark.django_db
def test_the_desk_shows_package_amounts_in_the_units_the_customer_reads(client, reviewer, member):
    package = PackageFactory(owner=member.account, kind="co_anchoring", spec_name="1,000 hours")
    ticket = TicketFactory(member=member, package=package)

    html = client.get(change_page(ticket)).content.decode()

    assert "used 0 h of 1,000 h" in html
    assert "60000.000" not in html


@pytest.mark.django_db
def test_the_desk_writes_every_time_one_way_with_its_zone(client, reviewer, ticket, package):
    html = client.get(change_page(ticket)).content.decode()

    assert f"bought {zoned(package.purchased_at)}" in html
    assert zoned(ticket.created_at) in html
    assert "(UTC+0800)" not in html and "a.m." not in html and "p.m." not in html


@pytest.mark.django_db
def test_audit_changes_read_as_sentences_not_python_dicts(client, reviewer, ticket):
    services.ticket_assign(ticket_id=ticket.pk, staff=reviewer)

    html = client.get(change_page(ticket)).content.decode()

    assert "status: open → processing" in html
    assert f"assignee: – → {reviewer.get_username()}" in html
    assert "Ticket: status changed" in html
    assert "{&#x27;status&#x27;" not in html and "{'status'" not in html


@pytest.mark.django_db
def test_a_resolved_ticket_offers_no_approve_reject_or_assign(client, approver, ticket):
    services.ticket_reject(ticket_id=ticket.pk, staff=ReviewerFactory(), reason="No.")

    html = client.get(change_page(ticket)).content.decode()

    assert button(ticket, "approve") not in html
    assert button(ticket, "reject") not in html
    assert button(ticket, "assign") not in html
    assert button(ticket, "reply") in html
    assert 'data-testid="desk-status">Rejected<' in html


@pytest.mark.django_db
def test_an_open_ticket_offers_every_decision(client, approver, ticket):
    html = client.get(change_page(ticket)).content.decode()

    for name in ("approve", "reject", "assign", "reply"):
        assert button(ticket, name) in html


@pytest.mark.django_db
def test_a_closed_ticket_offers_nothing(client, approver, ticket, member):
    services.ticket_close(ticket_id=ticket.pk, member=member)

    html = client.get(change_page(ticket)).content.decode()

    assert 'data-testid="desk-nothing-left"' in html
    assert button(ticket, "reply") not in html


@pytest.mark.django_db
def test_the_read_only_close_link_is_replaced_by_a_way_back_to_the_queue(client, reviewer, ticket):
    html = client.get(change_page(ticket)).content.decode()

    assert 'class="closelink"' not in html
    assert 'data-testid="desk-back"' in html and "Back to the ticket queue" in html


# -- who raised the ticket, and whether they may refund -----------------------------


@pytest.mark.django_db
def test_the_desk_says_the_owner_who_raised_the_ticket_may_refund(client, approver, ticket, member):
    html = client.get(change_page(ticket)).content.decode()

    assert f"Raised by <strong>{member.user.get_username()}</strong>:" in html
    assert "may refund this account's packages." in html
    assert 'data-may-refund="yes"' in html


@pytest.mark.django_db
def test_the_desk_says_a_sub_user_without_the_permission_may_not_refund_and_offers_no_approve(client, approver, member):
    sub_user = MemberFactory(account=member.account, sub_user=True)
    package = PackageFactory(owner=member.account, kind="co_anchoring")
    ticket = TicketFactory(member=sub_user, package=package)

    html = client.get(change_page(ticket)).content.decode()

    assert "may not refund this account's packages" in html
    assert 'data-may-refund="no"' in html
    assert 'data-testid="desk-requester-refused"' in html
    assert '<button type="submit" class="button default">Approve refund</button>' not in html
