"""Texts the command centre's pages show for times and clocks."""

from __future__ import annotations

from core.durations import countdown_text


def left_text(seconds: float) -> str:
    """The one countdown wording ("剩 3 小时" / "超时 2 天", ``core.durations``)."""
    return countdown_text(seconds)
