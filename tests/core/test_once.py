"""One submission, one record (``core.once``): a filing form sent twice — a double tap on a slow phone, the
browser's resend — lands on what the first sending made. The citizen report, the grid worker's filing (also past
the duplicate panel, "file anyway") and both wish forms each filed twice (input audit, 2026-12-03)."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from cases.models import Case
from core.once import Submission
from mobilisation.models import Wish
from tests.cases.test_citizen_pages import _report
from tests.cases.test_pages import _file_form


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _token(page: str) -> str:
    match = re.search(r'name="submission" value="([A-Za-z0-9_-]+)"', page)
    assert match, "the form carries its submission token"
    return match.group(1)


def test_the_citizen_report(world):
    client = Client()
    token = _token(client.get("/report/").content.decode())
    first = client.post("/report/", {**_report(world), "submission": token})
    second = client.post("/report/", {**_report(world), "submission": token})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    third = client.post("/report/", {**_report(world), "submission": _token(client.get("/report/").content.decode())})
    assert third.status_code == 302 and Case.objects.count() == 2  # a new form is a new report


def test_the_grid_workers_filing_past_the_duplicate_panel(world, web):
    client = web("grid_worker")
    token = _token(client.get("/cases/new/").content.decode())
    body = _file_form(world, file_anyway="1", submission=token)
    first, second = client.post("/cases/new/", body), client.post("/cases/new/", body)

    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert "没有重复登记" in client.get(second["Location"]).content.decode()


def test_a_sending_with_errors_gives_the_token_back_so_the_corrected_form_files(world, web):
    client = web("grid_worker")
    token = _token(client.get("/cases/new/").content.decode())
    wrong = client.post("/cases/new/", _file_form(world, description="", submission=token))
    assert wrong.status_code == 400 and _token(wrong.content.decode()) == token  # the same filling-in

    right = client.post("/cases/new/", _file_form(world, file_anyway="1", submission=token))
    assert right.status_code == 302 and Case.objects.count() == 1


@pytest.mark.parametrize("path", ["/wishes/new/", "/party/wishes/new/"])
def test_both_wish_forms(world, web, path):
    client = web("community_officer") if path.startswith("/party/") else Client()
    token = _token(client.get(path).content.decode())
    body = {
        "community": world.community.pk,
        "title": "想要老花镜",
        "description": "看不清药盒上的字",
        "resident_name": "韩奶奶",
        "submission": token,
    }
    first, second = client.post(path, body), client.post(path, body)

    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Wish.objects.count() == 1


def test_a_second_sending_waits_for_the_first_and_lands_where_it_did(db):
    """The double tap proper: the second arrives while the first is still filing. It waits, then follows it."""
    request = RequestFactory().post("/report/", {"submission": "A" * 24})
    request.user = type("Anonymous", (), {"is_authenticated": False, "pk": None})()
    seen: list[str | None] = []

    def first():
        with Submission(request, "test") as sent:
            assert sent.earlier is None
            time.sleep(0.5)  # filing
            sent.made("/track/abc/")

    worker = threading.Thread(target=first)
    worker.start()
    time.sleep(0.1)
    with Submission(request, "test") as sent:
        seen.append(sent.earlier)
    worker.join()

    assert seen == ["/track/abc/"]


def test_a_first_sending_that_failed_lets_the_waiting_second_file(db):
    request = RequestFactory().post("/report/", {"submission": "B" * 24})
    request.user = type("Anonymous", (), {"is_authenticated": False, "pk": None})()

    def first():
        with Submission(request, "test"):
            time.sleep(0.3)  # refused: leaves without made()

    worker = threading.Thread(target=first)
    worker.start()
    time.sleep(0.1)
    with Submission(request, "test") as sent:
        assert sent.earlier is None  # the token is this sending's now
        sent.made("/cases/2/")
    worker.join()
    with Submission(request, "test") as third:
        assert third.earlier == "/cases/2/"


def test_the_public_wish_forms_rate_limit_answers_429_in_english_too(world, settings):
    """The status was chosen by looking for "频繁" in the message, so on an English page a limited wish answered 200
    (review, 2026-12-03)."""
    settings.CITIZEN_REPORT_RATE = "1/h"
    client = Client()
    client.cookies["django_language"] = "en"
    body = {
        "community": world.community.pk,
        "title": "想要老花镜",
        "description": "看不清字",
        "resident_name": "韩奶奶",
    }
    first = client.post("/wishes/new/", {**body, "submission": _token(client.get("/wishes/new/").content.decode())})
    second = client.post("/wishes/new/", {**body, "submission": _token(client.get("/wishes/new/").content.decode())})

    assert (first.status_code, second.status_code) == (302, 429)
    assert Wish.objects.count() == 1
