"""What an uploaded attachment really is, decided from its bytes. Pure: no database, no storage."""

from io import BytesIO

from PIL import Image, UnidentifiedImageError

PDF = "application/pdf"
IMAGE_TYPE_BY_FORMAT = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
# (prefix, offset) pairs that open each accepted image format.
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", 0),
    (b"\xff\xd8\xff", 0),
    (b"GIF87a", 0),
    (b"GIF89a", 0),
    (b"WEBP", 8),
)


class NotAccepted(ValueError):
    pass


def content_type_of(data: bytes) -> str:
    """The MIME type of `data` if it is a well-formed image or a PDF; NotAccepted otherwise."""
    if data.startswith(b"%PDF-"):
        return PDF
    if not any(data[offset:offset + len(prefix)] == prefix for prefix, offset in IMAGE_SIGNATURES):
        raise NotAccepted("Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached.")
    try:
        with Image.open(BytesIO(data)) as image:
            image_format = image.format
            # verify() reads the whole structure, so a valid header on a broken body is caught.
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise NotAccepted("The image is damaged or not really an image.") from error
    if image_format not in IMAGE_TYPE_BY_FORMAT:
        raise NotAccepted("Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached.")
    return IMAGE_TYPE_BY_FORMAT[image_format]
