"""Writes of the residents app. Every function: keyword-only arguments, one transaction, a clear error on bad input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotAllowed, NotFound, TooMany
from core.masking import mask_phone
from core.stored_text import source_language
from grids.models import Grid, GridAssignment
from grids.selectors import grids_worked_by

from . import selectors
from .choices import AccessChannel, AccessSubject, DiaryTopic, HouseUse, Light, Mood, PopulationKind, ResidentStatus
from .crypto import blind_index, decrypt, encrypt
from .identity import (
    InvalidIdNumber,
    birth_date_of,
    mask_id_number,
    normalise_id_number,
    sex_of,
    validate_id_number,
    validate_phone,
)
from .models import (
    AccessLog,
    Building,
    Compound,
    DiaryEntry,
    House,
    ImportJob,
    Resident,
    ResidentTag,
    TagCategory,
    Visit,
    VisitPlan,
)
from .signals import permits_expiring, visit_plans_turned
from .validators import validate_birth_date, validate_permit_dates, validate_visit_date
from .visibility import SEAT_AUDIENCE, Reach, may_write_in_grid, reach_of

PATH_MAX = AccessLog._meta.get_field("path").max_length


def _check_vocabulary(*, subject: str, channel: str) -> None:
    if subject not in AccessSubject.values:
        raise ValueError(f"unknown access-log subject {subject!r}; one of {AccessSubject.values}")
    if channel not in AccessChannel.values:
        raise ValueError(f"unknown access-log channel {channel!r}; one of {AccessChannel.values}")


def _loggable_path(path: str) -> str:
    """The page or endpoint as the log keeps it: a whole ID number or phone in its query string (a search by
    number) is blanked out — the log says who searched and whom it matched, and never holds the number itself."""
    path = path or ""
    base, sep, query = path.partition("?")
    if sep:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(selectors.exact_search_kind(value) for _key, value in pairs):
            query = urlencode([(k, "*" if selectors.exact_search_kind(v) else v) for k, v in pairs], safe="*")
            path = f"{base}?{query}"
    return path[:PATH_MAX]


def _who(user: Any) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, user.get_username()


def access_log_record(
    *,
    user: Any,
    subject: str,
    object_id: str | int,
    channel: str,
    path: str = "",
    case_id: int | None = None,
    street_id: int | None = None,
) -> AccessLog:
    """Write one access-log row: ``user`` read ``subject`` #``object_id`` through ``channel`` at ``path``.

    ``user`` may be None or anonymous (e.g. an Open311 client): the row then has no user and no
    username. Unknown ``subject`` or ``channel`` raises ValueError and writes nothing.
    """
    _check_vocabulary(subject=subject, channel=channel)
    user_id, username = _who(user)
    return AccessLog.objects.create(
        user_id=user_id,
        username=username,
        subject=subject,
        object_id=str(object_id),
        channel=channel,
        path=_loggable_path(path),
        case_id=case_id,
        street_id=street_id,
    )


#: The access-log subjects of a search by a whole number (rationed per hour by ``exact_search_admit``).
EXACT_SEARCH_SUBJECTS = {"id_number": AccessSubject.ID_NUMBER_SEARCH, "phone": AccessSubject.PHONE_SEARCH}


def exact_search_admit(*, user: Any, text: str, channel: str, path: str = "") -> None:
    """Log a search by a full ID number or phone number, or refuse it past the hour's ration.

    Such a search tells whether the number belongs to someone the user may see — with the masked number's area
    and last four digits and the birth year on the page, a few hundred guesses rebuild a number. So each one is
    a logged read of personal data (who, when, where, whether and whom it matched — never the number itself),
    and a user may run ``RESIDENTS_EXACT_SEARCHES_PER_HOUR`` of them in any hour: past that ``TooMany`` is
    raised before anything is matched or logged. The log is the count (append-only, shared by every process);
    two searches at the very same moment may both take the last one. Name searches pass untouched.
    """
    kind = selectors.exact_search_kind(text)
    if kind is None:
        return
    now = timezone.now()
    limit = max(int(settings.RESIDENTS_EXACT_SEARCHES_PER_HOUR), 0)
    user_id, _username = _who(user)
    recent = AccessLog.objects.filter(
        user=user_id, subject__in=EXACT_SEARCH_SUBJECTS.values(), at__gt=now - timedelta(hours=1)
    )
    if recent[: limit or 1].count() >= limit:
        oldest = recent.order_by("at").values_list("at", flat=True).first() or now
        raise TooMany(
            _("一小时内按身份证号或电话号码查找最多 %(n)s 次，请在 %(time)s 之后再查；按姓名查找不受限制")
            % {"n": limit, "time": timezone.localtime(oldest + timedelta(hours=1)).strftime("%H:%M")},
            code="exact_search_limit",
        )
    matched = list(selectors.search_residents(user=user, text=text).values_list("pk", "grid__community__parent_id")[:5])
    access_log_record(
        user=user,
        subject=EXACT_SEARCH_SUBJECTS[kind],
        object_id=",".join(str(pk) for pk, _street in matched) or "-",
        channel=channel,
        path=path,
        street_id=matched[0][1] if matched else _street_of(user),
    )


def _street_of(user: Any) -> int | None:
    """The street a searcher works in (for the street's own log): their centre's, or their first grid's."""
    region = getattr(user, "region", None)
    if region is not None:
        if region.level == "street":
            return region.pk
        return region.parent_id if region.level == "community" else None
    grid = grids_worked_by(user).select_related("community").first() if getattr(user, "pk", None) else None
    return grid.community.parent_id if grid is not None else None


def access_log_record_many(
    *,
    user: Any,
    subject: str,
    rows: Iterable[Mapping[str, Any] | str | int],
    channel: str,
    path: str = "",
) -> int:
    """Write one row per item of ``rows`` in one bulk insert (for exports and lists of many people).

    Each item is an object id, or a mapping with ``object_id`` and optionally ``case_id`` and
    ``street_id``. Returns the number of rows written. Bad vocabulary or an item without an
    ``object_id`` raises ValueError and writes nothing.
    """
    _check_vocabulary(subject=subject, channel=channel)
    user_id, username = _who(user)
    path = _loggable_path(path)
    objs = []
    for item in rows:
        if isinstance(item, Mapping):
            if item.get("object_id") in (None, ""):
                raise ValueError("every access-log row needs an object_id")
            object_id, case_id, street_id = item["object_id"], item.get("case_id"), item.get("street_id")
        else:
            object_id, case_id, street_id = item, None, None
        objs.append(
            AccessLog(
                user_id=user_id,
                username=username,
                subject=subject,
                object_id=str(object_id),
                channel=channel,
                path=path,
                case_id=case_id,
                street_id=street_id,
            )
        )
    AccessLog.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


# --- People, places, tags, visits, diary -------------------------------------------------------------


def _reach_and_check(actor: Any, grid: Grid) -> Reach:
    reach = reach_of(actor)
    if not may_write_in_grid(reach, grid_id=grid.id, community_id=grid.community_id):
        raise NotFound(_("没有找到该网格"), code="grid")
    return reach


def _full_clean(obj: models.Model) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise InvalidInput(messages, code="invalid") from exc


@transaction.atomic
def building_create(
    *,
    actor: Any,
    grid: Grid,
    name: str,
    address: str,
    floors: int = 1,
    units: int = 1,
    compound: Compound | None = None,
    lat: float | None = None,
    lng: float | None = None,
) -> Building:
    """A building in ``grid`` (the actor must work in or oversee it)."""
    _reach_and_check(actor, grid)
    if compound is not None and compound.community_id != grid.community_id:
        raise InvalidInput(_("小区不在该网格所属社区"), code="compound")
    building = Building(
        grid=grid,
        compound=compound,
        name=(name or "").strip(),
        address=(address or "").strip(),
        floors=floors,
        units=units,
        lat=lat,
        lng=lng,
    )
    _full_clean(building)
    building.save()
    return building


@transaction.atomic
def house_create(
    *,
    actor: Any,
    grid: Grid | None = None,
    building: Building | None = None,
    unit: int = 1,
    floor: int = 1,
    number: str,
    address: str = "",
    use: str = HouseUse.OWNER,
    lat: float | None = None,
    lng: float | None = None,
) -> House:
    """A home: in ``building`` (its grid is the building's) or standing alone in ``grid``."""
    if building is not None:
        if grid is not None and grid.id != building.grid_id:
            raise InvalidInput(_("房屋的网格必须与楼栋一致"), code="grid")
        grid = building.grid
        address = address or building.house_address(unit, number)
    if grid is None:
        raise InvalidInput(_("房屋必须属于一个网格"), code="grid")
    _reach_and_check(actor, grid)
    if use not in HouseUse.values:
        raise InvalidInput(_("未知的房屋用途"), code="use")
    house = House(
        grid=grid,
        building=building,
        unit=unit,
        floor=floor,
        number=str(number).strip(),
        address=(address or "").strip(),
        use=use,
        lat=lat,
        lng=lng,
    )
    _full_clean(house)
    house.save()
    return house


BUILDING_FIELDS = {"grid", "compound", "name", "address", "floors", "units", "lat", "lng"}
HOUSE_FIELDS = {"grid", "building", "unit", "floor", "number", "address", "use", "lat", "lng"}


@transaction.atomic
def building_update(*, actor: Any, building: Building, **fields: Any) -> Building:
    """Change a building (admin, pages). Its grid changes only while it has no homes (homes and their people
    belong to the grid; moving them is a re-registration, not an edit)."""
    unknown = set(fields) - BUILDING_FIELDS
    if unknown:
        raise InvalidInput(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))}, code="fields")
    building = Building.objects.select_for_update().get(pk=building.pk)
    _reach_and_check(actor, building.grid)
    grid = fields.get("grid", building.grid)
    if grid.id != building.grid_id:
        _reach_and_check(actor, grid)
        if building.houses.exists():
            raise NotAllowed(_("楼栋已有房屋，不能改到其他网格"), code="grid")
    compound = fields.get("compound", building.compound)
    if compound is not None and compound.community_id != grid.community_id:
        raise InvalidInput(_("小区不在该网格所属社区"), code="compound")
    for name, value in fields.items():
        setattr(building, name, value.strip() if isinstance(value, str) else value)
    _full_clean(building)
    building.save()
    return building


