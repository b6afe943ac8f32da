"""Guards other apps may register to veto a transition (checked under the row lock).

``escalation`` registers one that keeps a case from closing while a summons is still open,
without ``cases`` importing ``escalation``. A guard returns a user-facing reason to refuse, or None.
"""

from __future__ import annotations

from collections.abc import Callable

Guard = Callable[..., "str | None"]
_guards: list[Guard] = []


def register_guard(guard: Guard) -> Guard:
    if guard not in _guards:
        _guards.append(guard)
    return guard


def refusal(*, case, action: str, actor, data: dict) -> str | None:
    for guard in _guards:
        reason = guard(case=case, action=action, actor=actor, data=data)
        if reason:
            return reason
    return None


# --- panels other apps add to the case page -----------------------------------------------------------------

#: ``panel(user, case, now) -> {"template": str, ...context} | None`` — e.g. escalation's whistles on the case.
Panel = Callable[..., "dict | None"]
_panels: list[Panel] = []


def register_case_panel(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def case_panels(*, user, case, now) -> list[dict]:
    out = []
    for panel in _panels:
        block = panel(user=user, case=case, now=now)
        if block:
            out.append(block)
    return out
