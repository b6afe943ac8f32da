"""SCENARIOS.md §6 "nobody acts twice", on PostgreSQL with two real connections (row locks do nothing on SQLite).

Officer A's thread dispatches inside an open transaction and holds the row lock; officer B's thread
presses "dispatch" at the same moment and must wait on the lock (seen in pg_stat_activity), then —
once A commits — re-check the state under the lock and be refused with "already dispatched by 郑街道".
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from cases.models import Case, CaseDispatch, CaseEvent
from cases.services import case_transition
from core.errors import NotAllowed
from governance.models import User

from .setups import SETUPS, home

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_for_lock_wait(pid: int, timeout: float = 10.0) -> bool:
    """True once backend ``pid`` is blocked on a lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cur.fetchone()
            if row and row[0] == "Lock":
                return True
            time.sleep(0.02)
    return False


def test_two_officers_dispatch_the_same_case_at_the_same_moment_one_event_one_refusal(world):
    case = SETUPS["b_accepted"](home(world))
    cgzf, zj = world.departments["cgzf"].id, world.departments["zj"].id
    barrier = threading.Barrier(2, timeout=10)
    a_holds_lock = threading.Event()
    release_a = threading.Event()
    b_pid: list[int] = []
    results: dict[str, object] = {}

    def officer_a() -> None:
        try:
            actor = User.objects.get(username="jiedao01")
            barrier.wait()
            with transaction.atomic():
                case_transition(case_id=case.id, action="dispatch", actor=actor, departments=[cgzf])
                a_holds_lock.set()
                assert release_a.wait(15), "main thread never released officer A"
            results["a"] = "dispatched"
        except Exception as exc:
            results["a"] = exc
            a_holds_lock.set()
        finally:
            connections.close_all()

    def officer_b() -> None:
        try:
            actor = User.objects.get(username="jiedao02")
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                b_pid.append(cur.fetchone()[0])
            barrier.wait()
            assert a_holds_lock.wait(15)
            case_transition(case_id=case.id, action="dispatch", actor=actor, departments=[zj])
            results["b"] = "dispatched"
        except Exception as exc:
            results["b"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=officer_a), threading.Thread(target=officer_b)]
    for t in threads:
        t.start()
    try:
        assert a_holds_lock.wait(15), "officer A never got the lock"
        assert b_pid, "officer B never connected"
        blocked = _wait_for_lock_wait(b_pid[0])
    finally:
        release_a.set()
        for t in threads:
            t.join(30)
    assert blocked, "officer B did not wait on officer A's row lock"
    assert not any(t.is_alive() for t in threads)

    assert results["a"] == "dispatched", results["a"]
    refusal = results["b"]
    assert isinstance(refusal, NotAllowed), refusal
    assert refusal.code == "state"
    assert "已由郑街道" in refusal.message and "派遣" in refusal.message and "无需重复操作" in refusal.message

    assert CaseEvent.objects.filter(case_id=case.id, action="dispatch").count() == 1
    assert list(CaseDispatch.objects.filter(case_id=case.id).values_list("department_id", flat=True)) == [cgzf]
    after = Case.objects.get(pk=case.id)
    assert (after.status, after.dispatch_count) == ("dispatched", 1)


def test_two_api_dispatches_at_once_one_200_one_409(world):
    """The same race through the API: whichever request comes second answers 409 with the winner's name."""
    from rest_framework.test import APIClient

    case = SETUPS["b_accepted"](home(world))
    barrier = threading.Barrier(2, timeout=10)
    answers: dict[str, tuple[int, dict]] = {}

    def press(username: str, dept: str) -> None:
        try:
            client = APIClient()
            client.force_authenticate(user=User.objects.get(username=username))
            barrier.wait()
            resp = client.post(
                f"/api/v1/cases/{case.id}/transitions/dispatch/",
                {"departments": [world.departments[dept].id]},
                format="json",
            )
            answers[username] = (resp.status_code, resp.json())
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=press, args=("jiedao01", "cgzf")),
        threading.Thread(target=press, args=("jiedao02", "zj")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(code for code, _body in answers.values())
    assert codes == [200, 409], answers
    loser = next(body for code, body in answers.values() if code == 409)
    assert loser["code"] == "state" and "无需重复操作" in loser["detail"]
    assert CaseEvent.objects.filter(case_id=case.id, action="dispatch").count() == 1
