"""Web imports run as a Celery task (eager here) with a progress record the page polls through htmx: all or
nothing, every bad row reported with its line, the upload emptied afterwards, each job run exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.query import QuerySet
from django.utils import translation

from residents import importers
from residents.models import House, ImportJob
from residents.services import import_job_create, import_job_run
from residents.tasks import run_import

pytestmark = pytest.mark.django_db

HEAD = "网格编码,小区,楼栋,楼栋地址,层数,单元数,单元,楼层,门牌号,用途\n"


def sheet(n: int, *, bad_lines: dict[int, str] | None = None) -> bytes:
    """n homes in one building of grid A (line 1 is the header, home k is on line k + 1)."""
    rows = []
    for k in range(1, n + 1):
        unit = (bad_lines or {}).get(k + 1, str(1 + k % 2))
        rows.append(f"XG-01-01,雄关小区,8号楼,雄关路8号,20,2,{unit},{1 + k // 10},{k:04d},自住")
    return (HEAD + "\n".join(rows) + "\n").encode()


def test_a_large_file_reports_progress_while_checking_and_writing(world, monkeypatch):
    monkeypatch.setattr(importers, "PROGRESS_EVERY", 10)
    seen: list[dict] = []
    update = QuerySet.update

    def spy(self, **kwargs):
        if self.model is ImportJob and "done" in kwargs:
            seen.append(kwargs)
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", spy)
    job = import_job_create(actor=world.users["street_officer"], kind="houses", file_name="big.csv", data=sheet(45))
    assert import_job_run(job.pk) == "done"
    checking = [(s["done"], s["total"]) for s in seen if s.get("phase") == "checking"]
    writing = [(s["done"], s["total"]) for s in seen if s.get("phase") == "writing"]
    assert checking == [(0, 45), (10, 45), (20, 45), (30, 45), (40, 45)]
    assert writing == [(10, 45), (20, 45), (30, 45), (40, 45), (45, 45)]
    job.refresh_from_db()
    assert (job.status, job.percent, bytes(job.data)) == ("done", 100, b"")
    assert job.result == {"created": 45, "updated": 0, "unchanged": 0, "buildings": 1}
    assert House.objects.filter(building__name="8号楼").count() == 45


def test_every_bad_row_is_reported_and_nothing_imported(world, web, django_capture_on_commit_callbacks):
    client = web("street_officer")
    upload = SimpleUploadedFile("bad.csv", sheet(30, bad_lines={5: "x", 27: "-1"}))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/residents/import/", {"kind": "houses", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/residents/import/{job.pk}/"
    assert job.status == "failed" and [e["line"] for e in job.errors] == [5, 27] and bytes(job.data) == b""
    html = client.get(response["Location"]).content.decode()
    assert "第 5 行" in html and "第 27 行" in html and "未导入任何数据" in html
    assert f'hx-get="/residents/import/{job.pk}/"' not in html  # finished: no more polling
    assert not House.objects.filter(building__name="8号楼").exists()


def test_the_page_polls_while_the_job_runs_and_only_its_owner_sees_it(world, web):
    job = import_job_create(actor=world.users["street_officer"], kind="houses", file_name="a.csv", data=sheet(3))
    client = web("street_officer")
    html = client.get(f"/residents/import/{job.pk}/").content.decode()
    assert f'hx-get="/residents/import/{job.pk}/"' in html and "排队中" in html
    partial = client.get(f"/residents/import/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="import-job"') and "<html" not in partial
    assert web("community_officer").get(f"/residents/import/{job.pk}/").status_code == 404
    assert web("admin").get(f"/residents/import/{job.pk}/").status_code == 200

    assert import_job_run(job.pk) == "done"
    assert import_job_run(job.pk) == "done"  # a second delivery of the task does nothing
    assert House.objects.filter(building__name="8号楼").count() == 3
    partial = client.get(f"/residents/import/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in partial and "新增 3" in partial


def test_a_file_outside_the_user_scope_is_refused_whole(world):
    job = import_job_create(actor=world.users["community_b_officer"], kind="houses", file_name="a.csv", data=sheet(3))
    assert import_job_run(job.pk) == "failed"
    job.refresh_from_db()
    assert [e["line"] for e in job.errors] == [2, 3, 4]
    assert not House.objects.filter(building__name="8号楼").exists()


def upload_in_english(web, name: str, data: bytes) -> tuple[Any, ImportJob]:
    """shequ01 uploads a residents sheet with the English UI; the job is queued (not yet run)."""
    client = web("community_officer")
    client.cookies["django_language"] = "en"
    response = client.post("/residents/import/", {"kind": "residents", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    return client, ImportJob.objects.get()


@pytest.mark.parametrize(
    ("name", "data", "english", "chinese"),
    [
        (
            "people.csv",
            b"\xff\xfe\x00\x81\x9f" * 20,
            "Unknown CSV encoding (use UTF-8)",
            "CSV 文件编码无法识别（请用 UTF-8）",
        ),
        (
            "people.csv",
            "姓名\n张三\n".encode(),
            "Missing columns: 网格编码、楼栋、单元、门牌号",
            "缺少列：网格编码、楼栋、单元、门牌号",
        ),
    ],
)
def test_an_imports_errors_read_in_the_readers_language(world, web, name, data, english, chinese):
    """The worker runs in the default language (zh-hans) and keeps the errors in it; the job's page shows them in
    the reader's. An English uploader read "CSV 文件编码无法识别（请用 UTF-8）" although the catalogue has it."""
    client, job = upload_in_english(web, name, data)
    with translation.override(settings.LANGUAGE_CODE):  # the Celery worker's language
        assert run_import(job.pk) == "failed"
    job.refresh_from_db()
    assert [e["message"] for e in job.errors] == [chinese]
    html = client.get(f"/residents/import/{job.pk}/").content.decode()
    assert english in html and chinese not in html
    assert chinese in web("community_officer").get(f"/residents/import/{job.pk}/").content.decode()


