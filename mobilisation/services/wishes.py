"""微心愿: 群众点单 (a resident posts, through the grid worker or the public page), 社区派单 (the community reviews
and publishes), 党员接单 (a registered member claims, fulfils with a photo), the resident confirms, points.

Each step locks the wish, re-checks its state and the actor, writes the new state and one event. The deadline
lives in the database (``claim_due_at``): ``wishes_return_overdue`` is the sweep that puts a claimed wish not
fulfilled in time back in the pool, set-wise and exactly once (see its docstring).
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from core.images import photo_too_large
from core.roles import is_admin
from core.stored_text import kept
from governance.models import Region, User
from grids.models import Grid

from ..choices import RegistrantKind, RegistrationStatus, TaskType, WishChannel, WishStatus
from ..models import MobilisationEvent, Registration, Wish
from ..permissions import manages_community, works_in_community
from ..selectors import acting_unit, place_q, unit_registration
from .events import RESIDENT, SYSTEM, record
from .notices import wish_returned_notices, wish_warn_notices
from .points import points_award

FULFIL_DAYS_MAX = 60


def warn_time(claimed_at: datetime, due_at: datetime) -> datetime:
    """When the claimer is warned: ``WISH_WARN_HOURS`` before the deadline, but not before half the time has passed
    (a one-day wish is not warned the moment it is claimed)."""
    return max(due_at - timedelta(hours=settings.WISH_WARN_HOURS), claimed_at + (due_at - claimed_at) / 2)


def check_photo(photo) -> ContentFile:
    """The fulfilment photo: required, an image by its content (Pillow), within EVIDENCE_MAX_BYTES."""
    if photo is None:
        raise InvalidInput(_("请上传完成照片"), code="photo")
    content = photo.read()
    if not content:
        raise InvalidInput(_("请上传完成照片"), code="photo")
    if len(content) > settings.EVIDENCE_MAX_BYTES:
        raise InvalidInput(_("照片过大"), code="photo")
    if refusal := photo_too_large(content):  # a decompression bomb too: Pillow would call it "not an image"
        raise InvalidInput(refusal, code="photo")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as img:
            img.verify()
            kind = (img.format or "").lower()
    except Exception:
        raise InvalidInput(_("完成照片必须是图片（JPEG、PNG、GIF 或 WebP）"), code="photo") from None
    if kind not in ("jpeg", "png", "gif", "webp"):
        raise InvalidInput(_("完成照片必须是图片（JPEG、PNG、GIF 或 WebP）"), code="photo")
    # Named by its content hash, like case evidence: the path cannot be guessed from another wish's.
    digest = hashlib.sha256(content).hexdigest()
    return ContentFile(content, name=f"{digest}.{'jpg' if kind == 'jpeg' else kind}")


@transaction.atomic
def wish_submit(
    *,
    actor: User | None,
    community: Region | None,
    title: str,
    description: str,
    resident_name: str,
    resident_phone: str = "",
    resident_address: str = "",
    grid: Grid | None = None,
    fulfil_days: int = 7,
    now: datetime | None = None,
) -> Wish:
    """A resident's wish: ``actor`` None on the public page, else a grid worker of the community (or its staff)."""
    now = now or timezone.now()
    if grid is not None:
        community = grid.community
    if community is None or community.level != "community":
        raise InvalidInput(_("请选择社区"), code="community")
    if actor is not None and not (works_in_community(actor, community) or manages_community(actor, community)):
        raise Forbidden(_("只能为本社区的居民登记心愿"), code="forbidden")
    if not (title or "").strip() or not (description or "").strip() or not (resident_name or "").strip():
        raise InvalidInput(_("心愿、具体说明和居民姓名都必须填写"), code="required")
    if not (1 <= int(fulfil_days) <= FULFIL_DAYS_MAX):
        raise InvalidInput(_("完成期限须在1到60天之间"), code="fulfil_days")
    wish = Wish.objects.create(
        community=community,
        grid=grid,
        title=title.strip()[:100],
        description=description.strip(),
        resident_name=resident_name.strip()[:50],
        resident_phone=(resident_phone or "").strip()[:20],
        resident_address=(resident_address or "").strip()[:200],
        channel=WishChannel.PUBLIC if actor is None else WishChannel.GRID_WORKER,
        fulfil_days=int(fulfil_days),
        created_by=actor,
        created_at=now,
    )
    record(
        subject="wish",
        object_id=wish.pk,
        community_id=community.pk,
        action="submit",
        actor=actor,
        name=None if actor else RESIDENT,
        at=now,
    )
    return wish


