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
    # └─reject (不予受理, reason)─▶ rejected. From accepted too: HOTLINE.md "The order's life" 2 — "退单: a unit
    # that finds the order is not its duty returns it … The hotline's dispatcher re-dispatches": the street has
    # accepted the 12345 order as its case, and the hotline approving its 退单 ends that case (不予受理 by the
    # hotline's account, interop/services/decisions.py).
    "reject": ({"reported", "accepted"}, "rejected"),
    # accepted ─dispatch (派遣 …)─▶ dispatched
    "dispatch": ({"accepted"}, "dispatched"),
    # dispatched ─sign (签收)─▶ in_progress. From in_progress too: "dispatch (派遣 to a grid team, a centre or
    # department(s))" — each dispatched department signs its own dispatch (GLOSSARY 签收: "the handler confirms
    # it received the case"), the second after the first put the case in progress.
    "sign": ({"dispatched", "in_progress"}, "in_progress"),
    # return (退单): "asked within the return window … accepted → back to the dispatcher" — the request and
    # the refusal leave the status; the accepted return goes back to accepted. From in_progress too: the bound
    # is the window ("asked within the return window", HOTLINE.md "returns it within the return window"), not
    # the signature, and with "department(s)" one department may return while another has signed.
    "return_request": ({"dispatched", "in_progress"}, SAME),
    "return": ({"dispatched", "in_progress"}, "accepted"),
    "return_reject": ({"dispatched", "in_progress"}, SAME),
    # recall (撤回派遣): the same edge "dispatched └─return (退单, reason code)─▶ accepted (back to the dispatcher;
    # counted)" taken by the dispatcher itself (reason code "recalled") — only while dispatched: once a handler
    # signed, the return is the handler's to ask for ("asked by the handler and decided by the level that
    # dispatched").
    "recall": ({"dispatched"}, "accepted"),
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
    # in_progress ◀─ on_hold (挂账, approved) ◀─▶ resume: the handler asks, the dispatcher approves ("the clock
    # pauses from approval") — only in progress, as drawn: a dispatched department that has not signed has no
    # handling clock to pause ("sign (签收: handling clock starts)"); it signs or returns. Issue 10: "a centre
    # may still hold its own case directly" — the case it handles itself: in its queue (accepted) or in
    # progress; a case dispatched and not signed for is the handler's, not the centre's own.
    "hold": ({"accepted", "in_progress"}, "on_hold"),
    "hold_request": ({"in_progress"}, SAME),
    "hold_approve": ({"in_progress"}, "on_hold"),
    "hold_refuse": ({"in_progress"}, SAME),
    "resume": ({"on_hold"}, PREVIOUS),
    # extension (延期: asked before the due time; new due time if approved) — of the handling time limit, whose
    # clock starts at 签收 ("sign (签收: handling clock starts)", HOTLINE.md "The clock starts at 签收"): in
    # progress only; an extension granted before the signature would be wiped when signing restarts the clock.
    "extension_request": ({"in_progress"}, SAME),
    "extension_approve": ({"in_progress"}, SAME),
    "extension_refuse": ({"in_progress"}, SAME),
    # any open status ─merge─▶ merged
    "merge": (OPEN, "merged"),
    # any open status ─escalate─▶ accepted at level+1 — narrower than drawn: a case whose clock runs (DESIGN §5
    # "time on hold (挂账) does not count", so a held case is never overdue; a resolved one waits for 核查, not
    # for a higher level).
    "escalate": (CLOCK, "accepted"),
    # §5: "a higher level puts an overdue case under supervision" (GLOSSARY 督办) — any open case; 吹哨
    # ("street (or community) staff summon departments") by the centre holding a case it accepted or is handling
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