@transaction.atomic
def house_update(*, actor: Any, house: House, **fields: Any) -> House:
    """Change a home. It stays in its building's grid; its grid changes only while nobody lives there."""
    unknown = set(fields) - HOUSE_FIELDS
    if unknown:
        raise InvalidInput(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))}, code="fields")
    house = House.objects.select_for_update().get(pk=house.pk)
    _reach_and_check(actor, house.grid)
    building = fields.get("building", house.building)
    grid = building.grid if building is not None else fields.get("grid", house.grid)
    if building is not None and "grid" in fields and fields["grid"] is not None and fields["grid"].id != grid.id:
        raise InvalidInput(_("房屋的网格必须与楼栋一致"), code="grid")
    if grid.id != house.grid_id:
        _reach_and_check(actor, grid)
        if house.residents.filter(status=ResidentStatus.LIVING).exists():
            raise NotAllowed(_("房屋内有在住人员，不能改到其他网格"), code="grid")
    if fields.get("use", house.use) not in HouseUse.values:
        raise InvalidInput(_("未知的房屋用途"), code="use")
    for name, value in fields.items():
        setattr(house, name, value.strip() if isinstance(value, str) else value)
    house.grid = grid
    _full_clean(house)
    house.save()
    return house


def _identity_fields(id_number: str, phone: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if id_number is not None:
        number = ""
        if id_number.strip():
            try:
                number = validate_id_number(id_number)
            except InvalidIdNumber as exc:
                raise InvalidInput(_(str(exc)), code="id_number") from exc
        out |= {
            "id_number_enc": encrypt(number),
            "id_number_hmac": blind_index(number),
            "id_number_masked": mask_id_number(number),
        }
    if phone is not None:
        try:
            p = validate_phone(phone)
        except ValueError as exc:
            raise InvalidInput(_(str(exc)), code="phone") from exc
        out |= {"phone_enc": encrypt(p), "phone_hmac": blind_index(p), "phone_masked": mask_phone(p)}
    return out


RESIDENT_FIELDS = {
    "name",
    "former_name",
    "sex",
    "birth_date",
    "ethnicity",
    "kind",
    "hukou_place",
    "hukou_address",
    "household_number",
    "relation",
    "hukou_matches",
    "inflow_reason",
    "permit_type",
    "registered_on",
    "permit_expires_on",
    "residence_type",
    "key_attention",
    "native_place",
    "marital_status",
    "political_status",
    "education",
    "occupation",
    "employer",
}


def _check_resident_dates(resident: Resident) -> None:
    """The date rules of ``residents.validators`` (a birth date taken from the ID number too), refused with the
    field's name as the code."""
    try:
        validate_birth_date(resident.birth_date)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="birth_date") from exc
    try:
        validate_permit_dates(resident.registered_on, resident.permit_expires_on)
    except ValidationError as exc:
        field = "registered_on" if (exc.code or "").startswith("registered_on") else "permit_expires_on"
        raise InvalidInput(exc.messages[0], code=field) from exc


