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
    and nothing follows its end (`IMAGE_ENDS`); NotAccepted otherwise."""
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
    image_end, after_end = IMAGE_ENDS[image_format]
    end = image_end(data)
    if end is None:
        raise NotAccepted(DAMAGED_IMAGE)
    if end < len(data):
        raise NotAccepted(f"{DAMAGED_IMAGE} {after_end}")
    return IMAGE_TYPE_BY_FORMAT[image_format]


# Each accepted image type's end, found by walking its structure (never by searching for the end
# marker, which may occur inside the data): the offset just past its last byte, or None when the
# structure runs out before it ends. Anything after that end is refused, whatever it is.


def png_end(data: bytes) -> int | None:
    """Just past the IEND chunk."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        chunk_type = data[position + 4:position + 8]
        position += 12 + length  # length, type, data, CRC
        if chunk_type == b"IEND":
            return position if position <= len(data) else None
    return None


def webp_end(data: bytes) -> int | None:
    """Just past the RIFF container, whose header states its own length."""
    (riff_size,) = struct.unpack("<I", data[4:8])
    # RIFF sizes exclude the 8-byte header; an odd size is padded to even.
    end = 8 + riff_size + (riff_size & 1)
    return end if end <= len(data) else None


def gif_end(data: bytes) -> int | None:
    """Just past the trailer byte (0x3B) that follows the last block (GIF89a specification, 27).

    Header (6 bytes) and logical screen descriptor (7), an optional global colour table, then
    blocks: extensions (0x21, a label, sub-blocks) and images (0x2C, a 9-byte descriptor, an
    optional local colour table, the LZW code size, sub-blocks), each run of sub-blocks closed
    by an empty one."""

    def colour_table_size(flags: int) -> int:
        return 3 * (2 << (flags & 0x07)) if flags & 0x80 else 0

    def after_sub_blocks(position: int) -> int | None:
        while position < len(data):
            size = data[position]
            position += 1 + size
            if size == 0:
                return position
        return None

    if len(data) < 13:
        return None
    position: int | None = 13 + colour_table_size(data[10])
    while position is not None and position < len(data):
        block = data[position]
        if block == 0x3B:
            return position + 1
        if block == 0x21:  # extension: label, then sub-blocks
            position = after_sub_blocks(position + 2)
        elif block == 0x2C and position + 10 <= len(data):  # image: descriptor, table, code size, sub-blocks
            position = after_sub_blocks(position + 10 + colour_table_size(data[position + 9]) + 1)
        else:
            return None
    return None


JPEG_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0-7: no length follows


def jpeg_end(data: bytes) -> int | None:
    """Just past the EOI marker (FFD9) that closes the image (ITU T.81, B.2).

    Segments are walked by their lengths (an APP1 Exif thumbnail has SOI and EOI of its own,
    skipped with its segment); after each SOS the entropy-coded data runs to the next marker that
    is neither a stuffed 0xFF00 nor a restart marker."""
    position = 2  # after SOI
    while position + 1 < len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == 0xD9:
            return position + 2
        if marker in JPEG_STANDALONE_MARKERS:
            position += 2
            continue
        if position + 4 > len(data):
            return None
        (length,) = struct.unpack(">H", data[position + 2:position + 4])
        position += 2 + length
        if marker == 0xDA:  # start of scan: skip the entropy-coded data
            position = data.find(b"\xff", position)
            while 0 <= position < len(data) - 1 and (data[position + 1] == 0x00 or 0xD0 <= data[position + 1] <= 0xD7):
                position = data.find(b"\xff", position + 2)
            if position < 0:
                return None
    return None


# The end of each accepted image format, and what the refusal says when something follows it.
IMAGE_ENDS = {
    "PNG": (png_end, gettext_lazy("Something follows the end of the PNG.")),
    "JPEG": (jpeg_end, gettext_lazy("Something follows the end of the JPEG image.")),
    "GIF": (gif_end, gettext_lazy("Something follows the end of the GIF image.")),
    "WEBP": (webp_end, gettext_lazy("Something follows the end of the WebP image.")),
}
