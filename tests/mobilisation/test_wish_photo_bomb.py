"""A wish's fulfilment photo of too many pixels — a decompression bomb included — is refused as too large, with
the limit, like a visit's photo and case evidence. It was called "not an image"."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from mobilisation.services.wishes import check_photo
from tests.cases.helpers import bomb_png

from .helpers import jpeg


def test_a_decompression_bomb_is_too_large_not_a_non_image():
    with pytest.raises(InvalidInput) as refused:
        check_photo(bomb_png())
    assert "照片过大（900 百万像素）" in refused.value.message and refused.value.code == "photo"


def test_an_image_past_the_limit_but_openable_is_too_large_too(settings):
    settings.EVIDENCE_MAX_PIXELS = 10
    with pytest.raises(InvalidInput) as refused:
        check_photo(jpeg())
    assert "照片过大" in refused.value.message


def test_an_ordinary_photo_is_kept():
    assert check_photo(jpeg()).name.endswith(".jpg")
