"""Attachments: a PDF is checked by its structure, an image by Pillow with nothing riding behind
it and not too many pixels; downloads are named and typed from the checked type; a request too
large for the ticket form is refused before it is read."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.factories import TicketFactory
from tests.tickets.samples import image_bytes, pdf_bytes, pillow_pdf_bytes, png_bytes, png_declaring
from tickets import uploads
from tickets.models import Attachment, Ticket

SUBMIT = reverse("tickets:submit")


# --- what is accepted (pure) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [pdf_bytes(), pdf_bytes(xref_stream=True), pillow_pdf_bytes(), pdf_bytes() + b"\r\n"],
    ids=["xref table", "xref stream (PDF 1.5)", "written by Pillow", "an end of line after %%EOF"],
)
def test_a_well_formed_pdf_is_accepted(data):
    assert uploads.content_type_of(data) == "application/pdf"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-",
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF",  # no cross-reference section
        pdf_bytes() + b"<html><script>alert(1)</script></html>",  # something after %%EOF
        pdf_bytes().replace(b"startxref\n", b"startxref\n9").replace(b"%%EOF", b"%%EOF"),  # offset out of the file
        pdf_bytes().replace(b"/Root 1 0 R", b"/Info 1 0 R"),  # a trailer without the catalogue
        b"%PDF-1.4\nstartxref\n9\n%%EOF\n",  # the offset points at no cross-reference section
    ],
    ids=["header only", "html behind a header", "no xref", "html after EOF", "offset beyond", "no root", "offset at nothing"],
)
def test_a_pdf_whose_structure_does_not_hold_is_refused(data):
    with pytest.raises(uploads.NotAccepted, match="The PDF is damaged or not really a PDF."):
        uploads.content_type_of(data)


def test_a_png_with_html_appended_is_refused():
    with pytest.raises(uploads.NotAccepted, match="Something follows the end of the PNG"):
        uploads.content_type_of(png_bytes() + b"<html><script>alert(document.cookie)</script></html>")


# Each accepted image type as its writer makes it, and its name in the refusal.
IMAGES = {
    "png": (lambda: image_bytes("PNG"), "image/png", "PNG"),
    "jpeg": (lambda: image_bytes("JPEG"), "image/jpeg", "JPEG image"),
    "progressive jpeg with exif": (
        lambda: image_bytes("JPEG", progressive=True, exif=exif_with_thumbnail()), "image/jpeg", "JPEG image",
    ),
    "gif": (lambda: image_bytes("GIF"), "image/gif", "GIF image"),
    "animated gif": (
        lambda: image_bytes("GIF", save_all=True, append_images=[Image.new("RGB", (16, 16), "blue")]), "image/gif", "GIF image",
    ),
    "webp": (lambda: image_bytes("WEBP"), "image/webp", "WebP image"),
}


def exif_with_thumbnail() -> bytes:
    """Exif whose data holds a JPEG of its own (SOI to EOI), as a camera's thumbnail does."""
    exif = Image.Exif()
    exif[0x927C] = image_bytes("JPEG")  # MakerNote, raw bytes
    return exif.tobytes()


@pytest.mark.parametrize("kind", list(IMAGES))
def test_a_well_formed_image_is_accepted_under_its_type(kind):
    make, content_type, _ = IMAGES[kind]

    assert uploads.content_type_of(make()) == content_type


@pytest.mark.parametrize("trailer", [b"<html><script>alert(1)</script></html>", b"\x00"], ids=["html", "one byte"])
@pytest.mark.parametrize("kind", list(IMAGES))
def test_an_image_with_anything_after_its_end_is_refused(kind, trailer):
    make, _, name = IMAGES[kind]

    with pytest.raises(uploads.NotAccepted, match=f"Something follows the end of the {name}"):
        uploads.content_type_of(make() + trailer)


@pytest.mark.parametrize("kind", ["gif", "jpeg"])
def test_an_image_cut_before_its_end_is_refused_as_damaged(kind):
    make, _, _ = IMAGES[kind]

    with pytest.raises(uploads.NotAccepted, match="The image is damaged or not really an image."):
        uploads.content_type_of(make()[:-1])


def test_an_image_header_declaring_100000_by_100000_pixels_is_refused_not_decoded():
    with pytest.raises(uploads.NotAccepted, match="pixels can be attached"):
        uploads.content_type_of(png_declaring(100_000, 100_000))


def test_an_image_just_above_the_pixel_cap_is_refused_with_its_size():
    with pytest.raises(uploads.NotAccepted, match="declares 8000 x 5001 pixels"):
        uploads.content_type_of(png_declaring(8000, 5001))


def test_a_real_screenshot_sized_image_is_accepted():
    assert uploads.content_type_of(png_bytes((1920, 1080))) == "image/png"


