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