def _locked(actor, wish_id: int, *, claimer: bool = False) -> Wish:
    """The wish, locked, when ``actor`` may know of it — else ``NotFound``, exactly as for an id that does not
    exist: the wishes of the actor's communities, and for a claimer (a member or a unit's account) also any wish on
    the public list and the wishes they claimed. A state or a permission is only checked after this, so that a
    409 or 403 never tells about a wish the actor can't see."""
    qs = Wish.objects.select_for_update(of=("self",)).select_related("community").filter(pk=wish_id)
    if not is_admin(actor):
        visible = place_q(actor)
        if claimer:
            visible |= Q(status=WishStatus.PUBLISHED) | Q(claimed_by=actor.pk)
        qs = qs.filter(visible)
    wish = qs.first()
    if wish is None:
        raise NotFound(_("心愿不存在"))
    return wish


def _require(wish: Wish, *states: str) -> None:
    if wish.status not in states:
        raise NotAllowed(_("心愿当前状态为“%(s)s”，不能进行此操作") % {"s": wish.get_status_display()}, code="state")


@transaction.atomic
def wish_review(*, actor: User, wish_id: int, accept: bool, reason: str = "", now: datetime | None = None) -> Wish:
    """The community accepts a submitted wish, or declines it with a reason."""
    now = now or timezone.now()
    wish = _locked(actor, wish_id)
    if not manages_community(actor, wish.community):
        raise Forbidden(_("只有社区工作人员可以审核心愿"), code="forbidden")
    _require(wish, WishStatus.SUBMITTED)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise InvalidInput(_("不予受理须填写原因"), code="reason")
    wish.status = WishStatus.ACCEPTED if accept else WishStatus.DECLINED
    wish.decline_reason = "" if accept else reason[:200]
    wish.save(update_fields=["status", "decline_reason"])
    record(
        subject="wish",
        object_id=wish.pk,
        community_id=wish.community_id,
        action="accept" if accept else "decline",
        actor=actor,
        note=reason,
        at=now,
    )
    return wish


@transaction.atomic
def wish_publish(*, actor: User, wish_id: int, now: datetime | None = None) -> Wish:
    """社区派单: an accepted wish goes on the public list for registered members to claim."""
    now = now or timezone.now()
    wish = _locked(actor, wish_id)
    if not manages_community(actor, wish.community):
        raise Forbidden(_("只有社区工作人员可以发布心愿"), code="forbidden")
    _require(wish, WishStatus.ACCEPTED)
    wish.status = WishStatus.PUBLISHED
    wish.save(update_fields=["status"])
    record(subject="wish", object_id=wish.pk, community_id=wish.community_id, action="publish", actor=actor, at=now)
    return wish