@transaction.atomic
def resident_save(
    *,
    actor: Any,
    resident: Resident | None = None,
    house: House | None = None,
    grid: Grid | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    **fields: Any,
) -> Resident:
    """Create (``resident`` None) or update a person. The grid follows the house; the ID number is checked
    (GB 11643), and birth date and sex are taken from it when not given (and must agree when given).
    ID number and phone are stored encrypted with their keyed hash and masked form.
    """
    unknown = set(fields) - RESIDENT_FIELDS
    if unknown:
        raise InvalidInput(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))}, code="fields")
    creating = resident is None
    resident = resident or Resident()
    if house is not None:
        grid = house.grid
    grid = grid or (resident.grid if resident.grid_id else None)
    if grid is None:
        raise InvalidInput(_("请选择现住房屋或网格"), code="grid")
    _reach_and_check(actor, grid)
    if not creating:
        _reach_and_check(actor, Resident.objects.select_related("grid").get(pk=resident.pk).grid)
    for key, value in fields.items():
        setattr(resident, key, value)
    resident.grid = grid
    if house is not None:
        resident.house = house
    identity = _identity_fields(id_number, phone)
    for key, value in identity.items():
        setattr(resident, key, value)
    if id_number:
        number = normalise_id_number(id_number)
        born, sex = birth_date_of(number), sex_of(number)
        if resident.birth_date and resident.birth_date != born:
            raise InvalidInput(_("出生日期与公民身份号码不一致"), code="birth_date")
        if resident.sex and resident.sex != sex:
            raise InvalidInput(_("性别与公民身份号码不一致"), code="sex")
        resident.birth_date, resident.sex = born, sex
        clash = Resident.objects.filter(id_number_hmac=identity["id_number_hmac"]).exclude(pk=resident.pk)
        if clash.exists():
            raise InvalidInput(_("该公民身份号码已登记"), code="id_number_taken")
    if resident.kind != PopulationKind.FLOATING:
        resident.inflow_reason = resident.permit_type = resident.residence_type = ""
        resident.registered_on = resident.permit_expires_on = None
    _check_resident_dates(resident)
    _full_clean(resident)
    resident.save()
    return resident