def test_an_import_run_in_english_keeps_its_errors_in_the_message_ids_language(world, web):
    """A task run eagerly inside an English request (or by a worker started in English) keeps the same text: a
    Chinese reader of the job does not get English."""
    _client, job = upload_in_english(web, "people.csv", "姓名\n张三\n".encode())
    with translation.override("en"):
        import_job_run(job.pk)
    job.refresh_from_db()
    assert job.errors == [{"line": 1, "message": "缺少列：网格编码、楼栋、单元、门牌号"}]
    assert (
        "缺少列：网格编码、楼栋、单元、门牌号"
        in web("community_officer").get(f"/residents/import/{job.pk}/").content.decode()
    )


def test_the_errors_an_older_job_kept_still_show_and_in_english_when_known(world, web):
    job = ImportJob.objects.create(
        user=world.users["community_officer"],
        kind="residents",
        file_name="old.csv",
        status=ImportJob.Status.FAILED,
        errors=[
            {"line": 1, "message": "缺少列：网格编码"},
            {"line": 2, "message": "出生日期应为日期（YYYY-MM-DD）：1980.5"},
            {"line": 3, "message": "公民身份号码校验位错误"},
            {"line": 4, "message": "某个旧版本的说明"},  # no longer a message of the application: shown as kept
        ],
    )
    client = web("community_officer")
    client.cookies["django_language"] = "en"
    html = client.get(f"/residents/import/{job.pk}/").content.decode()
    for shown in [
        "Missing columns: 网格编码",
        "出生日期 must be a date (YYYY-MM-DD): 1980.5",
        "check character is wrong",
        "某个旧版本的说明",
    ]:
        assert shown in html
    assert "缺少列" not in html and "校验位" not in html


def test_every_message_an_import_makes_from_a_template_is_registered():
    """The job's page can show an error in English only when its template is registered: every formatted message
    of the importer is in ``importers.TEMPLATES`` (read from its source, so a new one cannot be forgotten)."""
    import ast
    import inspect

    made = {
        node.args[0].value
        for node in ast.walk(ast.parse(inspect.getsource(importers)))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_"
        and node.args and isinstance(node.args[0], ast.Constant) and "%(" in str(node.args[0].value)
    }  # fmt: skip
    assert made and made <= set(importers.TEMPLATES)