@transaction.atomic
def wish_claim(*, actor: User, wish_id: int, now: datetime | None = None) -> Wish:
    """党员接单: a member confirmed in the wish's community claims it — or a unit's account, as the unit, when the
    unit is confirmed there; the fulfilment deadline starts."""
    now = now or timezone.now()
    wish = _locked(actor, wish_id, claimer=True)
    unit = acting_unit(actor)
    if unit is not None:
        reg = unit_registration(unit, wish.community_id)
        if reg is None:
            raise Forbidden(_("只有在该社区报到并经确认的单位可以认领"), code="not_registered")
    else:
        reg = Registration.objects.filter(
            kind=RegistrantKind.MEMBER, member=actor, community=wish.community_id, status=RegistrationStatus.CONFIRMED
        ).first()
        if reg is None:
            raise Forbidden(_("只有在该社区报到并经确认的党员可以认领"), code="not_registered")
    _require(wish, WishStatus.PUBLISHED)
    wish.status = WishStatus.CLAIMED
    wish.claimed_by, wish.claimed_unit, wish.claimed_at = actor, reg.unit, now
    wish.claim_due_at = now + timedelta(days=wish.fulfil_days)
    wish.claim_warn_at = warn_time(now, wish.claim_due_at)
    wish.save(update_fields=["status", "claimed_by", "claimed_unit", "claimed_at", "claim_due_at", "claim_warn_at"])
    record(
        subject="wish",
        object_id=wish.pk,
        community_id=wish.community_id,
        action="claim",
        actor=actor,
        data={"due": wish.claim_due_at.isoformat(), "unit": reg.unit_id},
        at=now,
    )
    return wish


@transaction.atomic
def wish_fulfil(*, actor: User, wish_id: int, photo, note: str = "", now: datetime | None = None) -> Wish:
    """The member who claimed it reports it fulfilled, with a photo, before the deadline."""
    now = now or timezone.now()
    content = check_photo(photo)
    wish = _locked(actor, wish_id, claimer=True)
    if wish.claimed_by_id != actor.pk:
        raise Forbidden(_("只有认领该心愿的党员可以反馈完成"), code="forbidden")
    _require(wish, WishStatus.CLAIMED)
    if now > wish.claim_due_at:
        raise NotAllowed(_("已超过完成期限，心愿将退回待认领"), code="overdue")
    wish.status = WishStatus.FULFILLED
    wish.fulfilled_at = now
    wish.fulfilment_note = (note or "").strip()
    wish.claim_warn_at = None
    wish.photo.save(content.name, content, save=False)
    wish.save(update_fields=["status", "fulfilled_at", "fulfilment_note", "photo", "claim_warn_at"])
    record(
        subject="wish",
        object_id=wish.pk,
        community_id=wish.community_id,
        action="fulfil",
        actor=actor,
        note=wish.fulfilment_note,
        at=now,
    )
    return wish


@transaction.atomic
def wish_confirm(*, wish_id: int, actor: User | None = None, token: str = "", now: datetime | None = None) -> Wish:
    """The resident confirms (through their private link: ``token``; or the community's staff record the
    resident's confirmation); the claimer gets the street's points for a wish (capped per month)."""
    now = now or timezone.now()
    if actor is not None:
        wish = _locked(actor, wish_id)
    else:
        found = Wish.objects.select_for_update(of=("self",)).select_related("community").filter(pk=wish_id).first()
        if found is None or not token or token != found.follow_up_token:
            raise NotFound(_("心愿不存在"))
        wish = found
    if actor is not None and not manages_community(actor, wish.community):
        raise Forbidden(_("只有居民本人或社区工作人员可以确认"), code="forbidden")
    _require(wish, WishStatus.FULFILLED)
    wish.status = WishStatus.CONFIRMED
    wish.confirmed_at = now
    wish.save(update_fields=["status", "confirmed_at"])
    record(
        subject="wish",
        object_id=wish.pk,
        community_id=wish.community_id,
        action="confirm",
        actor=actor,
        name=None if actor else RESIDENT,
        note="" if actor is None else kept("代居民确认"),
        at=now,
    )
    points_award(
        member=wish.claimed_by,
        community=wish.community,
        unit=wish.claimed_unit,
        task_type=TaskType.WISH,
        actor=actor,
        wish=wish,
        now=now,
    )
    return wish


