"""大党委/大工委: member units' duty lists (责任清单), their period reports (履职述职), and 民主测评 by named raters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from governance.models import Region, User

from ..choices import RATING_SCORE, AppraisalStatus, Rating, UnitKind
from ..models import Appraisal, AppraisalVote, DutyItem, DutyReport, RegisteredUnit
from ..periods import period_bounds
from ..permissions import manages_community
from ..selectors import acting_unit
from .events import record


def _place(place: Region | None) -> Region:
    if place is None or place.level not in ("community", "street"):
        raise InvalidInput(_("请选择社区（大党委）或街道（大工委）"), code="place")
    return place


def _member_unit(unit: RegisteredUnit | None) -> RegisteredUnit:
    if unit is None or unit.kind != UnitKind.COMMITTEE_MEMBER:
        raise InvalidInput(_("请选择大党委成员单位"), code="unit")
    return unit


@transaction.atomic
def duty_add(
    *, actor: User, unit: RegisteredUnit | None, place: Region | None, title: str, detail: str = ""
) -> DutyItem:
    place, unit = _place(place), _member_unit(unit)
    if not manages_community(actor, place):
        raise Forbidden(_("只有社区或街道工作人员可以维护责任清单"), code="forbidden")
    if not (title or "").strip():
        raise InvalidInput(_("请填写责任事项"), code="title")
    item = DutyItem.objects.create(unit=unit, community=place, title=title.strip()[:200], detail=(detail or "").strip())
    record(subject="duty", object_id=item.pk, community_id=place.pk, action="add", actor=actor, data={"unit": unit.pk})
    return item


@transaction.atomic
def duty_report_submit(
    *,
    actor: User,
    unit: RegisteredUnit | None,
    place: Region | None,
    period: str,
    text: str,
    items: dict[str, str] | None = None,
    now: datetime | None = None,
) -> DutyReport:
    """A member unit's report for a period, once per period: submitted by the unit itself (its account, for a place
    where it holds duties) or entered by the community or street staff. ``items`` maps duty item ids to what was
    done about each; every id must be one of the unit's active duties there."""
    now = now or timezone.now()
    place, unit = _place(place), _member_unit(unit)
    period_bounds(period)
    own = acting_unit(actor)
    if own is not None:
        if own.pk != unit.pk:
            raise Forbidden(_("只能为本单位述职"), code="forbidden")
        if not DutyItem.objects.filter(unit=unit, community=place, active=True).exists():
            raise InvalidInput(_("本单位在该社区/街道没有责任清单"), code="place")
    elif not manages_community(actor, place):
        raise Forbidden(_("只有社区或街道工作人员可以登记述职"), code="forbidden")
    if not (text or "").strip():
        raise InvalidInput(_("请填写述职内容"), code="text")
    items = {str(k): str(v).strip() for k, v in (items or {}).items() if str(v).strip()}
    duty_ids = {
        str(i) for i in DutyItem.objects.filter(unit=unit, community=place, active=True).values_list("id", flat=True)
    }
    if set(items) - duty_ids:
        raise InvalidInput(_("逐项履职情况只能对应该单位的责任清单事项"), code="items")
    try:
        with transaction.atomic():
            report = DutyReport.objects.create(
                unit=unit,
                community=place,
                period=period.strip(),
                text=text.strip(),
                items=items,
                submitted_by=actor,
                submitted_at=now,
            )
    except IntegrityError:
        raise NotAllowed(_("该单位本期已述职"), code="duplicate") from None
    record(
        subject="report",
        object_id=report.pk,
        community_id=place.pk,
        action="submit",
        actor=actor,
        data={"unit": unit.pk, "period": report.period},
        at=now,
    )
    return report