@transaction.atomic
def resident_move_away(*, actor: Any, resident: Resident, moved_away_on: date) -> Resident:
    """Mark a person as moved away (their visit plans end; retention anonymises them later)."""
    _reach_and_check(actor, resident.grid)
    Resident.objects.filter(pk=resident.pk).update(
        status=ResidentStatus.MOVED_AWAY, moved_away_on=moved_away_on, house=None
    )
    VisitPlan.objects.filter(resident=resident, active=True).update(active=False, ended_on=moved_away_on)
    resident.refresh_from_db()
    return resident


def _plan_dates(due_on: date, red_after_days: int) -> dict[str, date]:
    return {
        "due_on": due_on,
        "yellow_on": due_on + timedelta(days=1),
        "red_on": due_on + timedelta(days=red_after_days),
    }


@transaction.atomic
def tag_add(
    *,
    actor: Any,
    resident: Resident,
    category: TagCategory,
    since: date | None = None,
    note: str = "",
    first_visit_on: date | None = None,
) -> ResidentTag:
    """Tag a person with a category the actor may see on that grid, and plan their visits from its frequency
    (first visit due ``first_visit_on`` or today)."""
    reach = _reach_and_check(actor, resident.grid)
    if not category.active:
        raise InvalidInput(_("该类别已停用"), code="category")
    if not reach.everything and category.id not in categories_on_grid(reach, resident.grid):
        raise InvalidInput(_("您无权使用该类别"), code="category")
    if ResidentTag.objects.filter(resident=resident, category=category, ended_on__isnull=True).exists():
        raise NotAllowed(_("该人员已有此标签"), code="duplicate")
    tag = ResidentTag.objects.create(
        resident=resident,
        category=category,
        since=since or timezone.localdate(),
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    VisitPlan.objects.create(
        resident=resident,
        tag=tag,
        grid=resident.grid,
        reason=category.name,
        every_days=category.visit_every_days,
        **_plan_dates(first_visit_on or timezone.localdate(), category.red_after_days),
    )
    return tag


def categories_on_grid(reach: Reach, grid: Grid) -> set[int]:
    ids: set[int] = set()
    for a in reach.seats.get(grid.id, set()):
        ids.update(reach.category_ids_for(a))
    if grid.community_id in reach.community_ids and reach.centre_audience:
        ids.update(reach.category_ids_for(reach.centre_audience))
    return ids


def resident_identity_reveal(*, user: Any, resident: Resident, channel: str, path: str = "") -> dict[str, str]:
    """The full ID number and phone of ``resident``, written to the access log first (the caller has checked
    ``may_reveal_identity``). Returns {"id_number": …, "phone": …}."""
    access_log_record(
        user=user,
        subject=AccessSubject.RESIDENT_IDENTITY,
        object_id=resident.pk,
        channel=channel,
        path=path,
        street_id=resident.grid.community.parent_id,
    )
    return {"id_number": decrypt(resident.id_number_enc), "phone": decrypt(resident.phone_enc)}


@transaction.atomic
def tag_end(*, actor: Any, tag: ResidentTag, ended_on: date | None = None) -> ResidentTag:
    reach = _reach_and_check(actor, tag.resident.grid)
    if not reach.everything and tag.category_id not in categories_on_grid(reach, tag.resident.grid):
        raise NotFound(_("没有找到该标签"), code="not_found")
    ended_on = ended_on or timezone.localdate()
    ResidentTag.objects.filter(pk=tag.pk, ended_on__isnull=True).update(ended_on=ended_on)
    VisitPlan.objects.filter(tag=tag, active=True).update(active=False, ended_on=ended_on)
    tag.refresh_from_db()
    return tag


@transaction.atomic
def plan_add(
    *, actor: Any, resident: Resident, reason: str, every_days: int, due_on: date, red_after_days: int = 7
) -> VisitPlan:
    """A visit plan added by hand (e.g. an elderly person living alone not yet tagged)."""
    _reach_and_check(actor, resident.grid)
    if every_days < 1:
        raise InvalidInput(_("走访周期必须至少1天"), code="every_days")
    if not (reason or "").strip():
        raise InvalidInput(_("请填写走访事由"), code="reason")
    return VisitPlan.objects.create(
        resident=resident,
        grid=resident.grid,
        reason=reason.strip(),
        every_days=every_days,
        **_plan_dates(due_on, red_after_days),
    )


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    plan: VisitPlan,
    reason: str | None = None,
    every_days: int | None = None,
    due_on: date | None = None,
    active: bool | None = None,
) -> VisitPlan:
    """Change a visit plan (admin): its reason, frequency, next due date (the light starts green again and the
    sweep turns it if that date is missed), or end it. A tag's plan may be changed only by someone who may see
    the tag's category on that grid."""
    plan = VisitPlan.objects.select_for_update(of=("self",)).select_related("grid", "tag").get(pk=plan.pk)
    reach = _reach_and_check(actor, plan.grid)
    tag = plan.tag
    if tag is not None and not reach.everything and tag.category_id not in categories_on_grid(reach, plan.grid):
        raise NotFound(_("没有找到该走访计划"), code="not_found")
    if reason is not None:
        if not reason.strip():
            raise InvalidInput(_("请填写走访事由"), code="reason")
        plan.reason = reason.strip()
    if every_days is not None:
        if every_days < 1:
            raise InvalidInput(_("走访周期必须至少1天"), code="every_days")
        plan.every_days = every_days
    if due_on is not None and due_on != plan.due_on:
        for name, value in _plan_dates(due_on, (plan.red_on - plan.due_on).days).items():
            setattr(plan, name, value)
        plan.light = Light.GREEN
    if active is not None and active != plan.active:
        if active and plan.tag_id and VisitPlan.objects.filter(tag_id=plan.tag_id, active=True).exists():
            raise NotAllowed(_("该标签已有有效的走访计划"), code="duplicate")
        plan.active = active
        plan.ended_on = None if active else timezone.localdate()
    plan.save()
    return plan


PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    found: str,
    plan: VisitPlan | None = None,
    resident: Resident | None = None,
    house: House | None = None,
    grid: Grid | None = None,
    visited_on: date | None = None,
    place: str = "",
    follow_up: bool = False,
    photo: Any = None,
) -> Visit:
    """Record a visit. For a plan: lock it, move its next due date on by its frequency from the visit date
    and put its light back to green (the sweep turns it again if the next one is missed)."""
    visited_on = visited_on or timezone.localdate()
    try:
        validate_visit_date(visited_on)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="visited_on") from exc
    if not (found or "").strip():
        raise InvalidInput(_("请填写走访情况"), code="found")
    if plan is not None:
        plan = (
            VisitPlan.objects.select_for_update(of=("self",)).select_related("resident__house", "tag").get(pk=plan.pk)
        )
        if not plan.active:
            raise NotAllowed(_("该走访计划已结束"), code="plan_inactive")
        resident = plan.resident
    if resident is not None:
        house = house or resident.house
        grid = resident.grid
    if house is not None:
        grid = house.grid
    if grid is None:
        raise InvalidInput(_("请选择走访对象或房屋"), code="place")
    reach = _reach_and_check(actor, grid)
    if plan is not None and plan.tag_id and not reach.everything:
        if plan.tag.category_id not in categories_on_grid(reach, grid):
            raise NotFound(_("没有找到该走访计划"), code="not_found")
    if photo is not None:
        content_type = getattr(photo, "content_type", "")
        if content_type not in PHOTO_TYPES or photo.size > settings.EVIDENCE_MAX_BYTES:
            raise InvalidInput(_("照片须为 JPEG/PNG/WebP，且不超过大小限制"), code="photo")
    # A visit answers its plan's due date when it moves the plan on (not an older visit recorded late).
    answers = plan is not None and (plan.last_visited_on is None or visited_on > plan.last_visited_on)
    visit = Visit.objects.create(
        plan=plan,
        due_on=plan.due_on if answers and plan is not None else None,
        resident=resident,
        house=house,
        grid=grid,
        visitor=actor if getattr(actor, "pk", None) else None,
        visited_on=visited_on,
        place=(place or (house.address if house else "")).strip()[:200],
        found=found.strip(),
        follow_up=follow_up,
        photo=photo,
    )
    if plan is not None and (plan.last_visited_on is None or visited_on >= plan.last_visited_on):
        red_after = (plan.red_on - plan.due_on).days
        dates = _plan_dates(visited_on + timedelta(days=plan.every_days), red_after)
        VisitPlan.objects.filter(pk=plan.pk).update(light=Light.GREEN, last_visited_on=visited_on, **dates)
    return visit


