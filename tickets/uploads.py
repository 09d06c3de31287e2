"""What an uploaded attachment really is, decided from its bytes. Pure: no database, no storage.

Accepted: PNG, JPEG, GIF and WebP images that Pillow can open and verify, and PDF files whose
structure holds together. Whatever is accepted is stored and served under its checked type
(`attachment-<id>.png`, image/png), never under the customer's file name, so a file that is also
something else (HTML appended to an image, say) can never be opened as that something else.

Why PDF is checked by hand and not with a PDF library: nothing here renders or reads a PDF, we
only need to know the file is one, and a full parser (pypdf) run on every customer's upload is
more code exposed to hostile input than the question needs. The checks follow the file
structure of ISO 32000 (7.5): the header `%PDF-<version>` at the start; the file ends with the
`%%EOF` marker (nothing after it but white space, so nothing can ride along behind the PDF); just before it
`startxref` and a byte offset inside the file; at that offset a cross-reference table (`xref`,
followed by a `trailer` dictionary) or a cross-reference stream (an object of `/Type /XRef`,
PDF 1.5+); and the trailer names the document's `/Root` catalogue.
"""

import re
import struct
import warnings
from io import BytesIO

from PIL import Image, UnidentifiedImageError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A screenshot of a 4K screen is 8.3 million pixels. An image declaring far more is a
# decompression bomb (a few KB that would decode to gigabytes), not a screenshot.
IMAGE_MAX_PIXELS = 40_000_000

# Read in the language of whoever is uploading (lazy: turned into text when the refusal is raised).
NOT_ACCEPTED = gettext_lazy("Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached.")
DAMAGED_IMAGE = gettext_lazy("The image is damaged or not really an image.")
DAMAGED_PDF = gettext_lazy("The PDF is damaged or not really a PDF.")
TOO_MANY_PIXELS = format_lazy(
    gettext_lazy("Images of at most {pixels} pixels can be attached."), pixels=f"{IMAGE_MAX_PIXELS:,}"
)

PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
# The end of a PDF: startxref, the offset, %%EOF, and nothing after it but white space (PDF's
# white-space characters: some writers pad the file).
PDF_END = re.compile(rb"startxref\s+(\d{1,10})\s+%%EOF[\x00\t\n\x0c\r ]*\Z")
PDF_XREF_TABLE = re.compile(rb"\s*xref\s")
PDF_XREF_STREAM = re.compile(rb"\s*\d{1,10}\s+\d{1,5}\s+obj\s*<<")
# How far from the end startxref may sit: the offset's digits and the line ends between.
PDF_TAIL_BYTES = 1024


class NotAccepted(ValueError):
    def __init__(self, message):
        # Text in the language active when refused, whatever lazy message it was given.
        super().__init__(str(message))


def content_type_of(data: bytes) -> str:
    """The MIME type of `data` if it is a well-formed image or a PDF; NotAccepted otherwise."""
    if data.startswith(b"%PDF-"):
        pdf_check(data)
        return PDF
    if not any(data[offset:offset + len(prefix)] == prefix for prefix, offset in IMAGE_SIGNATURES):
        raise NotAccepted(NOT_ACCEPTED)
    return image_check(data)


def pdf_check(data: bytes) -> None:
    """NotAccepted unless `data` has a PDF's file structure (see the module's docstring)."""
    if not PDF_HEADER.match(data):
        raise NotAccepted(DAMAGED_PDF)
    end = PDF_END.search(data[-PDF_TAIL_BYTES:])
    if end is None:
        raise NotAccepted(DAMAGED_PDF)
    offset = int(end.group(1))
    tail_start = len(data) - len(data[-PDF_TAIL_BYTES:])
    startxref_at = tail_start + end.start()
    # The cross-reference section lies after the header and before startxref.
    if not 8 <= offset < startxref_at:
        raise NotAccepted(DAMAGED_PDF)
    section = data[offset:startxref_at]
    if PDF_XREF_TABLE.match(section):
        trailer = section.find(b"trailer")
        if trailer < 0 or b"/Root" not in section[trailer:]:
            raise NotAccepted(DAMAGED_PDF)
    elif PDF_XREF_STREAM.match(section):
        dictionary = section.split(b"stream", 1)[0]
        if not re.search(rb"/Type\s*/XRef", dictionary) or b"/Root" not in dictionary:
            raise NotAccepted(DAMAGED_PDF)
    else:
        raise NotAccepted(DAMAGED_PDF)


def image_check(data: bytes) -> str:
    """The image's MIME type if Pillow opens and verifies it, it is not a decompression bomb,
    and (PNG, WebP) nothing follows its last chunk; NotAccepted otherwise."""
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own pixel limit and raises above twice that; both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                image_format = image.format
                width, height = image.size
                if width * height <= IMAGE_MAX_PIXELS:
                    # verify() reads the whole structure, so a valid header on a broken body is caught.
                    image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise NotAccepted(TOO_MANY_PIXELS) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error) as error:
        raise NotAccepted(DAMAGED_IMAGE) from error
    if width * height > IMAGE_MAX_PIXELS:
        raise NotAccepted(
            _("The image declares %(width)s x %(height)s pixels.") % {"width": width, "height": height}
            + f" {TOO_MANY_PIXELS}"
        )
    if image_format not in IMAGE_TYPE_BY_FORMAT:
        raise NotAccepted(NOT_ACCEPTED)
    if image_format == "PNG" and png_trailing_bytes(data):
        raise NotAccepted(f"{DAMAGED_IMAGE} " + _("Something follows the end of the PNG."))
    if image_format == "WEBP" and webp_trailing_bytes(data):
        raise NotAccepted(f"{DAMAGED_IMAGE} " + _("Something follows the end of the WebP image."))
    return IMAGE_TYPE_BY_FORMAT[image_format]


def png_trailing_bytes(data: bytes) -> int:
    """How many bytes follow the PNG's IEND chunk (all of them past the signature if there is none)."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        chunk_type = data[position + 4:position + 8]
        position += 12 + length  # length, type, data, CRC
        if chunk_type == b"IEND":
            return max(len(data) - position, 0)
    return len(data) - len(PNG_SIGNATURE)


def webp_trailing_bytes(data: bytes) -> int:
    """How many bytes follow the WebP's RIFF container, whose header states its own length."""
    (riff_size,) = struct.unpack("<I", data[4:8])
    # RIFF sizes exclude the 8-byte header; an odd size is padded to even.
    return max(len(data) - (8 + riff_size + (riff_size & 1)), 0)
