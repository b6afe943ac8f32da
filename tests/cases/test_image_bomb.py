"""A decompression-bomb image (30000 × 30000 pixels in about 100 KB of PNG) is refused as too large, in pixels,
with the limit — not as "not an accepted type" (Pillow's own refusal to open it was taken for "not an image")."""

from __future__ import annotations

import pytest

from cases.evidence import check_file
from cases.models import Case
from core.errors import InvalidInput

from .helpers import bomb_png


def test_check_file_says_the_bomb_is_too_large_with_the_limit(settings):
    settings.EVIDENCE_MAX_PIXELS = 50_000_000
    with pytest.raises(InvalidInput) as refused:
        check_file(bomb_png())
    assert refused.value.code == "image_too_large"
    assert "图片过大（900 百万像素），不能超过 50 百万像素" in refused.value.message


def test_the_filing_page_says_the_bomb_is_too_large_and_files_nothing(web, world):
    response = web("grid_worker").post(
        "/cases/new/",
        {
            "category": world.categories["0101"].pk,
            "title": "井盖缺失",
            "description": "人行道井盖缺失，有人险些踩空",
            "grid": world.grid_a.pk,
            "address": "雄关路1号 3号楼",
            "channel": "patrol",
            "photos": bomb_png(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“b.png”的图片过大" in html and "百万像素" in html
    assert "类型不被接受" not in html
    assert "人行道井盖缺失，有人险些踩空" in html
    assert not Case.objects.exists()


def test_the_api_says_the_bomb_is_too_large(api, world):
    body = {
        "category": "0101",
        "title": "井盖缺失",
        "description": "人行道井盖缺失",
        "address": "雄关一网格 3 号楼",
        "grid": world.grid_a.id,
        "files": [bomb_png()],
    }
    response = api("grid_worker").post("/api/v1/cases/", body, format="multipart")
    assert response.status_code == 400, response.content
    assert "图片过大" in str(response.json())
    assert not Case.objects.exists()