@transaction.atomic
def diary_write(
    *,
    actor: Any,
    grid: Grid,
    text: str,
    topic: str = DiaryTopic.LIVELIHOOD,
    mood: str = Mood.NEUTRAL,
    house: House | None = None,
    place: str = "",
    needs_follow_up: bool = False,
    category: Any = None,
    visit: Visit | None = None,
) -> DiaryEntry:
    """A 民情日记 entry by a grid worker (or centre staff) in a grid they may write in."""
    if house is not None and house.grid_id != grid.id:
        raise InvalidInput(_("房屋不在该网格内"), code="house")
    _reach_and_check(actor, grid)
    if not (text or "").strip():
        raise InvalidInput(_("请填写内容"), code="text")
    if topic not in DiaryTopic.values or mood not in Mood.values:
        raise InvalidInput(_("未知的主题或情绪"), code="topic")
    if category is not None and (category.parent_id is None or not category.active):
        raise InvalidInput(_("请选择一个启用的事项小类"), code="category")
    return DiaryEntry.objects.create(
        grid=grid,
        author=actor if getattr(actor, "pk", None) else None,
        house=house,
        visit=visit,
        place=(place or "").strip()[:200],
        topic=topic,
        mood=mood,
        text=text.strip(),
        needs_follow_up=needs_follow_up,
        category=category,
    )


def diary_link_case(*, entry_id: int, case_id: int, case_number: str) -> None:
    """Record that entry ``entry_id`` became case ``case_id`` — once: a second conversion raises ``NotAllowed``.

    Called by the cases app inside the transaction that filed the case (a conditional UPDATE: only an
    entry without a case gets one, so two taps at once make one case; the loser's transaction rolls back).
    """
    changed = DiaryEntry.objects.filter(pk=entry_id, case_id__isnull=True).update(
        case_id=case_id, case_number=case_number, needs_follow_up=False
    )
    if changed != 1:
        raise NotAllowed(_("该民情日记已转为事件"), code="already_converted")


# --- The sweeps: visit lights and permit reminders (database deadlines, set-wise, exactly once) -------------


@dataclass
class SweepResult:
    yellow: int = 0
    red: int = 0
    permits: int = 0


