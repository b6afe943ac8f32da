"""A decompression-bomb photo on a visit (30000 × 30000 pixels in about 100 KB of PNG) is refused as too large, in
pixels, with the limit; Django's image field called it "not an image or corrupted"."""

from __future__ import annotations

from residents.models import Visit
from tests.cases.helpers import bomb_png


def test_a_bomb_photo_is_too_large_and_the_visit_is_not_saved(world, hood, web, settings):
    settings.EVIDENCE_MAX_PIXELS = 50_000_000
    plan = hood.tags["corr"].plans.get()
    response = web("grid_worker").post(
        f"/residents/visits/new/?plan={plan.pk}",
        {"visited_on": "2026-01-05", "found": "在家，情绪稳定", "photo": bomb_png()},
    )
    html = response.content.decode()
    assert "照片过大（900 百万像素），不能超过 50 百万像素" in html
    assert "不是图片" not in html
    assert "在家，情绪稳定" in html
    assert not Visit.objects.exists()