@transaction.atomic
def appraisal_open(
    *,
    actor: User,
    unit: RegisteredUnit | None,
    place: Region | None,
    period: str,
    raters: list[User],
    now: datetime | None = None,
) -> Appraisal:
    """Open a 民主测评 of a member unit for a period with its named raters (each gets one vote)."""
    now = now or timezone.now()
    place, unit = _place(place), _member_unit(unit)
    period_bounds(period)
    if not manages_community(actor, place):
        raise Forbidden(_("只有社区或街道工作人员可以组织民主测评"), code="forbidden")
    raters = list({r.pk: r for r in raters}.values())
    if len(raters) < 3:
        raise InvalidInput(_("民主测评至少需要3名测评人"), code="raters")
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(
                unit=unit, community=place, period=period.strip(), opened_by=actor, opened_at=now
            )
    except IntegrityError:
        raise NotAllowed(_("该单位本期已有民主测评"), code="duplicate") from None
    AppraisalVote.objects.bulk_create(AppraisalVote(appraisal=appraisal, rater=r) for r in raters)
    record(
        subject="appraisal",
        object_id=appraisal.pk,
        community_id=place.pk,
        action="open",
        actor=actor,
        data={"unit": unit.pk, "period": appraisal.period, "raters": [r.pk for r in raters]},
        at=now,
    )
    return appraisal


@transaction.atomic
def appraisal_rate(
    *, actor: User, appraisal_id: int, rating: str, comment: str = "", now: datetime | None = None
) -> AppraisalVote:
    """A named rater rates, once. The vote row is locked, so a double click cannot rate twice."""
    now = now or timezone.now()
    vote = (
        AppraisalVote.objects.select_for_update(of=("self",))
        .select_related("appraisal")
        .filter(appraisal_id=appraisal_id, rater=actor)
        .first()
    )
    if vote is None:
        raise NotFound(_("您不是该测评的测评人"))
    if vote.appraisal.status != AppraisalStatus.OPEN:
        raise NotAllowed(_("测评已结束"), code="state")
    if vote.rating:
        raise NotAllowed(_("您已参加过该测评"), code="duplicate")
    if rating not in Rating.values:
        raise InvalidInput(_("请选择评价等次"), code="rating")
    vote.rating, vote.comment, vote.rated_at = rating, (comment or "").strip()[:300], now
    vote.save(update_fields=["rating", "comment", "rated_at"])
    record(
        subject="appraisal",
        object_id=vote.appraisal_id,
        community_id=vote.appraisal.community_id,
        action="rate",
        actor=actor,
        at=now,
    )
    return vote


def appraisal_score(counts: dict[str, int]) -> Decimal | None:
    """The result: the raters' average score (好 100, 较好 80, 一般 60, 差 0), one decimal; None without votes."""
    n = sum(counts.values())
    if not n:
        return None
    total = sum(RATING_SCORE[Rating(k)] * v for k, v in counts.items())
    return (Decimal(total) / Decimal(n)).quantize(Decimal("0.1"))


@transaction.atomic
def appraisal_close(*, actor: User, appraisal_id: int, now: datetime | None = None) -> Appraisal:
    """Close the appraisal and keep its result (counts per grade and the score) for the period."""
    now = now or timezone.now()
    appraisal = (
        Appraisal.objects.select_for_update(of=("self",)).select_related("community").filter(pk=appraisal_id).first()
    )
    if appraisal is None or not manages_community(actor, appraisal.community):
        raise NotFound(_("测评不存在"))
    if appraisal.status != AppraisalStatus.OPEN:
        raise NotAllowed(_("测评已结束"), code="state")
    counts = {r.value: 0 for r in Rating}
    for rating in appraisal.votes.exclude(rating="").values_list("rating", flat=True):
        counts[rating] += 1
    if not sum(counts.values()):
        raise NotAllowed(_("还没有测评人评价，不能结束"), code="empty")
    appraisal.result_counts = counts
    appraisal.result_score = appraisal_score(counts)
    appraisal.status, appraisal.closed_at = AppraisalStatus.CLOSED, now
    appraisal.save(update_fields=["result_counts", "result_score", "status", "closed_at"])
    record(
        subject="appraisal",
        object_id=appraisal.pk,
        community_id=appraisal.community_id,
        action="close",
        actor=actor,
        data={"counts": counts, "score": str(appraisal.result_score)},
        at=now,
    )
    return appraisal