def _turn(*, light: str, date_field: str, from_lights: list[str], today: date, batch: int) -> int:
    """Turn every active plan whose ``date_field`` has come, and whose light is one of ``from_lights``, to ``light``.

    Per batch, in one transaction: (1) pick up to ``batch`` ids with FOR UPDATE SKIP LOCKED (PostgreSQL; a
    second sweep running at once skips rows the first holds), (2) UPDATE … WHERE id IN (…) AND light IN
    (old lights) — the condition re-checked under the lock, so a row turned by someone else is not
    counted again, (3) announce exactly the rows this UPDATE changed (``visit_plans_turned``), so the
    notices are written in the same transaction. Memory is one batch of ids.
    """
    total = 0
    while True:
        with transaction.atomic():
            due = VisitPlan.objects.filter(
                active=True, light__in=from_lights, **{f"{date_field}__lte": today}
            ).order_by(date_field, "id")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("id", flat=True)[:batch])
            if not ids:
                return total
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE residents_visitplan SET light = %s WHERE id = ANY(%s) AND light = ANY(%s) AND active"
                        " RETURNING id, resident_id, grid_id, due_on",
                        [light, ids, from_lights],
                    )
                    rows = cursor.fetchall()
            else:
                rows = list(
                    VisitPlan.objects.filter(id__in=ids, light__in=from_lights, active=True).values_list(
                        "id", "resident_id", "grid_id", "due_on"
                    )
                )
                VisitPlan.objects.filter(id__in=[r[0] for r in rows], light__in=from_lights).update(light=light)
            if rows:
                recipients = _plan_recipients([r[0] for r in rows])
                visit_plans_turned.send(
                    sender=VisitPlan, light=light, rows=[(*r, recipients.get(r[0], [])) for r in rows]
                )
            total += len(rows)
            if len(ids) < batch:
                return total


def _plan_recipients(plan_ids: list[int]) -> dict[int, list[int]]:
    """plan id → the users to tell: the grid's seats whose audience may see the plan's tag category (for a
    hand-added plan: the grid leader and the full-time worker). Nobody is told about a tag they may not see.
    Three queries for any number of plans."""
    plans = list(VisitPlan.objects.filter(pk__in=plan_ids).values_list("id", "grid_id", "tag__category_id"))
    audience = {c.id: set(c.audience or []) for c in TagCategory.objects.all()}
    seats: dict[int, list[tuple[int, str]]] = {}
    for grid_id, user_id, role in GridAssignment.objects.filter(
        grid_id__in={g for _p, g, _c in plans}, ended_on__isnull=True, user__is_active=True
    ).values_list("grid_id", "user_id", "role"):
        seats.setdefault(grid_id, []).append((user_id, SEAT_AUDIENCE[role]))
    out: dict[int, list[int]] = {}
    for plan_id, grid_id, category_id in plans:
        allowed = audience.get(category_id, set()) if category_id else {"grid_leader", "full_time_worker"}
        out[plan_id] = sorted({uid for uid, a in seats.get(grid_id, []) if a in allowed})
    return out


def _remind_permits(*, today: date, within_days: int, batch: int) -> int:
    """Floating residents whose permit expires within ``within_days`` get one reminder per expiry date."""
    total = 0
    limit = today + timedelta(days=within_days)
    while True:
        with transaction.atomic():
            due = Resident.objects.filter(
                kind=PopulationKind.FLOATING, status=ResidentStatus.LIVING, permit_expires_on__lte=limit
            ).filter(Q(permit_reminded_for__isnull=True) | ~Q(permit_reminded_for=F("permit_expires_on")))
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            picked = list(due.order_by("id").values_list("id", "grid_id", "permit_expires_on")[:batch])
            if not picked:
                return total
            rows = picked
            by_date: dict[date, list[int]] = {}  # one conditional UPDATE per expiry date in the batch
            for rid, _grid, expires in rows:
                by_date.setdefault(expires, []).append(rid)
            changed: set[int] = set()
            for expires, rids in by_date.items():
                q = Resident.objects.filter(pk__in=rids, permit_expires_on=expires).filter(
                    Q(permit_reminded_for__isnull=True) | ~Q(permit_reminded_for=expires)
                )
                ids_now = list(q.values_list("id", flat=True))
                Resident.objects.filter(pk__in=ids_now).update(permit_reminded_for=expires)
                changed.update(ids_now)
            announced = [r for r in rows if r[0] in changed]
            if announced:
                permits_expiring.send(sender=Resident, rows=announced)
            total += len(announced)
            if len(picked) < batch:
                return total


