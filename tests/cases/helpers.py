"""Small helpers for case tests: files made in memory, filing through the real service."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.services import case_file

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


def photo(name: str = "photo.jpg", color: str = "red", fmt: str = "JPEG") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def file_case(world, *, code: str = "0101", actor=None, grid=None, now=None, **kw):
    actor = actor if actor is not None else world.grid_worker
    return case_file(
        actor=actor,
        category=world.categories[code],
        title=kw.pop("title", "暴露垃圾"),
        description=kw.pop("description", "小区门口有暴露垃圾"),
        address=kw.pop("address", "雄关一网格 3 号楼"),
        grid=grid if grid is not None else world.grid_a,
        now=now,
        **kw,
    )
