"""Evidence files: type decided by content (magic bytes, Pillow for images), size limited, stored by SHA-256.

Past the header: every image is decoded and **re-encoded** by Pillow (orientation applied, then EXIF, XMP, GPS,
ICC profiles and comments dropped), so no device or location metadata reaches anyone — least of all the public
Open311 ``media_url`` — and bytes appended to an image (a JPEG followed by HTML) do not survive. A PDF, MP4 or
Office file carrying HTML or script markup (``%PDF-`` followed by an HTML page and similar polyglots) is refused.
The accepted types are ``settings.EVIDENCE_ALLOWED_TYPES``. With ``EVIDENCE_KEEP_ORIGINALS`` the uploaded bytes
of an image are also kept, outside ``MEDIA_ROOT`` (``EVIDENCE_ORIGINALS_ROOT``), where no URL reaches them.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.images import image_header

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def sniff(content: bytes) -> str | None:
    """The content type from the bytes themselves, or None when it is not an accepted kind."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if len(content) > 12 and content[4:8] == b"ftyp":
        return "video/mp4"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return None
    try:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as img:
            fmt = img.format
            img.verify()  # catches truncated or corrupt images
        return IMAGE_TYPES.get(fmt or "")
    except Image.DecompressionBombError:  # too many pixels for Pillow to open: still an image, which
        header = image_header(content)  # screen_file then refuses as too large (in pixels), with the limit
        return IMAGE_TYPES.get(header[0]) if header else None
    except Exception:
        return None


#: Markup that makes a file a polyglot: a browser (or a careless viewer) could run it as a page.
POLYGLOT_MARKERS = re.compile(rb"<\s*(?:!doctype\s+html|html|script|body|iframe|svg|object|embed)\b", re.I)


def _reencode(content: bytes, content_type: str) -> bytes:
    """The image decoded and written again by Pillow: pixels only, no metadata, nothing after the image."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(content)) as img:
        fmt = img.format or "PNG"
        frames = getattr(img, "n_frames", 1)
        out = io.BytesIO()
        if fmt == "GIF" and frames > 1:
            img.info = {}  # comments and extensions stay behind
            img.save(out, format="GIF", save_all=True, optimize=False)
            return out.getvalue()
        img = ImageOps.exif_transpose(img)  # keep what the photo shows upright, then drop the EXIF
        img.info = {}  # Pillow writes comment, ICC, XMP, DPI … from info: nothing travels
        if fmt == "JPEG":
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            img.save(out, format="JPEG", quality=90, optimize=True)
        elif fmt == "WEBP":
            img.save(out, format="WEBP", quality=90)
        else:
            img.save(out, format=fmt)
    return out.getvalue()


def keep_original(checked: CheckedFile, original: bytes) -> None:
    """Write the uploaded bytes outside MEDIA_ROOT, named by the stored file's hash (no URL serves them)."""
    root = Path(settings.EVIDENCE_ORIGINALS_ROOT)
    target = root / checked.sha256[:2] / f"{checked.sha256}.{checked.extension}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(original)


def check_file(upload: UploadedFile) -> CheckedFile:
    """Read, size-check and type-check one upload, images re-encoded; InvalidInput names the file and the reason."""
    name, content, content_type = screen_file(upload)
    original = content
    if content_type in IMAGE_TYPES.values():
        try:
            content = _reencode(content, content_type)
        except Exception as exc:  # Pillow read the header but cannot decode the pixels: not an image we keep
            raise InvalidInput(_("文件“%(name)s”不是有效的图片") % {"name": name}, code="file_type") from exc
    checked = CheckedFile(
        name=name, content=content, content_type=content_type, sha256=hashlib.sha256(content).hexdigest()
    )
    if content is not original and settings.EVIDENCE_KEEP_ORIGINALS:
        keep_original(checked, original)
    return checked


def screen_file(upload: UploadedFile) -> tuple[str, bytes, str]:
    """The cheap checks of ``check_file`` — size, emptiness, type by content — without decoding or writing anything:
    (name, bytes, content type), or InvalidInput. A form runs them with its other fields, so that a person hears
    of every problem at once, before any other question (a nearby duplicate), and picks the photo again once."""
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise InvalidInput(
            _("文件“%(name)s”过大（%(size)s），单个文件不能超过 %(limit)s")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(
            _("文件“%(name)s”过大，单个文件不能超过 %(limit)s") % {"name": name, "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if not content:
        raise InvalidInput(_("文件“%(name)s”是空文件") % {"name": name}, code="file_empty")
    content_type = sniff(content)
    allowed = set(settings.EVIDENCE_ALLOWED_TYPES)
    if content_type is not None and content_type not in IMAGE_TYPES.values() and POLYGLOT_MARKERS.search(content):
        content_type = None  # a PDF / MP4 / Office file with HTML or script inside: refused
    if content_type not in allowed:
        raise InvalidInput(
            _("文件“%(name)s”的类型不被接受：只接受图片（JPEG、PNG、GIF、WebP）、PDF、MP4、Word 和 Excel 文件")
            % {"name": name},
            code="file_type",
        )
    if content_type in IMAGE_TYPES.values():
        pixels, most = image_pixels(content), settings.EVIDENCE_MAX_PIXELS
        if pixels is None or pixels > most:
            raise InvalidInput(
                _("文件“%(name)s”的图片过大（%(mp)s 百万像素），不能超过 %(limit)s 百万像素，请缩小后再上传")
                % {"name": name, "mp": "?" if pixels is None else f"{pixels / 1e6:.0f}", "limit": f"{most / 1e6:.0f}"},
                code="image_too_large",
            )
    upload.seek(0)
    return name, content, content_type


def image_pixels(content: bytes) -> int | None:
    """Width × height × frames of an image, read from its headers without decoding a pixel (a GIF's frames are
    counted by skipping through their blocks); None when the headers can't be read. An image Pillow will not open
    at all (a decompression bomb) counts width × height: that alone is past any limit."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as img:
            width, height = img.size
            return width * height * max(1, getattr(img, "n_frames", 1))
    except Image.DecompressionBombError:
        header = image_header(content)
        return header[1] * header[2] if header else None
    except Exception:
        return None


def check_files(uploads) -> list[CheckedFile]:
    """Check all uploads before anything is written; the first bad one raises."""
    return [check_file(u) for u in uploads or []]
