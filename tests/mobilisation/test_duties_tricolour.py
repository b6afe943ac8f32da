"""大党委 duties, reports and 民主测评; 三色研判 from the product's indicators with a reasoned adjustment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from mobilisation import services
from mobilisation.choices import UnitKind
from mobilisation.indicators import score
from mobilisation.models import MobilisationEvent, TriColourRating
from mobilisation.periods import period_bounds
from mobilisation.services.duties import appraisal_score
from mobilisation.services.tricolour import colour_for

from .helpers import at, confirmed_member, jpeg, member, published_wish, unit

pytestmark = pytest.mark.django_db


def test_periods():
    assert [str(d) for d in period_bounds("2026-Q1")] == ["2026-01-01", "2026-03-31"]
    assert [str(d) for d in period_bounds("2026-Q4")] == ["2026-10-01", "2026-12-31"]
    assert [str(d) for d in period_bounds("2026-H1")] == ["2026-01-01", "2026-06-30"]
    assert [str(d) for d in period_bounds("2026")] == ["2026-01-01", "2026-12-31"]
    for bad in ("2026-Q5", "26", "2026-07", ""):
        with pytest.raises(InvalidInput):
            period_bounds(bad)


def test_appraisal_score_oracle():
    # 2 × 好 (100) + 1 × 较好 (80) + 1 × 一般 (60) + 1 × 差 (0) = 340 / 5 = 68.0
    assert appraisal_score({"good": 2, "fair": 1, "average": 1, "poor": 1}) == Decimal("68.0")
    assert appraisal_score({"good": 0}) is None


def test_report_once_per_period_and_named_raters_rate_once(world):
    power = unit(world, kind=UnitKind.COMMITTEE_MEMBER)
    plain = unit(world, name="两新组织甲", kind=UnitKind.TWO_NEW)
    duty = services.duty_add(actor=world.community_officer, unit=power, place=world.community, title="安全用电检查")
    with pytest.raises(InvalidInput):
        services.duty_add(actor=world.community_officer, unit=plain, place=world.community, title="x")
    with pytest.raises(InvalidInput):  # an item that is not one of the unit's duties
        services.duty_report_submit(
            actor=world.community_officer,
            unit=power,
            place=world.community,
            period="2026-H2",
            text="t",
            items={"999": "x"},
        )
    services.duty_report_submit(
        actor=world.community_officer,
        unit=power,
        place=world.community,
        period="2026-H2",
        text="t",
        items={str(duty.pk): "做了"},
    )
    with pytest.raises(NotAllowed):
        services.duty_report_submit(
            actor=world.community_officer, unit=power, place=world.community, period="2026-H2", text="again"
        )
    raters = [member(f"rater{i}", f"测评人{i}") for i in range(3)]
    appraisal = services.appraisal_open(
        actor=world.street_officer, unit=power, place=world.street, period="2026", raters=raters
    )
    with pytest.raises(Forbidden):
        services.appraisal_open(
            actor=world.community_officer, unit=power, place=world.street, period="2025", raters=raters
        )
    services.appraisal_rate(actor=raters[0], appraisal_id=appraisal.pk, rating="good")
    with pytest.raises(NotAllowed):
        services.appraisal_rate(actor=raters[0], appraisal_id=appraisal.pk, rating="poor")
    with pytest.raises(NotFound):  # not a named rater
        services.appraisal_rate(actor=world.grid_worker, appraisal_id=appraisal.pk, rating="good")
    services.appraisal_rate(actor=raters[1], appraisal_id=appraisal.pk, rating="average")
    closed = services.appraisal_close(actor=world.street_officer, appraisal_id=appraisal.pk)
    assert closed.result_score == Decimal("80.0") and closed.result_counts["good"] == 1
    with pytest.raises(NotAllowed):
        services.appraisal_rate(actor=raters[2], appraisal_id=appraisal.pk, rating="good")
    assert list(MobilisationEvent.objects.filter(subject="appraisal").values_list("action", flat=True)) == [
        "open",
        "rate",
        "rate",
        "close",
    ]


def test_score_and_colour_oracle():
    indicators = {
        "completion_rate": {"value": 0.9},
        "satisfaction_rate": {"value": 0.8},
        "wishes_fulfilled_rate": {"value": None},
        "visit_completion_rate": {"value": None},
    }
    # weights 40/40/20/10 → the two without a value drop out: (40×0.9 + 40×0.8) / 80 = 0.85 → 85.0
    assert (
        score(
            indicators,
            {"completion_rate": 40, "satisfaction_rate": 40, "wishes_fulfilled_rate": 20, "visit_completion_rate": 10},
        )
        == 85.0
    )
    assert score(indicators, {"wishes_fulfilled_rate": 1}) is None
    assert [colour_for(v, Decimal(85), Decimal(70)) for v in (85.0, 84.9, 70.0, 69.9)] == [
        "blue",
        "yellow",
        "yellow",
        "red",
    ]


def test_tricolour_uses_the_wishes_fulfilled_and_an_adjustment_needs_a_reason(world):
    services.tricolour_scheme_set(
        actor=world.street_officer,
        street=world.street,
        weights={"wishes_fulfilled_rate": 1},
        blue_min=Decimal(85),
        yellow_min=Decimal(40),
    )
    m = confirmed_member(world)
    done = published_wish(world, title="一", now=at(2026, 11, 2, 9))
    published_wish(world, title="二", now=at(2026, 11, 3, 9))
    services.wish_claim(actor=m, wish_id=done.pk, now=at(2026, 11, 4, 9))
    services.wish_fulfil(actor=m, wish_id=done.pk, photo=jpeg(), now=at(2026, 11, 5, 9))
    services.wish_confirm(actor=world.community_officer, wish_id=done.pk, now=at(2026, 11, 6, 9))
    with pytest.raises(Forbidden):
        services.tricolour_compute(actor=world.community_officer, community=world.community, period="2026-Q4")
    rating = services.tricolour_compute(actor=world.street_officer, community=world.community, period="2026-Q4")
    assert rating.indicators["wishes_fulfilled_rate"] == {"value": 0.5, "num": 1, "den": 2}
    assert rating.indicators["visit_completion_rate"] == {"value": None, "num": 0, "den": 0}  # no visit was due
    assert (rating.score, rating.computed_colour, rating.colour) == (Decimal("50.0"), "yellow", "yellow")
    with pytest.raises(InvalidInput):
        services.tricolour_adjust(actor=world.street_officer, rating_id=rating.pk, colour="red", reason=" ")
    with pytest.raises(NotFound):
        services.tricolour_adjust(actor=world.other_street_officer, rating_id=rating.pk, colour="red", reason="x")
    services.tricolour_adjust(actor=world.street_officer, rating_id=rating.pk, colour="red", reason="信访问题突出")
    again = services.tricolour_compute(actor=world.street_officer, community=world.community, period="2026-Q4")
    assert (again.computed_colour, again.colour, again.adjustment_reason) == ("yellow", "red", "信访问题突出")
    assert TriColourRating.objects.count() == 1
    with pytest.raises(InvalidInput):  # nothing to weigh in 2025
        services.tricolour_compute(actor=world.street_officer, community=world.community, period="2025")


def test_tricolour_weighs_the_visit_completion_against_a_hand_count(world):
    """Hand-added visit plans of 2025-Q1 (today is later), grid A of 雄关社区 unless said:

    | plan | due        | what happens               | (done on time, due) |
    |------|------------|----------------------------|---------------------|
    | P1   | 2025-02-05 | visited 02-04              | (1, 1)              |
    | P2   | 2025-02-10 | visited 02-12 (late)       | (0, 1)              |
    | P3   | 2025-03-01 | never visited              | (0, 1)              |
    | P4   | 2025-04-10 | not in the period          | (0, 0)              |
    | P5   | 2025-02-01 | grid B (关城社区), missed   | other community     |

    雄关社区: (1, 3) → 1/3; with the visit figure the only weight, the score is 33.3 → red (yellow from 40).
    """
    from datetime import date

    from residents.services import plan_add, resident_save, visit_record
    from tests.residents.setups import build_hood, id_number

    hood = build_hood(world)
    admin = world.users["admin"]

    def plan(n: int, due: date, house: str = "a202"):
        person = resident_save(actor=admin, house=hood.houses[house], name=f"走访{n}", id_number=id_number(300 + n))
        return plan_add(actor=admin, resident=person, reason=f"P{n}", every_days=100, due_on=due)

    visit_record(actor=admin, plan=plan(1, date(2025, 2, 5)), found="正常", visited_on=date(2025, 2, 4))
    visit_record(actor=admin, plan=plan(2, date(2025, 2, 10)), found="正常", visited_on=date(2025, 2, 12))
    plan(3, date(2025, 3, 1))
    plan(4, date(2025, 4, 10))
    plan(5, date(2025, 2, 1), house="b101")
    services.tricolour_scheme_set(
        actor=world.street_officer,
        street=world.street,
        weights={"visit_completion_rate": 1},
        blue_min=Decimal(85),
        yellow_min=Decimal(40),
    )
    rating = services.tricolour_compute(actor=world.street_officer, community=world.community, period="2025-Q1")
    assert rating.indicators["visit_completion_rate"] == {"value": pytest.approx(1 / 3), "num": 1, "den": 3}
    assert (rating.score, rating.computed_colour) == (Decimal("33.3"), "red")
    other = services.tricolour_compute(actor=world.street_officer, community=world.community_b, period="2025-Q1")
    assert other.indicators["visit_completion_rate"] == {"value": 0.0, "num": 0, "den": 1}


def test_the_tricolour_page_names_each_indicator_in_words(world, client):
    from datetime import date

    figures = {"value": 0.84, "num": 21, "den": 25}
    TriColourRating.objects.create(
        community=world.community,
        period="2026-Q4",
        date_from=date(2026, 10, 1),
        date_to=date(2026, 12, 31),
        indicators={
            "response_rate": figures,
            "completion_rate": figures,
            "satisfaction_rate": {"value": None, "num": 0, "den": 0},
            "on_time_rate": figures,
            "_weights": {"response_rate": 1},
        },
        score=Decimal("84.0"),
        computed_colour="blue",
        colour="blue",
    )
    client.force_login(world.street_officer)
    html = client.get("/party/tricolour/").content.decode()
    assert "响应率：" in html and "办结率：" in html and "满意率：" in html
    for key in ("response_rate", "completion_rate", "satisfaction_rate", "on_time_rate", "_weights"):
        assert key not in html, key
