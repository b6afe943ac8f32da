"""三色研判 of community committees: computed per period from configurable indicators, adjusted only with a reason."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput, NotFound
from governance.models import Region, User

from ..choices import Colour, Indicator
from ..indicators import community_indicators, score
from ..models import TriColourRating, TriColourScheme
from ..periods import period_bounds
from ..permissions import manages_street
from .events import record

DEFAULT_WEIGHTS = {
    Indicator.RESPONSE.value: 10,
    Indicator.COMPLETION.value: 30,
    Indicator.SATISFACTION.value: 30,
    Indicator.ON_TIME.value: 15,
    Indicator.WISHES.value: 10,
    Indicator.VISITS.value: 5,
}


def scheme_of(street_id: int) -> tuple[dict[str, float], Decimal, Decimal]:
    scheme = TriColourScheme.objects.filter(street_id=street_id).first()
    if scheme is None:
        return DEFAULT_WEIGHTS, Decimal(85), Decimal(70)
    return scheme.weights, scheme.blue_min, scheme.yellow_min


def colour_for(value: float, blue_min: Decimal, yellow_min: Decimal) -> str:
    if Decimal(str(value)) >= blue_min:
        return Colour.BLUE
    if Decimal(str(value)) >= yellow_min:
        return Colour.YELLOW
    return Colour.RED


@transaction.atomic
def tricolour_scheme_set(
    *, actor: User, street: Region, weights: dict[str, float], blue_min: Decimal, yellow_min: Decimal
) -> TriColourScheme:
    if street is None or street.level != "street" or not manages_street(actor, street):
        raise Forbidden(_("只有街道工作人员可以设置三色研判方案"), code="forbidden")
    unknown = set(weights) - set(Indicator.values)
    if (
        unknown
        or not weights
        or any(float(w) < 0 for w in weights.values())
        or not sum(float(w) for w in weights.values())
    ):
        raise InvalidInput(_("指标权重只能使用已有指标，且为非负数、合计大于0"), code="weights")
    if not (0 <= Decimal(yellow_min) <= Decimal(blue_min) <= 100):
        raise InvalidInput(_("须满足 0 ≤ 黄色最低分 ≤ 蓝色最低分 ≤ 100"), code="thresholds")
    scheme, _created = TriColourScheme.objects.update_or_create(
        street=street, defaults={"weights": weights, "blue_min": blue_min, "yellow_min": yellow_min}
    )
    record(
        subject="tricolour",
        object_id=scheme.pk,
        community_id=None,
        action="scheme",
        actor=actor,
        data={"street": street.pk, "weights": weights},
    )
    return scheme


@transaction.atomic
def tricolour_compute(
    *, actor: User, community: Region | None, period: str, now: datetime | None = None
) -> TriColourRating:
    """Compute (or recompute) a community's rating for a period. A manual adjustment made earlier is kept (its
    reason still stands) and the event records both colours."""
    now = now or timezone.now()
    if community is None or community.level != "community":
        raise InvalidInput(_("请选择社区"), code="community")
    if not manages_street(actor, community.parent):
        raise Forbidden(_("三色研判由街道进行"), code="forbidden")
    date_from, date_to = period_bounds(period)
    weights, blue_min, yellow_min = scheme_of(community.parent_id)
    indicators = community_indicators(community.pk, date_from, date_to, user=actor)
    value = score(indicators, weights)
    if value is None:
        raise InvalidInput(_("该期间没有可用于研判的指标数据"), code="no_data")
    computed = colour_for(value, blue_min, yellow_min)
    indicators["_weights"] = {k: float(v) for k, v in weights.items()}
    rating = TriColourRating.objects.select_for_update().filter(community=community, period=period.strip()).first()
    if rating is None:
        rating = TriColourRating(community=community, period=period.strip())
    rating.date_from, rating.date_to = date_from, date_to
    rating.indicators, rating.score, rating.computed_colour, rating.computed_at = (
        indicators,
        Decimal(str(value)),
        computed,
        now,
    )
    if not rating.adjustment_reason:
        rating.colour = computed
    rating.save()
    record(
        subject="tricolour",
        object_id=rating.pk,
        community_id=community.pk,
        action="compute",
        actor=actor,
        data={"score": value, "computed": computed, "colour": rating.colour},
        at=now,
    )
    return rating


@transaction.atomic
def tricolour_adjust(
    *, actor: User, rating_id: int, colour: str, reason: str, now: datetime | None = None
) -> TriColourRating:
    """The street changes the colour by hand — only with a reason, and an event keeps both colours."""
    now = now or timezone.now()
    rating = (
        TriColourRating.objects.select_for_update(of=("self",)).select_related("community").filter(pk=rating_id).first()
    )
    if rating is None or not manages_street(actor, rating.community.parent):
        raise NotFound(_("研判记录不存在"))
    reason = (reason or "").strip()
    if colour not in Colour.values:
        raise InvalidInput(_("请选择颜色"), code="colour")
    if not reason:
        raise InvalidInput(_("人工调整研判结果必须填写理由"), code="reason")
    before = rating.colour
    rating.colour = colour
    rating.adjustment_reason = reason[:300] if colour != rating.computed_colour else ""
    rating.adjusted_by = actor
    rating.save(update_fields=["colour", "adjustment_reason", "adjusted_by"])
    record(
        subject="tricolour",
        object_id=rating.pk,
        community_id=rating.community_id,
        action="adjust",
        actor=actor,
        note=reason,
        data={"from": before, "to": colour, "computed": rating.computed_colour},
        at=now,
    )
    return rating
