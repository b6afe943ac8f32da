"""An image's format and size read from its header, without decoding a pixel.

Pillow's ``Image.open`` refuses an image of more than twice ``Image.MAX_IMAGE_PIXELS`` (about 179 million pixels)
with ``DecompressionBombError`` before anyone can ask its size, so a 30000 × 30000 PNG of a few kilobytes was
called "not an image" where the right answer is "too large". The header is read here by the format's own Pillow
reader, which reads the header only: the caller compares the size with its limit and says so.
"""

from __future__ import annotations

import io

#: The formats whose headers are read (those any upload here accepts).
HEADER_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")


def image_header(content: bytes) -> tuple[str, int, int] | None:
    """(Pillow's format name, width, height) of an image in ``content``, or None when no accepted format reads it."""
    from PIL import Image

    Image.init()
    for fmt in HEADER_FORMATS:
        opener = Image.OPEN.get(fmt)
        if opener is None:
            continue
        factory, accept = opener
        if accept is not None and not accept(content[:16]):
            continue
        try:
            with factory(io.BytesIO(content), "") as img:  # the header only; Image.open adds the bomb check
                width, height = img.size
                return fmt, width, height
        except Exception:  # a header this reader cannot read: try the next format
            continue
    return None


def photo_too_large(content: bytes) -> str | None:
    """The refusal of a photo of more than ``EVIDENCE_MAX_PIXELS`` pixels, read from its header (a decompression
    bomb included), or None. For the single photos of a visit and of a fulfilled wish; case evidence names each
    file in its own message (``cases.evidence``)."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    header = image_header(content)
    most = settings.EVIDENCE_MAX_PIXELS
    if header is None or header[1] * header[2] <= most:
        return None
    return _("照片过大（%(mp)s 百万像素），不能超过 %(limit)s 百万像素，请缩小后再上传") % {
        "mp": f"{header[1] * header[2] / 1e6:.0f}",
        "limit": f"{most / 1e6:.0f}",
    }
