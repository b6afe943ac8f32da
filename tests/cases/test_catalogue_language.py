"""The matter catalogue in the reader's language: where an administrator gave a 大类/小类 its English name
(``Category.name_en``), English pages show it — the case, its row in the lists and the queue, the filing forms'
choices, the filters, the whistle form, a citizen's tracking page — and Chinese pages the Chinese name. A category
without an English name reads as configured. What is stored (a case's default title) stays Chinese."""

from __future__ import annotations

import pytest

from cases.models import Case
from governance.models import Category

from .helpers import file_case

EN_SUB, EN_MAJOR = "Exposed rubbish", "City appearance"


@pytest.fixture
def named(world):
    sub = world.categories["0101"]
    Category.objects.filter(pk=sub.pk).update(name_en=EN_SUB)
    Category.objects.filter(pk=sub.parent_id).update(name_en=EN_MAJOR)
    sub.refresh_from_db()
    case = file_case(world, title="门口垃圾")
    other = next(c for code, c in world.categories.items() if code != "0101" and not c.name_en)
    return sub, case, other


def _page(web, role: str | None, path: str, language: str, ok: tuple[int, ...] = (200,)) -> str:
    from django.test import Client

    client = web(role) if role else Client()
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code in ok, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_name_the_category_in_the_readers_language(named, web, language):
    sub, case, other = named
    english = language == "en"
    name, major = (EN_SUB, EN_MAJOR) if english else (sub.name, sub.parent.name)
    wrong = sub.name if english else EN_SUB

    detail = _page(web, "street_officer", f"/cases/{case.pk}/", language)
    assert f"{major} / {name}" in detail

    for path in ("/cases/", "/dashboard/", f"/cases/{case.pk}/whistle/"):
        html = _page(web, "street_officer", path, language, ok=(200, 409))  # a new case: no whistle yet, said
        assert name in html, path
        assert wrong not in html, path

    # the staff's filing form and the filters: code and name; a category without an English name as configured
    new = _page(web, "grid_worker", "/cases/new/", language)
    assert f">{sub.code} {name}</option>" in new and f"{sub.parent.code} {major}</option>" in new
    assert f">{other.code} {other.name}</option>" in new
    listed = _page(web, "street_officer", "/cases/", language)
    assert f">{sub.code} {name}</option>" in listed

    # a resident's form: names without codes; their tracking page names the category too
    report = _page(web, None, "/report/", language)
    assert f">{name}</option>" in report and f">{major}</option>" in report
    assert f"{sub.code} {name}" not in report
    assert name in _page(web, None, f"/track/{case.follow_up_token}/", language)


def test_a_case_filed_in_english_without_a_title_keeps_the_chinese_name(named, web, world):
    sub, _case, _other = named
    client = web("grid_worker")
    client.cookies["django_language"] = "en"
    data = {
        "category": sub.pk,
        "description": "门口有垃圾",
        "grid": world.grid_a.pk,
        "address": "雄关路 1 号",
        "file_anyway": "1",
    }
    before = set(Case.objects.values_list("pk", flat=True))
    response = client.post("/cases/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    (new,) = Case.objects.exclude(pk__in=before)
    assert new.title == sub.name  # stored in Chinese; pages show it in their language
    assert EN_SUB in client.get(f"/cases/{new.pk}/").content.decode()