# --- through the form ------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    return {
        "product": "css", "issue_type": "other", "submission_key": str(uuid.uuid4()),
        "title": "Refund my co-anchoring package", "description": "Bought by mistake.", "package": "",
        "contact_email": "owner@example.com", "phone_country": "+86", "phone": "13800000000",
        "contact_time": "anytime", **overrides,
    }


def form_errors(response) -> str:
    return " ".join(response.context["form"].errors.get("attachments", []))


@pytest.mark.django_db
def test_the_form_refuses_a_png_with_html_appended_named_invoice_html(client, owner):
    polyglot = SimpleUploadedFile("invoice.html", png_bytes() + b"<html><script>alert(1)</script></html>", "text/html")

    response = client.post(SUBMIT, {**form_data(), "attachments": [polyglot]})

    assert "Something follows the end of the PNG" in form_errors(response)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_the_form_refuses_a_gif_with_html_appended(client, owner):
    polyglot = SimpleUploadedFile("cat.gif", image_bytes("GIF") + b"<html><script>alert(1)</script></html>", "image/gif")

    response = client.post(SUBMIT, {**form_data(), "attachments": [polyglot]})

    assert "Something follows the end of the GIF image." in form_errors(response)
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_the_form_refuses_html_that_starts_with_pdf(client, owner):
    fake = SimpleUploadedFile("statement.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>", "application/pdf")

    response = client.post(SUBMIT, {**form_data(), "attachments": [fake]})

    assert "The PDF is damaged or not really a PDF." in form_errors(response)


@pytest.mark.django_db
def test_the_form_answers_a_decompression_bomb_with_an_error_beside_the_attachments(client, owner):
    bomb = SimpleUploadedFile("screen.png", png_declaring(100_000, 100_000), "image/png")

    response = client.post(SUBMIT, {**form_data(), "attachments": [bomb]})

    assert response.status_code == 200
    assert "pixels can be attached" in form_errors(response)
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_the_form_accepts_a_well_formed_pdf(client, owner):
    client.post(SUBMIT, {**form_data(), "attachments": [SimpleUploadedFile("invoice.pdf", pdf_bytes(), "application/pdf")]})

    assert Attachment.objects.get().content_type == "application/pdf"


# --- downloads ---------------------------------------------------------------------------------------


def attached(ticket, *, name: str, content_type: str, data: bytes) -> Attachment:
    return Attachment.objects.create(
        ticket=ticket, file=SimpleUploadedFile(name, data), original_name=name,
        content_type=content_type, size=len(data), uploaded_at=ticket.created_at,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("customer_name", "content_type", "extension"),
    [("statement.html", "image/png", ".png"), ("run.bat", "application/pdf", ".pdf"), ("photo.svg", "image/jpeg", ".jpg")],
)
def test_a_download_is_named_and_typed_from_the_checked_type_never_the_customers_name(
    client, owner, customer_name, content_type, extension
):
    attachment = attached(TicketFactory(member=owner), name=customer_name, content_type=content_type, data=b"bytes")

    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="attachment-{attachment.pk}{extension}"'
    assert customer_name not in response["Content-Disposition"]


@pytest.mark.django_db
def test_a_download_may_run_nothing_if_a_browser_opens_it(client, owner):
    attachment = attached(TicketFactory(member=owner), name="a.png", content_type="image/png", data=png_bytes())

    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.django_db
def test_the_customers_file_name_is_still_shown_as_text_on_the_ticket(client, owner):
    ticket = TicketFactory(member=owner)
    attached(ticket, name="<b>statement</b>.html", content_type="image/png", data=png_bytes())

    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert "&lt;b&gt;statement&lt;/b&gt;.html" in html


# --- the request size cap ------------------------------------------------------------------------------


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
def test_a_200_mb_ticket_upload_is_refused_with_413_before_its_body_is_read(client, owner):
    response = client.generic(
        "POST", SUBMIT, b"", content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    assert b"this page accepts at most 16.0 MB" in response.content


@pytest.mark.django_db
def test_three_full_size_attachments_still_fit_the_ticket_forms_cap(client, owner):
    # 3 x 5 MB of files and the form fields: under the cap, read and checked as usual.
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (5 * 1024 * 1024 - 200), "image/png")

    response = client.post(SUBMIT, {**form_data(), "attachments": [big]})

    assert response.status_code == 200  # the form, with the PNG's trailing bytes refused


@pytest.mark.django_db
def test_other_pages_refuse_a_body_over_one_megabyte(client, owner):
    response = client.generic(
        "POST", reverse("package_buy"), b"", content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(2 * 1024 * 1024), **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413


@pytest.mark.django_db
def test_a_content_length_that_is_not_a_number_is_a_bad_request():
    response = Client().generic("POST", SUBMIT, b"", CONTENT_LENGTH="lots")

    assert response.status_code == 400
