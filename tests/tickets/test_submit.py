import uuid
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from console.core.models import AuditEntry
from tests.factories import PackageFactory
from tests.tickets.samples import pdf_bytes
from tickets.models import Attachment, Ticket

SUBMIT = reverse("tickets:submit")


def png(name="screen.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_data(**overrides) -> dict:
    data = {
        "product": "css",
        "issue_type": "other",
        "submission_key": str(uuid.uuid4()),
        "title": "Refund my co-anchoring package",
        "description": "Bought by mistake.",
        "package": "",
        "contact_email": "owner@example.com",
        "phone_country": "+86",
        "phone": "13800000000",
        "contact_time": "anytime",
    }
    data.update(overrides)
    return data


# -- the steps ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["CSS", "streaming", "live"])
def test_searching_for_css_words_finds_cloud_streaming_services(client, owner, query):
    response = client.get(SUBMIT, {"q": query}, headers={"HX-Request": "true", "HX-Target": "product-results"})

    assert response.status_code == 200
    assert "Cloud Streaming Services" in response.content.decode()


@pytest.mark.django_db
def test_searching_for_live_does_not_find_the_content_delivery_network(client, owner):
    response = client.get(SUBMIT, {"q": "live"}, headers={"HX-Request": "true", "HX-Target": "product-results"})

    assert "Content Delivery Network" not in response.content.decode()


@pytest.mark.django_db
def test_the_htmx_search_answers_with_the_results_list_only(client, owner):
    response = client.get(SUBMIT, {"q": "css"}, headers={"HX-Request": "true", "HX-Target": "product-results"})

    html = response.content.decode()
    assert html.lstrip().startswith('<ul id="product-results"')
    assert "<html" not in html


@pytest.mark.django_db
def test_choosing_css_offers_its_issue_types_including_other_problem(client, owner):
    response = client.get(SUBMIT, {"product": "css"})

    html = response.content.decode()
    for label in ("Other problem", "Billing and refund", "Push and playback"):
        assert label in html
    assert 'name="title"' not in html


@pytest.mark.django_db
def test_the_package_row_link_opens_the_form_with_css_other_problem_and_the_package_chosen(client, owner):
    package = PackageFactory(owner=owner.account, kind="co_anchoring")

    response = client.get(SUBMIT, {"product": "css", "issue_type": "other", "package": package.code})

    form = response.context["form"]
    assert response.context["product"].code == "css"
    assert response.context["issue"].code == "other"
    assert form["package"].value() == package.code
    assert f'<option value="{package.code}" selected>' in response.content.decode()


@pytest.mark.django_db
def test_a_prefilled_package_of_another_account_is_not_chosen_and_is_explained(client, owner):
    strangers = PackageFactory(kind="co_anchoring")

    response = client.get(SUBMIT, {"product": "css", "issue_type": "other", "package": strangers.code})

    assert response.context["form"]["package"].value() is None
    assert f"Package {strangers.code} is not one of your account" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_product_in_the_address_is_explained_beside_the_search(client, owner):
    response = client.get(SUBMIT, {"product": "nope"})

    assert response.context["product_error"] == "Choose a product from the list."
    assert 'name="title"' not in response.content.decode()


# -- a good submission ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_complete_form_opens_a_ticket_about_the_chosen_package(client, owner):
    package = PackageFactory(owner=owner.account, kind="co_anchoring")

    response = client.post(SUBMIT, form_data(package=package.code))

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("tickets:detail", args=[ticket.pk])
    assert (ticket.account, ticket.raised_by, ticket.package) == (owner.account, owner.user, package)
    assert (ticket.product, ticket.issue_type, ticket.status) == ("css", "other", "open")
    assert ticket.contact_phone == "+86 13800000000"


@pytest.mark.django_db
def test_submitting_e_mails_the_contact_address_after_commit(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUBMIT, form_data(contact_email="ops@example.com"))

    assert [message.to for message in mail.outbox] == [["ops@example.com"]]


@pytest.mark.django_db
def test_submitting_is_audited(client, owner):
    client.post(SUBMIT, form_data())

    ticket = Ticket.objects.get()
    assert AuditEntry.objects.filter(action="ticket.submitted", object_id=str(ticket.pk), account=owner.account).exists()


@pytest.mark.django_db
def test_submitting_the_same_form_twice_opens_one_ticket(client, owner):
    data = form_data()

    client.post(SUBMIT, data)
    client.post(SUBMIT, data)

    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_an_image_attachment_is_stored_under_media_root_with_its_checked_type(client, owner, media_root):
    client.post(SUBMIT, {**form_data(), "attachments": [png("proof.png")]})

    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "proof.png"
    assert attachment.file.path.startswith(str(media_root))


@pytest.mark.django_db
def test_a_pdf_attachment_is_accepted(client, owner):
    pdf = SimpleUploadedFile("invoice.pdf", pdf_bytes(), content_type="application/pdf")

    client.post(SUBMIT, {**form_data(), "attachments": [pdf]})

    assert Attachment.objects.get().content_type == "application/pdf"


# -- bad input: a message beside the field, nothing saved --------------------------------------


def assert_refused(response, field: str, message: str):
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_empty_title_is_refused_beside_the_title(client, owner):
    response = client.post(SUBMIT, form_data(title="  "))

    assert_refused(response, "title", "This field is required.")


@pytest.mark.django_db
def test_a_10_mb_attachment_is_refused_beside_the_attachments(client, owner):
    huge = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024), content_type="image/png")

    response = client.post(SUBMIT, {**form_data(), "attachments": [huge]})

    assert_refused(response, "attachments", "each file may be at most 5.0")