def visits_sweep(*, today: date | None = None, batch: int | None = None) -> SweepResult:
    """The beat-driven sweep: overdue visit plans turn red (from green or yellow), then yellow (from green);
    permits about to expire are reminded. Idempotent: a second run finds nothing to do."""
    today = today or timezone.localdate()
    batch = batch or settings.SWEEP_BATCH_SIZE
    result = SweepResult()
    result.red = _turn(
        light=Light.RED, date_field="red_on", from_lights=[Light.GREEN, Light.YELLOW], today=today, batch=batch
    )
    result.yellow = _turn(
        light=Light.YELLOW, date_field="yellow_on", from_lights=[Light.GREEN], today=today, batch=batch
    )
    result.permits = _remind_permits(today=today, within_days=settings.RESIDENTS_PERMIT_WARN_DAYS, batch=batch)
    return result


# --- Retention -------------------------------------------------------------------------------------------


ANONYMOUS_NAME = "（已匿名）"


def residents_anonymise_moved_away(*, today: date | None = None, batch: int = 1000) -> int:
    """People who moved away more than ``RESIDENTS_RETENTION_DAYS`` ago lose everything that identifies them
    (name, ID number, phone, birth day, addresses, household number); counts by grid stay. Set-wise,
    idempotent (anonymised rows are not picked again)."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.RESIDENTS_RETENTION_DAYS)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Resident.objects.filter(
                    status=ResidentStatus.MOVED_AWAY, moved_away_on__lte=cutoff, anonymised_at__isnull=True
                ).values_list("id", flat=True)[:batch]
            )
            if not ids:
                return total
            ResidentTag.objects.filter(resident_id__in=ids, ended_on__isnull=True).update(ended_on=today)
            VisitPlan.objects.filter(resident_id__in=ids, active=True).update(active=False, ended_on=today)
            total += Resident.objects.filter(pk__in=ids, anonymised_at__isnull=True).update(
                name=ANONYMOUS_NAME,
                former_name="",
                id_number_enc="",
                id_number_hmac="",
                id_number_masked="",
                phone_enc="",
                phone_hmac="",
                phone_masked="",
                hukou_address="",
                household_number="",
                employer="",
                birth_date=None,
                house=None,
                anonymised_at=timezone.now(),
            )


# --- Web imports: a Celery task with a progress record ------------------------------------------------------


def import_job_create(*, actor: Any, kind: str, file_name: str, data: bytes) -> ImportJob:
    """Queue an import of an uploaded sheet; the caller starts ``residents.tasks.run_import`` once this commits."""
    from .importers import IMPORTERS

    if kind not in IMPORTERS:
        raise InvalidInput(_("未知的导入内容"), code="kind")
    if not data:
        raise InvalidInput(_("文件是空的"), code="file")
    return ImportJob.objects.create(user=actor, kind=kind, file_name=file_name[:200], data=data)


@source_language()
def import_job_run(job_id: int) -> str:
    """Run one queued import (exactly once: the queued → running step is a conditional update). The progress record
    is updated every ``PROGRESS_EVERY`` rows while checking (committed at once, so the page sees it) and while writing
    (the import's own transaction: it shows when that commits). A refused file stores every bad row and imports
    nothing; the uploaded bytes are emptied either way. Returns the final status.

    The errors are kept in the message ids' language, whatever language the worker (or an eager caller) runs in,
    and shown in the reader's (``localized:"import"``; the templates are ``importers.TEMPLATES``)."""
    from .importers import IMPORTERS, ImportFailed, read_rows

    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(status=ImportJob.Status.RUNNING):
        return ImportJob.objects.get(pk=job_id).status
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    mark = ImportJob.objects.filter(pk=job_id)

    def checking(done: int, total: int) -> None:
        mark.update(phase=ImportJob.Phase.CHECKING, done=done, total=total)

    def writing(done: int, total: int) -> None:
        mark.update(phase=ImportJob.Phase.WRITING, done=done, total=total)

    status, errors, result = ImportJob.Status.FAILED, [], {}
    try:
        rows = read_rows(name=job.file_name, data=bytes(job.data))
        mark.update(phase=ImportJob.Phase.CHECKING, done=0, total=len(rows))
        outcome = IMPORTERS[job.kind](actor=job.user, rows=rows, progress=writing, checked=checking)
        status = ImportJob.Status.DONE
        result = {"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged}
        result.update(outcome.extra)
    except ImportFailed as exc:
        errors = [{"line": e.line, "message": e.message} for e in exc.errors]
    except Exception:
        errors = [{"line": 0, "message": _("导入出错，未导入任何数据，请稍后重试或联系管理员")}]
        mark.update(status=status, errors=errors, data=b"", finished_at=timezone.now())
        raise
    mark.update(status=status, errors=errors, result=result, data=b"", finished_at=timezone.now())
    return status
