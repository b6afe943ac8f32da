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


def test_two_merges_crossing_make_no_cycle(world):
    """A into B while B goes into A: B's merge holds both rows (its own and its target's) until it commits; A's
    merge waits for its own row, then reads B afresh — merged, so closed — and is refused. Before the target was
    locked, A's merge read B as still open and both committed: A merged into B and B into A, a cycle that no case
    page or assessment could follow to an open case."""
    p = home(world)
    a, b = SETUPS["a_reported"](p), SETUPS["a_reported"](p)
    b_holds = threading.Event()
    release_b = threading.Event()
    results: dict[str, object] = {}

    def merge_b_into_a() -> None:
        try:
            with transaction.atomic():
                case_transition(case_id=b.id, action="merge", actor=p.worker, into=a.number)
                b_holds.set()
                assert release_b.wait(15)
            results["b"] = "merged"
        except Exception as exc:
            results["b"] = exc
            b_holds.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=merge_b_into_a)
    thread.start()
    try:
        assert b_holds.wait(15)
        threading.Timer(0.5, release_b.set).start()  # B commits while A's merge waits (or, unlocked, has finished)
        try:
            case_transition(case_id=a.id, action="merge", actor=p.worker, into=b.number)
            results["a"] = "merged"
        except NotAllowed as exc:
            results["a"] = exc
    finally:
        release_b.set()
        thread.join(30)
    assert results["b"] == "merged", results["b"]
    refusal = results["a"]
    assert isinstance(refusal, NotAllowed) and refusal.code == "into_closed", refusal
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.merged_into_id) == ("reported", None)
    assert (b.status, b.merged_into_id) == ("merged", a.id)


def test_a_merge_into_a_case_being_changed_is_refused_and_changes_nothing(world):
    """Two merges crossing at the same instant each hold their own row and would wait on the other's: the target
    is locked without waiting, so the merge that finds it busy answers 409 "try again" instead of deadlocking."""
    p = home(world)
    a, b = SETUPS["a_reported"](p), SETUPS["a_reported"](p)
    held = threading.Event()
    release = threading.Event()

    def hold_b() -> None:
        try:
            with transaction.atomic():
                list(Case.objects.select_for_update().filter(pk=b.id))
                held.set()
                release.wait(15)
        finally:
            held.set()
            connections.close_all()

    thread = threading.Thread(target=hold_b)
    thread.start()
    try:
        assert held.wait(15)
        with pytest.raises(NotAllowed) as refused:
            case_transition(case_id=a.id, action="merge", actor=p.worker, into=b.number)
    finally:
        release.set()
        thread.join(30)
    assert refused.value.code == "busy"
    a.refresh_from_db()
    assert (a.status, a.merged_into_id) == ("reported", None)
    assert not CaseEvent.objects.filter(case_id=a.id, action="merge").exists()
    # once the other change has committed, the same merge goes through
    case_transition(case_id=a.id, action="merge", actor=p.worker, into=b.number)
    a.refresh_from_db()
    assert (a.status, a.merged_into_id) == ("merged", b.id)
