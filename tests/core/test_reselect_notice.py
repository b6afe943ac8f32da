"""A form that comes back with an error cannot keep the files chosen for it (browsers do not allow it): every form
with a file field says so under the field when a file was sent — not only the filing and reporting pages, which
say it at the top."""

from __future__ import annotations

import pytest

from cases.models import Case, Evidence
from residents.models import Visit
from tests.cases.helpers import photo
from tests.cases.setups import SETUPS, home
from tests.residents.conftest import hood  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

PHOTOS_AGAIN = "请重新选择照片"
FILE_AGAIN = "请重新选择文件"


def test_a_case_action_refused_with_a_file_asks_for_the_file_again(world, web):
    """The evidence field takes photos, PDFs and videos: it asks for the file (文件), not the photo."""
    case = SETUPS["b_in_progress"](home(world))
    client = web("liaison")
    assert FILE_AGAIN not in client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(f"/cases/{case.pk}/act/resolve/", {"resolve-note": "", "resolve-files": [photo()]})
    html = response.content.decode()
    assert response.status_code == 400
    form = html.split('id="action-resolve"', 1)[1].split("</details>", 1)[0]
    assert FILE_AGAIN in form and html.count(FILE_AGAIN) == 1 and PHOTOS_AGAIN not in html
    assert Case.objects.get(pk=case.pk).status == "in_progress" and not Evidence.objects.filter(case=case).exists()


def test_a_case_action_refused_without_a_photo_says_nothing_of_photos(world, web):
    case = SETUPS["b_in_progress"](home(world))
    response = web("liaison").post(f"/cases/{case.pk}/act/resolve/", {"resolve-note": ""})
    assert response.status_code == 400 and FILE_AGAIN not in response.content.decode()


def test_a_visit_refused_with_a_photo_asks_for_the_file_again(world, hood, web):  # noqa: F811 (the fixture)
    person = hood.people["corr"]
    response = web("grid_worker").post(
        f"/residents/visits/new/?resident={person.pk}", {"visited_on": "", "found": "", "photo": photo()}
    )
    html = response.content.decode()
    assert FILE_AGAIN in html and "field--error" in html
    assert not Visit.objects.filter(resident=person).exists()


def test_the_english_notice_says_it_once(world, client):
    """The photos' notice read twice in English: its translation had a stale second sentence glued to it."""
    client.cookies["django_language"] = "en"
    response = client.post("/report/", {"description": "", "photos": [photo()]}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("Choose the photos again") == 1 and "Please choose the photos again" not in html
