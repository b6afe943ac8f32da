"""Evidence files: type decided by content, size limited, refused files leave nothing behind, one copy per content."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from cases.evidence import check_file, sniff
from cases.models import Case, CaseEvent, Evidence
from cases.services import case_transition
from core.errors import InvalidInput

from .helpers import file_case, photo
from .setups import SETUPS, home


def png_bytes(color: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(buf, "PNG")
    return buf.getvalue()


def media_files() -> set[str]:
    root = settings.MEDIA_ROOT
    return {os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files}


def test_text_named_jpg_is_refused_with_a_message_naming_the_file(world):
    fake = SimpleUploadedFile("现场.jpg", b"this is not a picture", content_type="image/jpeg")
    files_before = media_files()
    with pytest.raises(InvalidInput) as err:
        file_case(world, files=[photo("ok.jpg"), fake])
    assert "现场.jpg" in err.value.message and err.value.code == "file_type"
    assert not Case.objects.exists() and not CaseEvent.objects.exists() and not Evidence.objects.exists()
    assert media_files() == files_before  # the good photo before it was not written either


def test_png_named_pdf_is_accepted_as_png_and_stored_with_its_real_extension(world):
    case = file_case(world, files=[SimpleUploadedFile("report.pdf", png_bytes(), content_type="application/pdf")])
    ev = case.evidence.get()
    assert (ev.original_name, ev.content_type, ev.is_image) == ("report.pdf", "image/png", True)
    assert ev.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "video/mp4"),
        (b"PK\x03\x04garbage", None),  # a broken zip is not a Word file
        (b"\xff\xd8\xff\xe0 truncated jpeg", None),
        (b"<html>", None),
    ],
)
def test_sniffing_trusts_bytes_not_names(content, expected):
    assert sniff(content) == expected


def test_too_large_is_refused_and_nothing_is_written(world):
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * 4096, content_type="image/png")
    with override_settings(EVIDENCE_MAX_BYTES=1024):
        with pytest.raises(InvalidInput) as err:
            file_case(world, files=[big])
    assert "big.png" in err.value.message and err.value.code == "file_too_large"
    assert not Case.objects.exists() and not Evidence.objects.exists()


def test_too_large_is_caught_even_when_the_upload_lies_about_its_size(world):
    upload = SimpleUploadedFile("big.png", png_bytes() + b"\0" * 4096)
    upload.size = 10  # a client-declared size is not trusted: the bytes are counted
    with override_settings(EVIDENCE_MAX_BYTES=1024), pytest.raises(InvalidInput, match="过大"):
        check_file(upload)


def test_empty_file_is_refused(world):
    with pytest.raises(InvalidInput, match="空文件"):
        file_case(world, files=[SimpleUploadedFile("empty.jpg", b"")])


def test_refused_file_on_a_transition_leaves_the_case_as_it_was(world):
    case = SETUPS["b_in_progress"](home(world))
    events = case.events.count()
    with pytest.raises(InvalidInput, match=r"after\.jpg"):
        case_transition(
            case_id=case.id,
            action="resolve",
            actor=world.liaison,
            note="已拆除",
            files=[SimpleUploadedFile("after.jpg", b"text")],
        )
    case.refresh_from_db()
    assert case.status == "in_progress" and case.events.count() == events
    assert not Evidence.objects.filter(case=case).exists()


def test_identical_content_is_stored_once(world):
    content = png_bytes("purple")
    a = file_case(world, files=[SimpleUploadedFile("one.png", content)])
    b = file_case(world, files=[SimpleUploadedFile("two.png", content)])
    ea, eb = a.evidence.get(), b.evidence.get()
    assert ea.file.name == eb.file.name and ea.sha256 == eb.sha256
    assert (ea.original_name, eb.original_name) == ("one.png", "two.png")
    assert sum(1 for p in media_files() if ea.sha256 in p) == 1


def test_api_refusal_names_the_file_and_files_nothing(api, world):
    fake = SimpleUploadedFile("照片.jpg", b"plain text", content_type="image/jpeg")
    resp = api("grid_worker").post(
        "/api/v1/cases/",
        {
            "category": "0101",
            "title": "t",
            "description": "d",
            "address": "a",
            "grid": world.grid_a.id,
            "files": [fake],
        },
        format="multipart",
    )
    assert resp.status_code == 400
    assert resp.json()["code"] == "file_type" and "照片.jpg" in resp.json()["detail"]
    assert not Case.objects.exists()


def _gif(frames: int, side: int) -> bytes:
    out = io.BytesIO()
    first, *rest = [Image.new("P", (side, side), i % 2) for i in range(frames)]
    first.save(out, format="GIF", save_all=True, append_images=rest)
    return out.getvalue()


def test_an_image_that_decodes_to_too_many_pixels_is_refused_from_its_header_and_nothing_is_written(world):
    """A small file can hold a huge picture: a flat 9,400 × 9,400 PNG (88 million pixels, a few hundred KB) or a
    GIF of many large frames. Each is refused before a pixel is decoded, and the case is not filed."""
    from cases.evidence import image_pixels

    flat = io.BytesIO()
    Image.new("L", (9400, 9400), 0).save(flat, format="PNG")
    frames = _gif(12, 2100)  # 12 × 4.4 million pixels: each frame small, together 53 million
    assert len(flat.getvalue()) < 1024 * 1024 and len(frames) < 1024 * 1024
    assert (image_pixels(flat.getvalue()), image_pixels(frames)) == (9400 * 9400, 12 * 2100 * 2100)
    for name, content, mp in (("flat.png", flat.getvalue(), "88"), ("frames.gif", frames, "53")):
        with pytest.raises(InvalidInput) as err:
            file_case(world, files=[SimpleUploadedFile(name, content)])
        assert err.value.code == "image_too_large"
        assert (
            name in err.value.message
            and f"（{mp} 百万像素）" in err.value.message
            and "不能超过 50 " in err.value.message
        )
    assert not Case.objects.exists() and not Evidence.objects.exists()
    # within the limit (a photo of today's phones; a short animation) they are kept, re-encoded
    kept = file_case(world, files=[SimpleUploadedFile("ok.gif", _gif(3, 400))])
    assert kept.evidence.get().content_type == "image/gif"


def test_the_public_form_refuses_a_many_framed_gif_with_the_other_fields_kept(client, world):
    """The citizen's form (no login) answers with its message, not after minutes of decoding."""
    from django.urls import reverse

    response = client.post(
        reverse("cases:report"),
        {
            "description": "小区门口垃圾堆积",
            "address": "雄关一网格东门",
            "photos": [SimpleUploadedFile("a.gif", _gif(30, 1500))],
        },
    )
    assert response.status_code == 400  # the form again, with its message
    html = response.content.decode()
    assert "a.gif" in html and "百万像素" in html and "小区门口垃圾堆积" in html
    assert not Case.objects.exists()
