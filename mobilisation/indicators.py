"""The figures a 三色研判 weighs, read from what the product already holds — one place, so the source of each
is easy to see (and to repoint when the assessment app takes over the 三率).

- 三率 (response, completion, satisfaction) of the community's cases over the period: ``assessment.selectors``
  (the same counts, and the scheme that applies to the community, as the assessment page);
- on-time rate = 1 − the assessment's overdue rate (超期率: due cases resolved late or still open past their
  deadline / due cases);
- wishes fulfilled: of the wishes the community published in the period, the share confirmed fulfilled;
- visit completion (走访完成率): ``residents.selectors.visit_completion`` — visits done on time ÷ visits that were
  due in the period for the community's grids, counting the plans the person computing may count (a category
  hidden from them leaves no trace); with nothing due the indicator has no value and drops out of the score.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from residents.selectors import visit_completion

from .choices import Indicator
from .selectors import wish_counts


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def community_indicators(community_id: int, date_from: date, date_to: date, *, user: Any = None) -> dict[str, dict]:
    """``{indicator: {"value": float | None, "num": int, "den": int}}`` for one community and period; ``user`` (who
    computes) scopes the visit figure to the plans they may count (None: every plan)."""
    from assessment.selectors import Period, rates_for, scheme_applying_to, standard_indicators, totals
    from cases.models import Case
    from cases.selectors import Scope
    from governance.models import Region

    period = Period(date_from, date_to)
    scope = Scope(Case.objects.filter(community_id=community_id), {"community_id": community_id})
    counts = totals(scope, period)
    rates = rates_for(counts, scheme_applying_to(Region.objects.get(pk=community_id)))
    out: dict[str, dict] = {
        Indicator.RESPONSE: {"value": rates.response, "num": counts.responded, "den": counts.received},
        Indicator.COMPLETION: {"value": rates.completion, "num": counts.completed, "den": counts.due},
        Indicator.SATISFACTION: {
            "value": rates.satisfaction,
            "num": counts.satisfied,
            "den": counts.rated,
            "basic": counts.basic,
        },
    }
    standard = standard_indicators(scope, period)
    due, overdue = standard.counts["due"], standard.counts["overdue"]
    out[Indicator.ON_TIME] = {"value": _ratio(due - overdue, due), "num": due - overdue, "den": due}
    wishes = wish_counts(community_ids=[community_id], date_from=date_from, date_to=date_to)[community_id]
    out[Indicator.WISHES] = {
        "value": _ratio(wishes["fulfilled"], wishes["published"]),
        "num": wishes["fulfilled"],
        "den": wishes["published"],
    }
    visits = visit_completion(community_id=community_id, date_from=date_from, date_to=date_to, user=user)
    done, due = visits if visits is not None else (0, 0)
    out[Indicator.VISITS] = {"value": _ratio(done, due), "num": done, "den": due}
    return {str(k): v for k, v in out.items()}


def score(indicators: dict[str, dict], weights: dict[str, float]) -> float | None:
    """Weighted mean (0–100) of the indicators that have a value; weights of the missing ones drop out."""
    parts = [
        (float(w), indicators[k]["value"])
        for k, w in weights.items()
        if k in indicators and indicators[k]["value"] is not None and float(w) > 0
    ]
    total = sum(w for w, _v in parts)
    if not parts or not total:
        return None
    return round(100 * sum(w * v for w, v in parts) / total, 1)
