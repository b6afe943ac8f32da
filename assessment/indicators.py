"""The one list of what the assessment measures: the scored indicators (the 三率, weighted into the composite
by a scheme), the 数字城管 indicators (shown beside them, not weighted) and the steps whose durations are
averaged — and the arithmetic that turns raw counts into rates under a scheme.

Nothing here touches the database: ``Counts`` are the raw integers the selectors count in SQL (and the
exports write out beside every rate), ``Scheme`` is the value a stored ``models.WeightScheme`` is read into,
and ``rates_for(counts, scheme)`` is the whole formula. Because rates are always recomputed from the raw
counts, changing a scheme in the admin changes every score on the next read; nothing is cached.

Adding a scored indicator (e.g. a 重办率 or the hotline's 三率):

1. add its raw counts to ``Counts`` (and their labels to ``COUNT_LABELS``: the exports' columns) and count
   them in ``selectors`` (``_case_counts`` / ``_rating_row_counts``, and the department sources);
2. add one ``ScoredIndicator`` to ``SCORED_INDICATORS`` (``higher_is_better=False`` for a rate where less is
   better: the composite then scores it as ``1 − rate``);
3. give it a weight in the schemes that should count it (admin, or a data migration) — a scheme without a
   weight for it simply does not count it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# --- raw counts ----------------------------------------------------------------------------------------


@dataclass
class Counts:
    """The raw counts of one row (``selectors`` says which date each one uses)."""

    received: int = 0
    responded: int = 0
    due: int = 0
    completed: int = 0
    rated: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0

    def add(self, other: Counts | dict[str, Any]) -> Counts:
        mine = self.__dict__
        theirs = other.__dict__ if isinstance(other, Counts) else other
        for name in COUNT_NAMES:
            value = theirs.get(name)
            if value:
                mine[name] += int(value)
        return self

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in COUNT_NAMES)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNT_NAMES}


#: The names of the raw counts, in order (read once: ``dataclasses.fields`` per call was a page's hot spot).
COUNT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Counts))


#: Labels of the raw counts (exports, the API's documentation).
COUNT_LABELS = {
    "received": gettext_lazy("受理数"),
    "responded": gettext_lazy("按时响应数"),
    "due": gettext_lazy("应办结数"),
    "completed": gettext_lazy("办结数"),
    "rated": gettext_lazy("评价数"),
    "satisfied": gettext_lazy("满意"),
    "basic": gettext_lazy("基本满意"),
    "unsatisfied": gettext_lazy("不满意"),
}


# --- schemes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    """A weighting, as read from a ``models.WeightScheme``: the counted indicators' weights (relative: the
    composite divides by their sum) and the credit a "basically satisfied" rating earns (0–1)."""

    name: str
    label: str
    weights: dict[str, float]
    basic_weight: float

    def shares(self) -> dict[str, float]:
        """Each counted indicator's share of the composite (weights over their sum), in list order."""
        total = sum(self.weights.values())
        return {key: (w / total if total else 0.0) for key, w in self.weights.items()}


# --- the scored indicators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredIndicator:
    """A rate computed per row from ``Counts``: ``numerator(counts, scheme) / counts.<denominator>``."""

    key: str
    label: Promise
    numerator: Callable[[Counts, Scheme], float]
    denominator: str
    higher_is_better: bool = True

    def rate(self, counts: Counts, scheme: Scheme) -> float | None:
        den = getattr(counts, self.denominator)
        return self.numerator(counts, scheme) / den if den else None

    def score(self, rate: float) -> float:
        return rate if self.higher_is_better else 1 - rate


#: The indicators a scheme can weigh into the composite, in the order pages and exports show them.
SCORED_INDICATORS: list[ScoredIndicator] = [
    ScoredIndicator("response", gettext_lazy("响应率"), lambda c, s: c.responded, "received"),
    ScoredIndicator("completion", gettext_lazy("办结率"), lambda c, s: c.completed, "due"),
    ScoredIndicator(
        "satisfaction", gettext_lazy("满意率"), lambda c, s: c.satisfied + s.basic_weight * c.basic, "rated"
    ),
]
SCORED_BY_KEY = {i.key: i for i in SCORED_INDICATORS}


def scored_indicator_choices() -> list[tuple[str, Promise]]:
    """Choices of ``models.SchemeWeight.indicator`` (a callable, so a new indicator needs no migration)."""
    return [(i.key, i.label) for i in SCORED_INDICATORS]


@dataclass
class Rates:
    """The scored indicators' rates of one row (``None`` where the denominator is 0) and the composite.

    ``rates.response`` reads one rate by its key (templates and tests use them by name)."""

    values: dict[str, float | None]
    composite: float | None = None

    def __getattr__(self, name: str) -> float | None:
        values = self.__dict__.get("values")
        if values is not None and name in values:
            return values[name]
        raise AttributeError(name)


def rates_for(counts: Counts, scheme: Scheme) -> Rates:
    """Every scored indicator's rate, and the composite under ``scheme``.

    The composite is the weighted mean of the scores of the counted indicators whose rate exists (weights
    renormalised over those: a grid with nothing rated is judged on the other two), ``None`` when none exists.
    """
    values = {i.key: i.rate(counts, scheme) for i in SCORED_INDICATORS}
    parts: list[tuple[float, float]] = []
    for key, w in scheme.weights.items():
        rate = values.get(key)
        if key in SCORED_BY_KEY and rate is not None:
            parts.append((w, SCORED_BY_KEY[key].score(rate)))
    weight = sum(w for w, _score in parts)
    composite = sum(w * score for w, score in parts) / weight if parts and weight else None
    return Rates(values, composite)


# --- the 数字城管 indicators (shown, not weighted) ------------------------------------------------------------

#: The standard indicators of the scope, in display order (computed by ``selectors.standard_indicators``).
STANDARD_INDICATORS = {
    "on_time_closure": gettext_lazy("按期结案率"),
    "on_time_handling": gettext_lazy("及时处置率"),
    "rework": gettext_lazy("返工率"),
    "reopen": gettext_lazy("重办率"),
    "correct_dispatch": gettext_lazy("准确派遣率"),
    "extension": gettext_lazy("延期率"),
    "overdue": gettext_lazy("超期率"),
}

#: The steps whose average duration is reported: (key, label, later timestamp, earlier timestamp).
DURATION_STEPS = [
    ("report_accept", gettext_lazy("上报→受理"), "accepted_at", "reported_at"),
    ("accept_dispatch", gettext_lazy("受理→派遣"), "dispatched_at", "accepted_at"),
    ("dispatch_sign", gettext_lazy("派遣→签收"), "signed_at", "dispatched_at"),
    ("sign_resolve", gettext_lazy("签收→处置"), "resolved_at", "signed_at"),
    ("resolve_close", gettext_lazy("处置→结案"), "closed_at", "resolved_at"),
]


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"
