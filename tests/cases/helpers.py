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


def bomb_png(name: str = "b.png", side: int = 30000) -> SimpleUploadedFile:
    """A 1-bit PNG of ``side`` × ``side`` pixels, all black: 900 million pixels in about 100 KB, past Pillow's own
    decompression-bomb limit (about 179 million). Written chunk by chunk (IHDR, IDAT streamed through zlib, IEND),
    so the test never holds the pixels in memory."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte "none", then the row's bits
    packer = zlib.compressobj(9)
    block = row * 1000  # a thousand rows at a time: a few MB in memory, few calls
    idat = b"".join(packer.compress(block) for _ in range(side // 1000))
    idat += packer.compress(row * (side % 1000)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    content = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    return SimpleUploadedFile(name, content, content_type="image/png")
