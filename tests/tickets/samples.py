"""Attachment bytes for tests: real files made by real writers, and hostile ones."""

import struct
import zlib
from io import BytesIO

from PIL import Image


def png_bytes(size=(4, 4)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def pillow_pdf_bytes() -> bytes:
    """A PDF written by Pillow (a classic cross-reference table and trailer)."""
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PDF")
    return buffer.getvalue()


def pdf_bytes(*, xref_stream: bool = False) -> bytes:
    """A one-page PDF with correct offsets: a classic xref table, or (PDF 1.5) an xref stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n" if xref_stream else b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    if xref_stream:
        number = len(objects) + 1
        rows = b"\x00\x00\x00\xff\xff" + b"".join(b"\x01" + struct.pack(">I", o) for o in offsets + [xref_at])
        data = zlib.compress(rows)
        out += (
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 0] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
            % (number, number + 1, len(data))
        ) + data + b"\nendstream\nendobj\n"
    else:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def png_declaring(width: int, height: int) -> bytes:
    """A well-formed PNG whose header declares `width` x `height` pixels, in a few hundred bytes
    (a decompression bomb's header: decoding it would need width * height * 3 bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def image_bytes(image_format: str, **options) -> bytes:
    """A small image written by Pillow in `image_format` (PNG, JPEG, GIF, WEBP); `options` go to
    its writer (progressive=True, exif=..., save_all=True with append_images=...)."""
    buffer = BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, format=image_format, **options)
    return buffer.getvalue()