def wishes_return_overdue(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """The sweep: claimed wishes past ``claim_due_at`` go back to the pool. Returns how many this run returned.

    Per batch, in one transaction:
    1. lock up to ``batch_size`` claimed, overdue wishes (the partial index ``mob_wish_claim_due_idx``),
       ``FOR UPDATE SKIP LOCKED`` — a second sweep running at once takes other rows, never these;
    2. one conditional UPDATE ``SET status = 'published', claimed_by = NULL … WHERE id IN (…) AND status =
       'claimed'`` — a wish fulfilled meanwhile no longer matches;
    3. one bulk INSERT of the "return" events, one per wish;
    4. the notices — to the claimer and the community's staff — through the outbox, in the same transaction
       (``notices.wish_returned_notices``; keyed per wish and deadline, so never written twice).
    A killed run rolls back its batch; the next run finds the same wishes still overdue. On SQLite (no row
    locks) the write transactions are serialised (``BEGIN IMMEDIATE``), which gives the same guarantee.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Wish.objects.select_for_update(skip_locked=True)
                .filter(status=WishStatus.CLAIMED, claim_due_at__lte=now)
                .order_by("claim_due_at", "id")
                .values_list("id", "community_id", "claimed_by_id", "claim_due_at", "title")[:batch_size]
            )
            if not rows:
                return total
            ids = [r[0] for r in rows]
            updated = Wish.objects.filter(id__in=ids, status=WishStatus.CLAIMED).update(
                status=WishStatus.PUBLISHED,
                claimed_by=None,
                claimed_unit=None,
                claimed_at=None,
                claim_due_at=None,
                claim_warn_at=None,
                times_returned=F("times_returned") + 1,
            )
            MobilisationEvent.objects.bulk_create(
                MobilisationEvent(
                    subject="wish",
                    object_id=wid,
                    community_id=cid,
                    action="return",
                    actor=None,
                    actor_name=SYSTEM,
                    note=kept("认领后逾期未完成，退回待认领"),
                    data={"claimed_by": uid, "due": due.isoformat()},
                    at=now,
                )
                for wid, cid, uid, due, _title in rows
            )
            wish_returned_notices([(wid, title, cid, uid, due) for wid, cid, uid, due, title in rows], now=now)
            total += updated
        if len(rows) < batch_size:
            return total


def wishes_warn_due(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """The warning sweep: the claimer of a claimed wish whose ``claim_warn_at`` has come (and whose deadline has
    not yet passed) is told it nears, once per claim. Returns how many this run warned.

    The same design as ``wishes_return_overdue``: per batch, lock the rows (partial index
    ``mob_wish_claim_warn_idx``) ``FOR UPDATE SKIP LOCKED``; one conditional UPDATE clears ``claim_warn_at`` (only
    where it is still set and the wish still claimed); one bulk INSERT of "warn" events; the notices through the
    outbox, keyed per wish and claim. Two sweeps at once warn each claimer exactly once.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Wish.objects.select_for_update(skip_locked=True)
                .filter(status=WishStatus.CLAIMED, claim_warn_at__lte=now, claim_due_at__gt=now)
                .order_by("claim_warn_at", "id")
                .values_list("id", "community_id", "claimed_by_id", "claimed_at", "claim_due_at", "title")[:batch_size]
            )
            if not rows:
                return total
            ids = [r[0] for r in rows]
            total += Wish.objects.filter(id__in=ids, status=WishStatus.CLAIMED, claim_warn_at__isnull=False).update(
                claim_warn_at=None
            )
            MobilisationEvent.objects.bulk_create(
                MobilisationEvent(
                    subject="wish",
                    object_id=wid,
                    community_id=cid,
                    action="warn",
                    actor=None,
                    actor_name=SYSTEM,
                    note=kept("临近完成期限，已提醒认领人"),
                    data={"claimed_by": uid, "due": due.isoformat() if due else None},
                    at=now,
                )
                for wid, cid, uid, _claimed, due, _title in rows
            )
            wish_warn_notices(
                [(wid, title, uid, claimed, due) for wid, _cid, uid, claimed, due, title in rows], now=now
            )
        if len(rows) < batch_size:
            return total
