"""Idempotent intake under a race: the same order posted twice at once files one case (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from cases.models import Case
from interop.models import Order
from interop.services import OrderIntake, order_receive

from .hotline_helpers import make_partner

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_copies_of_one_order_at_once_file_one_case(world):
    partner = make_partner(world)
    intake = OrderIntake(
        order_id="RACE-1",
        request_type="complaint",
        content="垃圾",
        address="东门",
        category_code="C-0101",
        lat=39.775,
        lng=98.295,
    )
    barrier = threading.Barrier(2)
    results, errors = [], []

    def post() -> None:
        try:
            barrier.wait(5)
            order, created = order_receive(partner=partner, intake=intake, payload={"order_id": "RACE-1"})
            results.append((order.case_id, created))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(created for _case, created in results) == [False, True]
    assert len({case for case, _created in results}) == 1
    assert Case.objects.count() == 1 and Order.objects.count() == 1
