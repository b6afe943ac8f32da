"""Photos are re-encoded without metadata; polyglots are refused; allowed types are a setting; media is served
only through a scope check (internal notes staff-only, citizen-visible files through a signed public URL)."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image
from rest_framework.test import APIClient

from cases.evidence import check_file
from cases.models import Evidence
from core.errors import InvalidInput

from .helpers import file_case
from .setups import far


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), "green")
    exif = Image.Exif()
    exif[0x010F] = "ACME PhoneMaker"  # Make
    exif[0x0110] = "Model X-42"  # Model
    exif[0x8825] = {1: "N", 2: (39.0, 46.0, 30.0), 3: "E", 4: (98.0, 17.0, 42.0)}  # GPS IFD
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, comment=b"serial 12345")
    return buf.getvalue()


def upload(content: bytes, name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_original_carries_gps_and_device(world):
    raw = jpeg_with_gps()
    assert b"ACME PhoneMaker" in raw and Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)


def test_uploaded_jpeg_is_reencoded_without_exif_gps_or_comment(world):
    checked = check_file(upload(jpeg_with_gps()))
    assert checked.content_type == "image/jpeg"
    assert b"ACME" not in checked.content and b"Model X-42" not in checked.content and b"serial" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as img:
        assert not img.getexif() and "exif" not in img.info and "xmp" not in img.info and "comment" not in img.info
        assert img.size == (40, 30)


def test_stored_evidence_has_no_metadata(world):
    case = file_case(world, files=[upload(jpeg_with_gps())])
    ev = case.evidence.get()
    stored = ev.file.read()
    assert b"ACME" not in stored and ev.sha256 and ev.size == len(stored)


def test_png_with_text_chunks_loses_them(world):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("XML:com.adobe.xmp", "<x:xmpmeta>GPS 39.7</x:xmpmeta>")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG", pnginfo=info)
    checked = check_file(upload(buf.getvalue(), "a.png"))
    assert b"xmpmeta" not in checked.content and checked.content_type == "image/png"


def test_html_appended_to_a_jpeg_does_not_survive(world):
    polyglot = jpeg_with_gps() + b"<html><script>alert(document.cookie)</script></html>"
    checked = check_file(upload(polyglot))
    assert b"<script" not in checked.content and b"<html" not in checked.content


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF",
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n<!DOCTYPE html><p>hi</p>\n%%EOF",
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom<svg onload=alert(1)>",
    ],
)
def test_pdf_and_video_polyglots_are_refused(world, content):
    with pytest.raises(InvalidInput) as err:
        check_file(SimpleUploadedFile("x.pdf", content, content_type="application/pdf"))
    assert err.value.code == "file_type"


def test_a_plain_pdf_is_accepted(world):
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    assert check_file(SimpleUploadedFile("a.pdf", pdf)).content_type == "application/pdf"


def test_allowed_types_are_a_setting(world):
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
    with override_settings(EVIDENCE_ALLOWED_TYPES=["image/jpeg"]), pytest.raises(InvalidInput):
        check_file(SimpleUploadedFile("a.pdf", pdf))


def test_the_original_is_kept_only_when_asked_and_outside_media(world, tmp_path):
    raw = jpeg_with_gps()
    with override_settings(EVIDENCE_ORIGINALS_ROOT=tmp_path):
        check_file(upload(raw))
        assert not list(tmp_path.rglob("*.jpg"))
        with override_settings(EVIDENCE_KEEP_ORIGINALS=True):
            checked = check_file(upload(raw))
        kept = list(tmp_path.rglob("*.jpg"))
    assert [p.read_bytes() for p in kept] == [raw]
    assert kept[0].name.startswith(checked.sha256)


# --- serving --------------------------------------------------------------------------------------------


@pytest.fixture
def photo_case(world):
    case = file_case(world, files=[upload(jpeg_with_gps(), "report.jpg")])
    return case, case.evidence.get()


def test_media_is_not_served_to_anyone_with_the_hash_url(world, photo_case):
    _case, ev = photo_case
    assert Client().get(ev.file.url).status_code == 404


def test_staff_in_scope_get_the_file_and_outsiders_get_404(world, photo_case):
    _case, ev = photo_case
    inside = Client()
    inside.force_login(world.street_officer)
    response = inside.get(ev.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ev.file.open("rb").read()
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "image/jpeg"
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(ev.file.url).status_code == 404
    far_officer = Client()
    far_officer.force_login(far(world).officer)
    assert far_officer.get(ev.file.url).status_code == 404


def test_citizen_visible_evidence_opens_through_the_track_page_link(world, photo_case):
    case, ev = photo_case
    page = Client().get(f"/track/{case.follow_up_token}/").content.decode()
    assert ev.public_url in page.replace("&amp;", "&")
    assert Client().get(ev.public_url).status_code == 200
    assert Client().get(ev.file.url + "?s=forged").status_code == 404


def test_internal_note_evidence_is_staff_only(world, api):
    case = file_case(world)
    note_photo = upload(jpeg_with_gps(), "internal.jpg")
    response = api("grid_worker").post(
        f"/api/v1/cases/{case.pk}/evidence/", {"files": [note_photo], "note": "内部"}, format="multipart"
    )
    assert response.status_code in (200, 201), response.content
    ev = Evidence.objects.get(original_name="internal.jpg")
    assert ev.event is not None and not ev.event.public
    assert Client().get(ev.public_url).status_code == 404  # even a correctly signed URL
    staff = Client()
    staff.force_login(world.grid_worker)
    assert staff.get(ev.file.url).status_code == 200
    assert ev.public_url not in Client().get(f"/track/{case.follow_up_token}/").content.decode()


def test_open311_media_url_is_a_working_public_link_without_metadata(world):
    cache.clear()
    data = {"service_code": "0101", "lat": 39.775, "long": 98.295, "description": "垃圾"}
    response = APIClient().post(
        "/open311/v2/requests.json", {**data, "media": [upload(jpeg_with_gps())]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    listed = APIClient().get(f"/open311/v2/requests/{number}.json").json()[0]
    url = listed["media_url"]
    assert url and "?s=" in url
    got = Client().get(url.replace("http://testserver", ""))
    assert got.status_code == 200 and b"ACME" not in b"".join(got.streaming_content)


def test_production_hands_the_bytes_to_nginx_after_the_check(world, photo_case):
    _case, ev = photo_case
    staff = Client()
    staff.force_login(world.street_officer)
    with override_settings(MEDIA_X_ACCEL_REDIRECT="/protected-media/"):
        response = staff.get(ev.file.url)
        assert response.status_code == 200 and response.content == b""
        assert response["X-Accel-Redirect"] == f"/protected-media/{ev.file.name}"
        assert Client().get(ev.file.url).status_code == 404


def test_path_tricks_are_404(world, photo_case):
    staff = Client()
    staff.force_login(world.admin)
    for path in ["/media/../config/settings/base.py", "/media/evidence/../../etc/passwd", "/media/x.jpg"]:
        assert staff.get(path).status_code == 404, path
