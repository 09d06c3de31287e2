import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from console.core import clock
from tests.factories import MemberFactory, PackageFactory, ReviewerFactory, StaffFactory, TicketFactory
from tickets.models import Attachment, TicketMessage
from tickets.transitions import Status

MINE = reverse("tickets:mine")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def account_owner():
    return MemberFactory()


@pytest.fixture
def sub_user(account_owner):
    return MemberFactory(account=account_owner.account, sub_user=True)


def attachment_on(ticket) -> Attachment:
    return Attachment.objects.create(
        ticket=ticket, file=ContentFile(b"%PDF-1.4 test", name="x.pdf"), original_name="invoice.pdf",
        content_type="application/pdf", size=13, uploaded_at=clock.now(),
    )


@pytest.mark.django_db
def test_the_account_owner_sees_every_ticket_of_the_account(client, account_owner, sub_user):
    own = TicketFactory(member=account_owner)
    raised_by_sub_user = TicketFactory(member=sub_user)
    client.force_login(account_owner.user)

    response = client.get(MINE)

    assert set(response.context["tickets"]) == {own, raised_by_sub_user}


@pytest.mark.django_db
def test_a_sub_user_sees_only_the_tickets_they_raised(client, account_owner, sub_user):
    TicketFactory(member=account_owner)
    theirs = TicketFactory(member=sub_user)
    client.force_login(sub_user.user)

    response = client.get(MINE)

    assert list(response.context["tickets"]) == [theirs]


@pytest.mark.django_db
def test_a_sub_user_cannot_open_the_owners_ticket(client, account_owner, sub_user):
    owners = TicketFactory(member=account_owner)
    client.force_login(sub_user.user)

    assert client.get(reverse("tickets:detail", args=[owners.pk])).status_code == 404


@pytest.mark.django_db
def test_another_customer_cannot_see_the_ticket_in_my_tickets(client, account_owner):
    TicketFactory(member=account_owner)
    client.force_login(MemberFactory().user)

    assert list(client.get(MINE).context["tickets"]) == []


@pytest.mark.django_db
def test_another_customer_gets_not_found_for_the_ticket_page(client, account_owner):
    ticket = TicketFactory(member=account_owner)
    client.force_login(MemberFactory().user)

    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404


@pytest.mark.django_db
def test_another_customer_cannot_reply_to_the_ticket(client, account_owner):
    ticket = TicketFactory(member=account_owner)
    client.force_login(MemberFactory().user)

    response = client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": "hijack"})

    assert response.status_code == 404
    assert not TicketMessage.objects.exists()


@pytest.mark.django_db
def test_another_customer_cannot_close_the_ticket(client, account_owner):
    ticket = TicketFactory(member=account_owner)
    client.force_login(MemberFactory().user)

    response = client.post(reverse("tickets:close", args=[ticket.pk]), {"confirmed": "yes"})

    ticket.refresh_from_db()
    assert (response.status_code, ticket.status) == (404, Status.OPEN)


@pytest.mark.django_db
def test_the_owner_downloads_an_attachment_with_its_checked_type(client, account_owner):
    attachment = attachment_on(TicketFactory(member=account_owner))
    client.force_login(account_owner.user)

    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


@pytest.mark.django_db
def test_another_customer_gets_not_found_for_an_attachment(client, account_owner):
    attachment = attachment_on(TicketFactory(member=account_owner))
    client.force_login(MemberFactory().user)

    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404


@pytest.mark.django_db
def test_a_ticket_reviewer_downloads_an_attachment(client, account_owner):
    attachment = attachment_on(TicketFactory(member=account_owner))
    client.force_login(ReviewerFactory())

    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 200


@pytest.mark.django_db
def test_staff_without_the_review_permission_cannot_download_an_attachment(client, account_owner):
    attachment = attachment_on(TicketFactory(member=account_owner))
    client.force_login(StaffFactory())

    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 403


@pytest.mark.django_db
def test_the_stored_file_is_not_reachable_at_its_storage_address(client, account_owner):
    attachment = attachment_on(TicketFactory(member=account_owner))
    client.force_login(account_owner.user)

    assert client.get("/" + attachment.file.name).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("tickets", [1, 12])
def test_my_tickets_takes_the_same_number_of_queries_for_1_or_12_tickets(client, django_assert_max_num_queries, account_owner, tickets):
    for _ in range(tickets):
        TicketFactory(member=account_owner, package=PackageFactory(owner=account_owner.account))
    client.force_login(account_owner.user)

    # session, user, member_for, the base template's member + account, the count, the tickets.
    with django_assert_max_num_queries(7):
        response = client.get(MINE)

    assert len(response.context["tickets"]) == tickets


@pytest.mark.django_db
def test_my_tickets_shows_twenty_a_page_most_recently_updated_first(client, account_owner):
    tickets = [TicketFactory(member=account_owner) for _ in range(21)]
    client.force_login(account_owner.user)

    first, second = client.get(MINE), client.get(MINE, {"page": 2})

    assert list(first.context["tickets"]) == tickets[:0:-1]
    assert list(second.context["tickets"]) == [tickets[0]]


@pytest.mark.django_db
@pytest.mark.parametrize("replies", [1, 10])
def test_the_ticket_page_takes_the_same_number_of_queries_for_1_or_10_replies(client, django_assert_max_num_queries, account_owner, replies):
    ticket = TicketFactory(member=account_owner)
    for _ in range(replies):
        TicketMessage.objects.create(ticket=ticket, author=ReviewerFactory(), from_staff=True, body="Hi", created_at=clock.now())
    attachment_on(ticket)
    client.force_login(account_owner.user)

    # session, user, member_for, base template's member + account, ticket, messages, attachments.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("tickets:detail", args=[ticket.pk]))

    assert response.content.decode().count('class="turn turn-staff"') == replies
