"""Weight schemes are data: the migrated schemes, editing one in the admin, which scheme applies where, and
that a changed scheme recomputes the scores from the raw counts.

Oracle for the changed schemes (the week of scenarios 1–4, raw counts from tests/assessment/test_assessment.py):

| row | received | responded | due | completed | rated | satisfied | basic |
|---|---|---|---|---|---|---|---|
| street total | 4 | 3 | 2 | 2 | 1 | 0 | 1 |
| grid A | 3 | 2 | 2 | 2 | 1 | 0 | 1 |

Seed edited to 20 / 30 / 50 with "basically satisfied" worth 0.5:
- total: response 3/4, completion 1, satisfaction 0.5 → (20·0.75 + 30·1 + 50·0.5) / 100 = 0.70 → "70.00%";
- grid A: response 2/3 → (20·2/3 + 30 + 25) / 100 = 0.68333… → "68.33%".
Then satisfaction no longer counted: total (20·0.75 + 30·1) / 50 = 0.90 → "90.00%".
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment.models import SchemeWeight, WeightScheme
from assessment.selectors import scheme_for, schemes
from core.errors import InvalidInput
from tests.assessment.test_assessment import BEIJING, SEED, build_scenarios
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db
WEEK = {"from": "2026-11-16", "to": "2026-11-22"}


def set_weights(name: str, weights: dict[str, int], *, basic: str | None = None, uncounted: tuple = ()) -> None:
    scheme = WeightScheme.objects.get(name=name)
    if basic is not None:
        scheme.basic_credit = Decimal(basic)
        scheme.save()
    for key, weight in weights.items():
        SchemeWeight.objects.update_or_create(
            scheme=scheme, indicator=key, defaults={"weight": weight, "counted": key not in uncounted}
        )


def test_the_data_migration_stores_the_two_hard_coded_schemes_seed_first_and_default():
    assert schemes() == [SEED, BEIJING]
    assert WeightScheme.objects.get(is_default=True).name == "seed"
    assert scheme_for() == SEED


@time_machine.travel(at(2026, 11, 23, 9, 0), tick=False)
def test_changing_the_weights_changes_the_score_by_the_hand_computation(world, api, web):
    build_scenarios(world)
    client = api("street_officer")
    before = client.get("/api/v1/dashboard/assessment/", {**WEEK, "scheme": "seed"}).json()
    assert before["total"]["rates"]["composite"] == pytest.approx(0.975)

    set_weights("seed", {"response": 20, "completion": 30, "satisfaction": 50}, basic="0.5")

    body = client.get("/api/v1/dashboard/assessment/", {**WEEK, "scheme": "seed", "by": "grid"}).json()
    assert body["scheme"]["weights"] == {"response": 20.0, "completion": 30.0, "satisfaction": 50.0}
    assert body["scheme"]["basic_weight"] == 0.5
    assert body["total"]["received"] == 4 and body["total"]["basic"] == 1, "the raw counts do not change"
    assert body["total"]["rates"]["satisfaction"] == pytest.approx(0.5)
    assert body["total"]["rates"]["composite"] == pytest.approx(0.70)
    grid_a = next(r for r in body["rows"] if r["key"] == world.grid_a.id)
    assert grid_a["composite"] == pytest.approx((20 * 2 / 3 + 30 + 25) / 100)
    assert body["composites"]["beijing"] == pytest.approx(0.935), "the other scheme is untouched"

    html = web("street_officer").get("/assessment/", {**WEEK, "scheme": "seed", "by": "grid"}).content.decode()
    assert 'data-composite="seed">70.00%' in html
    assert f'<tr data-key="{world.grid_a.id}">' in html and "68.33%" in html

    set_weights("seed", {"satisfaction": 50}, uncounted=("satisfaction",))
    body = client.get("/api/v1/dashboard/assessment/", {**WEEK, "scheme": "seed"}).json()
    assert body["scheme"]["weights"] == {"response": 20.0, "completion": 30.0}
    assert body["total"]["rates"]["composite"] == pytest.approx(0.90)


@time_machine.travel(at(2026, 11, 23, 9, 0), tick=False)
def test_an_admin_edits_a_scheme_and_the_page_follows(world, web):
    build_scenarios(world)
    seed = WeightScheme.objects.get(name="seed")
    weights = {w.indicator: w for w in seed.weights.all()}
    form = {
        "name": "seed",
        "label": "20/30/50",
        "basic_credit": "0.5",
        "is_default": "on",
        "region": "",
        "weights-TOTAL_FORMS": "3",
        "weights-INITIAL_FORMS": "3",
        "weights-MIN_NUM_FORMS": "1",
        "weights-MAX_NUM_FORMS": "1000",
    }
    for i, (key, weight) in enumerate([("response", "20"), ("completion", "30"), ("satisfaction", "50")]):
        form |= {
            f"weights-{i}-id": str(weights[key].id),
            f"weights-{i}-scheme": str(seed.id),
            f"weights-{i}-indicator": key,
            f"weights-{i}-weight": weight,
            f"weights-{i}-counted": "on",
        }
    admin = web("admin")
    response = admin.post(reverse("admin:assessment_weightscheme_change", args=[seed.id]), form)
    assert response.status_code == 302, response.content.decode()[:2000]

    html = web("street_officer").get("/assessment/", {**WEEK, "by": "grid"}).content.decode()
    assert 'data-composite="seed">70.00%' in html
    assert "20/30/50" in html

    # every indicator switched off: refused, nothing changes
    refused = {**form, **{f"weights-{i}-counted": "" for i in range(3)}, "label": "none"}
    response = admin.post(reverse("admin:assessment_weightscheme_change", args=[seed.id]), refused)
    assert response.status_code == 200 and "至少要有一项计入综合得分" in response.content.decode()
    assert WeightScheme.objects.get(name="seed").label == "20/30/50"


def test_admin_pages_load_and_the_default_cannot_be_deleted(web):
    client = web("admin")
    for view in ("changelist", "add"):
        assert client.get(reverse(f"admin:assessment_weightscheme_{view}")).status_code == 200
    seed = WeightScheme.objects.get(name="seed")
    beijing = WeightScheme.objects.get(name="beijing")
    assert client.get(reverse("admin:assessment_weightscheme_change", args=[seed.id])).status_code == 200
    assert client.get(reverse("admin:assessment_weightscheme_delete", args=[seed.id])).status_code == 403
    assert client.get(reverse("admin:assessment_weightscheme_delete", args=[beijing.id])).status_code == 200


def test_the_most_specific_scheme_applies(world):
    street_scheme = WeightScheme.objects.create(name="xiongguan", label="雄关 30/30/40", region=world.street)
    district_scheme = WeightScheme.objects.create(name="district", label="区 20/40/40", region=world.district)
    for scheme, weights in ((street_scheme, (30, 30, 40)), (district_scheme, (20, 40, 40))):
        for key, w in zip(("response", "completion", "satisfaction"), weights, strict=True):
            SchemeWeight.objects.create(scheme=scheme, indicator=key, weight=w)

    assert scheme_for(user=world.street_officer).name == "xiongguan"
    assert scheme_for(user=world.community_officer).name == "xiongguan", "a community takes its street's"
    assert scheme_for(user=world.other_street_officer).name == "district", "no street scheme: the district's"
    assert scheme_for(user=world.district_officer).name == "district"
    assert scheme_for(user=world.admin).name == "seed", "no region: the default"
    assert scheme_for("beijing", user=world.street_officer) == BEIJING, "a named scheme wins"

    district_scheme.delete()
    assert scheme_for(user=world.other_street_officer).name == "seed"


def test_the_page_uses_the_scheme_of_the_users_street(world, web):
    scheme = WeightScheme.objects.create(name="xiongguan", label="雄关专用", region=world.street)
    SchemeWeight.objects.create(scheme=scheme, indicator="response", weight=1)
    html = web("street_officer").get("/assessment/").content.decode()
    assert '<option value="xiongguan" selected>' in html
    html = web("other_street_officer").get("/assessment/").content.decode()
    assert '<option value="seed" selected>' in html


def test_the_database_refuses_a_second_default_and_a_credit_above_one():
    with pytest.raises(IntegrityError), transaction.atomic():
        WeightScheme.objects.create(name="second", label="second", is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeightScheme.objects.create(name="generous", label="generous", basic_credit=Decimal("1.5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SchemeWeight.objects.create(scheme=WeightScheme.objects.get(name="beijing"), indicator="response", weight=1)


def test_a_scheme_belongs_to_a_street_or_district_only(world):
    with pytest.raises(ValidationError):
        WeightScheme(name="c", label="c", region=world.community).full_clean()
    with pytest.raises(ValidationError):
        WeightScheme(name="d", label="d", region=world.street, is_default=True).full_clean()
    WeightScheme(name="s", label="s", region=world.street).full_clean()


def test_an_unknown_scheme_is_bad_input_everywhere(world, web, api):
    assert web("street_officer").get("/assessment/", {"scheme": "nope"}).status_code == 400
    assert web("street_officer").get("/assessment/export.csv", {"scheme": "nope"}).status_code == 400
    assert web("street_officer").get("/dashboard/charts/weekly.svg", {"scheme": "nope"}).status_code == 400
    assert api("street_officer").get("/api/v1/dashboard/assessment/", {"scheme": "nope"}).status_code == 400


def test_a_second_default_in_the_admin_is_refused_with_a_message(web):
    beijing = WeightScheme.objects.get(name="beijing")
    weights = list(beijing.weights.order_by("id"))
    form = {
        "name": "beijing",
        "label": "10/50/40",
        "basic_credit": "0.9",
        "is_default": "on",
        "region": "",
        "weights-TOTAL_FORMS": str(len(weights)),
        "weights-INITIAL_FORMS": str(len(weights)),
        "weights-MIN_NUM_FORMS": "1",
        "weights-MAX_NUM_FORMS": "1000",
    }
    for i, w in enumerate(weights):
        form |= {
            f"weights-{i}-id": str(w.id),
            f"weights-{i}-scheme": str(beijing.id),
            f"weights-{i}-indicator": w.indicator,
            f"weights-{i}-weight": str(w.weight),
            f"weights-{i}-counted": "on",
        }
    response = web("admin").post(reverse("admin:assessment_weightscheme_change", args=[beijing.id]), form)
    assert response.status_code == 200
    assert "已有默认方案" in response.content.decode()
    assert list(WeightScheme.objects.filter(is_default=True).values_list("name", flat=True)) == ["seed"]


def test_with_every_scheme_gone_the_page_answers_with_the_seed_weights(world, web):
    """A flushed database (live-server tests) or an admin who deleted every scheme: no 500, the seed's weights."""
    SchemeWeight.objects.all().delete()
    WeightScheme.objects.all().delete()
    assert scheme_for(user=world.street_officer) == SEED
    response = web("street_officer").get("/assessment/", WEEK)
    assert response.status_code == 200
    # the page's own links (periods, dimensions) carry the stand-in's name: following one is no error either
    assert scheme_for("seed") == SEED
    linked = web("street_officer").get("/assessment/", {**WEEK, "scheme": "seed", "by": "grid"})
    assert linked.status_code == 200 and "未知的考核方案" not in linked.content.decode()
    with pytest.raises(InvalidInput):
        scheme_for("beijing")