@pytest.mark.django_db
def test_an_executable_renamed_png_is_refused_by_its_content(client, owner):
    exe = SimpleUploadedFile("photo.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200, content_type="image/png")

    response = client.post(SUBMIT, {**form_data(), "attachments": [exe]})

    assert_refused(response, "attachments", "Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached.")


@pytest.mark.django_db
def test_a_png_header_on_a_broken_body_is_refused(client, owner):
    fake = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"not an image at all" * 10, content_type="image/png")

    response = client.post(SUBMIT, {**form_data(), "attachments": [fake]})

    assert_refused(response, "attachments", "The image is damaged or not really an image.")


@pytest.mark.django_db
def test_more_than_three_attachments_are_refused(client, owner):
    response = client.post(SUBMIT, {**form_data(), "attachments": [png(f"{n}.png") for n in range(4)]})

    assert_refused(response, "attachments", "Attach at most 3 files.")


@pytest.mark.django_db
def test_another_accounts_package_is_refused_beside_the_package(client, owner):
    strangers = PackageFactory(kind="co_anchoring")

    response = client.post(SUBMIT, form_data(package=strangers.code))

    assert_refused(response, "package", "Choose one of your account's packages.")


@pytest.mark.django_db
def test_a_product_that_does_not_exist_is_refused_beside_the_product_search(client, owner):
    response = client.post(SUBMIT, form_data(product="warp-drive"))

    assert_refused(response, "product", "Choose a product from the list.")
    assert response.context["product_error"] == "Choose a product from the list."


@pytest.mark.django_db
def test_an_issue_type_the_product_does_not_have_is_refused_beside_the_issue_types(client, owner):
    response = client.post(SUBMIT, form_data(issue_type="upload"))

    assert_refused(response, "issue_type", "Choose one of the issue types of Cloud Streaming Services.")
    assert response.context["issue_error"] == "Choose one of the issue types of Cloud Streaming Services."


@pytest.mark.django_db
def test_a_phone_number_with_letters_is_refused_beside_the_phone(client, owner):
    response = client.post(SUBMIT, form_data(phone="call me"))

    assert_refused(response, "phone", "Enter the phone number in digits, without the country code.")
