"""The transition table against an oracle written out by hand from DESIGN §4 — not read from the table.

Each line below is the diagram (or the side-request paragraph) of DESIGN §4 turned into (sources, target);
where the table allows more than the diagram draws, the line says which sentence of the design allows it.
A wrong entry in ``cases/transitions.py`` (a source added or dropped, a wrong target) fails here, and so
does a table that gains an action the design does not describe.
"""

from __future__ import annotations

import pytest

from cases import transitions

SAME, PREVIOUS = "same", "previous"
CLOCK = {"reported", "accepted", "dispatched", "in_progress"}  # DESIGN §5: statuses whose clock runs
OPEN = CLOCK | {"on_hold", "resolved"}  # "any open status"
EVERY = OPEN | {"closed", "rejected", "merged"}

ORACLE: dict[str, tuple[set[str], str]] = {
    # reported ─accept (受理)─▶ accepted
    "accept": ({"reported"}, "accepted"),
    # └─reject (不予受理, reason)─▶ rejected; a case that climbed arrives "accepted at level+1" without the new
    # level having received it, so that level may still refuse it.
    "reject": ({"reported", "accepted"}, "rejected"),
    # accepted ─dispatch (派遣 …)─▶ dispatched
    "dispatch": ({"accepted"}, "dispatched"),
    # dispatched ─sign (签收)─▶ in_progress; "department(s)": each dispatched department signs its own
    # dispatch, the second after the first put the case in progress.
    "sign": ({"dispatched", "in_progress"}, "in_progress"),
    # return (退单): "asked within the return window … accepted → back to the dispatcher" — the request and
    # the refusal leave the status; the accepted return goes back to accepted. Asked by a department that has
    # not signed while another one has (the case is then in progress) too.
    "return_request": ({"dispatched", "in_progress"}, SAME),
    "return": ({"dispatched", "in_progress"}, "accepted"),
    "return_reject": ({"dispatched", "in_progress"}, SAME),
    # in_progress ─resolve (处理反馈 + evidence)─▶ resolved
    "resolve": ({"in_progress"}, "resolved"),
    # reported ─self_handle (grid worker, grade A, on the spot)─▶ resolved
    "self_handle": ({"reported"}, "resolved"),
    # resolved ─verify ok (核查)─▶ closed ; the centre closes a resolved case too (结案)
    "verify_ok": ({"resolved"}, "closed"),
    "close": ({"resolved"}, "closed"),
    # └─verify failed (返工)─▶ in_progress
    "verify_failed": ({"resolved"}, "in_progress"),
    # closed ─rate (回访/评价)─▶ closed + rating
    "rate": ({"closed"}, SAME),
    # closed ─reopen (unsatisfied, 重办)─▶ in_progress
    "reopen": ({"closed"}, "in_progress"),
    # on_hold (挂账, approved) ◀─▶ resume: the handler asks, the dispatcher approves (the clock pauses from the
    # approval); "a centre may still hold its own case directly" — a case it holds in its queue, dispatched
    # or in progress.
    "hold": ({"accepted", "dispatched", "in_progress"}, "on_hold"),
    "hold_request": ({"dispatched", "in_progress"}, SAME),
    "hold_approve": ({"dispatched", "in_progress"}, "on_hold"),
    "hold_refuse": ({"dispatched", "in_progress"}, SAME),
    "resume": ({"on_hold"}, PREVIOUS),
    # extension (延期: asked before the due time; new due time if approved) — by a handler it was dispatched to
    "extension_request": ({"dispatched", "in_progress"}, SAME),
    "extension_approve": ({"dispatched", "in_progress"}, SAME),
    "extension_refuse": ({"dispatched", "in_progress"}, SAME),
    # any open status ─merge─▶ merged
    "merge": (OPEN, "merged"),
    # any open status ─escalate─▶ accepted at level+1 — a case whose clock runs (on hold or resolved it is not
    # overdue, and nobody needs to pass it up).
    "escalate": (CLOCK, "accepted"),
    # §5: 督办 of an open case; 吹哨 by the centre holding a case it accepted or is handling
    "supervise": (OPEN, SAME),
    "whistle": ({"accepted", "in_progress"}, "in_progress"),
    # remarks change nothing, in any status
    "comment": (EVERY, SAME),
    "note": (EVERY, SAME),
}


def test_the_table_has_exactly_the_designed_actions():
    assert set(transitions.TRANSITIONS) == set(ORACLE)


@pytest.mark.parametrize("action", sorted(ORACLE))
def test_sources_and_target_match_the_design(action):
    sources, target = ORACLE[action]
    t = transitions.get(action)
    assert set(t.sources) == sources, action
    assert t.target == target, action
    for status in EVERY:
        assert t.allowed_from(status) == (status in sources), (action, status)


def test_an_entry_changed_in_the_table_is_caught(monkeypatch):
    """The oracle can fail: widen one entry (sign from "closed") and the comparison sees it."""
    from dataclasses import replace

    wrong = replace(transitions.TRANSITIONS["sign"], sources=frozenset({"dispatched", "in_progress", "closed"}))
    monkeypatch.setitem(transitions.TRANSITIONS, "sign", wrong)
    with pytest.raises(AssertionError):
        test_sources_and_target_match_the_design("sign")


def test_decisions_are_offered_where_requests_are_pending():
    assert set(transitions.DECISION_ACTIONS) == {
        "extension_approve",
        "extension_refuse",
        "hold_approve",
        "hold_refuse",
        "return",
        "return_reject",
    }
