"""The 12345 channel on the assessment page: the street's own 三率 over its hotline cases beside the hotline's
三率 over its valid follow-ups (contacted / solved / satisfied with 0.9 credit for 基本满意), against an oracle."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from assessment import selectors
from cases.selectors import scope_for
from cases.services import case_transition
from interop.services import decision_apply
from tests.cases.helpers import file_case
from tests.interop.hotline_helpers import make_partner, order, signed_post


def closed_hotline_case(world, partner, order_id: str):
    assert signed_post(Client(), "/interop/12345/orders/", order(order_id), partner).status_code == 201
    from cases.models import Case

    case = Case.objects.get(hotline_order__order_id=order_id)
    officer = world.street_officer
    for action, extra in [("accept", {}), ("dispatch", {"region": world.street.id}), ("sign", {})]:
        case_transition(case_id=case.id, action=action, actor=officer, **extra)
    case_transition(case_id=case.id, action="resolve", actor=officer, note="已处理")
    case_transition(case_id=case.id, action="close", actor=officer)
    return case


def follow_up(partner, order_id: str, **data) -> None:
    decision_apply(partner=partner, order_id=order_id, decision_id=f"F-{order_id}", kind="follow_up", data=data)


def test_the_hotline_channel_shows_both_definitions(world, web):
    partner = make_partner(world)
    for n in range(4):
        closed_hotline_case(world, partner, f"H-{n}")
    follow_up(partner, "H-0", valid=True, contacted=True, solved=True, satisfaction="satisfied")
    follow_up(partner, "H-1", valid=True, contacted=True, solved=False, satisfaction="basic")
    follow_up(partner, "H-2", valid=False, note="无人接听")  # not a valid follow-up: counted nowhere
    follow_up(partner, "H-3", valid=True, contacted=False, solved=False, satisfaction="unsatisfied")
    patrol = file_case(world)  # another channel: not in the hotline row
    case_transition(case_id=patrol.id, action="accept", actor=world.community_officer)

    from assessment.periods import Period

    today = timezone.localdate()
    period = Period.parse(today.isoformat(), today.isoformat())
    scheme = selectors.scheme_for(user=world.street_officer)
    figures = selectors.hotline_figures(scope_for(world.street_officer), period, scheme)
    # the page reads the 12345 cases' counts in its one pass over the cases: the same figures
    scope = scope_for(world.street_officer)
    one = selectors.case_pass(scope, period)
    assert selectors.hotline_figures(scope, period, scheme, case_counts=one.hotline) == figures
    assert (figures.valid, figures.contacted, figures.solved, figures.satisfied, figures.basic) == (3, 2, 1, 1, 1)
    rates = figures.hotline_rates
    assert round(rates["response"], 4) == round(2 / 3, 4)
    assert round(rates["solution"], 4) == round(1 / 3, 4)
    assert round(rates["satisfaction"], 4) == round((1 + 0.9 * 1) / 3, 4)
    assert (figures.counts.received, figures.counts.completed, figures.counts.rated) == (4, 4, 3)

    page = web("street_officer").get(f"/assessment/?from={today}&to={today}")
    assert page.status_code == 200
    text = page.content.decode()
    for attr, value in [
        ("hotline-response", "66.7%"),
        ("hotline-solution", "33.3%"),
        ("hotline-satisfaction", "63.3%"),
    ]:
        assert f'data-hotline="{attr}">{value}<' in text, attr
