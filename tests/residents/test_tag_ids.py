"""The tag form's ids (``category``, ``end``) are read as whole numbers: anything else is a 400 that says why, and
nothing changes. ``end=abc`` used to reach the query: "Field 'id' expected a number", a 500."""

from __future__ import annotations

import pytest

from residents.models import ResidentTag

pytestmark = pytest.mark.django_db


def tag_rows() -> list[tuple]:
    return list(ResidentTag.objects.order_by("id").values_list("id", "resident_id", "category_id", "ended_on"))


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"category": "abc"}, "请选择标签类别"),
        ({"category": "１"}, "请选择标签类别"),  # a full-width digit is no id either
        ({"category": ""}, "请选择标签类别"),
        ({"end": "abc"}, "要结束的标签无效"),
        ({"end": "1 OR 1=1"}, "要结束的标签无效"),
    ],
)
def test_a_tag_id_that_is_no_number_is_refused_with_a_400_and_changes_nothing(world, hood, web, post, message):
    before = tag_rows()
    response = web("grid_worker").post(f"/residents/people/{hood.people['plain'].pk}/tags/", post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert tag_rows() == before


def test_the_tag_form_takes_its_ids_as_numbers_only(world, hood, web):
    client = web("grid_worker")
    person = hood.people["plain"]
    elderly = hood.categories["elderly_alone"]
    assert client.post(f"/residents/people/{person.pk}/tags/", {"category": f"{elderly.pk}abc"}).status_code == 400
    assert not ResidentTag.objects.filter(resident=person).exists()
    response = client.post(f"/residents/people/{person.pk}/tags/", {"category": str(elderly.pk)})
    tag = ResidentTag.objects.get(resident=person, category=elderly)
    assert response.status_code == 302 and tag.ended_on is None
    assert client.post(f"/residents/people/{person.pk}/tags/", {"end": f"{tag.pk}abc"}).status_code == 400
    tag.refresh_from_db()
    assert tag.ended_on is None
    response = client.post(f"/residents/people/{person.pk}/tags/", {"end": str(tag.pk)})
    tag.refresh_from_db()
    assert response.status_code == 302 and tag.ended_on is not None
