"""Evidence files: type decided by content (magic bytes, Pillow for images), size limited, stored by SHA-256."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import InvalidInput

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
    except Exception:
        return None


def check_file(upload: UploadedFile) -> CheckedFile:
    """Read, size-check and type-check one upload; InvalidInput names the file and the reason."""
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
    if content_type is None:
        raise InvalidInput(
            _("文件“%(name)s”的类型不被接受：只接受图片（JPEG、PNG、GIF、WebP）、PDF、MP4、Word 和 Excel 文件")
            % {"name": name},
            code="file_type",
        )
    return CheckedFile(
        name=name, content=content, content_type=content_type, sha256=hashlib.sha256(content).hexdigest()
    )


def check_files(uploads) -> list[CheckedFile]:
    """Check all uploads before anything is written; the first bad one raises."""
    return [check_file(u) for u in uploads or []]
