"""Pages of the residents app: people, buildings and their household maps, houses, visits, 民情日记, statistics,
imports and exports.

Every read goes through ``selectors`` (outside scope → 404, tags only as ``visibility`` allows), every write
through ``services``. Reading a tagged person's record, or a page listing tagged people, writes the access log.
The grid worker's landing page ("My grid today") and the diary → case step need cases, which sits above this
app: they live in ``cases/views/grid_today.py`` and ``cases/services/diary.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, TooMany
from core.hostile_input import RefusedInput, whole_number

from . import exports, selectors, services, statistics
from .choices import AccessChannel, AccessSubject, Light
from .forms import DiaryForm, ImportForm, ResidentForm, VisitForm
from .models import ImportJob, Resident, TagCategory
from .tasks import run_import
from .visibility import grids_q, may_export, may_reveal_identity, may_write_in_grid, reach_of

PAGE_SIZE = 30


def street_id_of(grid) -> int | None:
    return grid.community.parent_id if grid is not None else None


def log_tagged_reads(request: HttpRequest, rows: list[tuple[int, Any]], channel: str = AccessChannel.PAGE) -> None:
    """One bulk access-log insert for the tagged people (resident id, grid) shown on a page."""
    if rows:
        services.access_log_record_many(
            user=request.user,
            subject=AccessSubject.RESIDENT_TAG,
            rows=[{"object_id": rid, "street_id": street_id_of(grid)} for rid, grid in rows],
            channel=channel,
            path=request.get_full_path(),
        )


#: A page number past this is read as this one: its OFFSET must stay a number the database can hold
#: (``?page=99999999999999999999`` was "bigint out of range", a 500, on PostgreSQL).
MAX_PAGE = 1_000_000


def _page(qs, request: HttpRequest) -> tuple[list, int, bool]:
    """An offset page without COUNT(*) (a street's list would count hundreds of thousands of rows)."""
    try:
        number = min(max(1, int(request.GET.get("page", "1"))), MAX_PAGE)
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    """People in scope: search by name or exact ID number/phone, filter by a visible tag category or grid."""
    user = request.user
    qs = selectors.residents_visible_to(user=user).select_related("grid__community")
    q = request.GET.get("q", "").strip()
    category = request.GET.get("tag", "").strip()
    grid_id = whole_number(request.GET.get("grid", ""))
    search_error = ""
    try:
        services.exact_search_admit(user=user, text=q, channel=AccessChannel.PAGE, path=request.get_full_path())
        qs = selectors.search_residents(user=user, text=q, qs=qs)
    except TooMany as exc:  # past the hour's ration of searches by a whole number: nobody, and why
        search_error, qs = exc.message, qs.none()
    qs = selectors.filter_by_category(user=user, qs=qs, category_code=category)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    rows, number, has_next = _page(qs.order_by("grid_id", "name", "id"), request)
    tags = selectors.visible_tags_by_resident(user=user, resident_ids=[r.id for r in rows])
    for r in rows:
        r.ui_tags = tags.get(r.id, [])
    log_tagged_reads(request, [(r.id, r.grid) for r in rows if r.ui_tags])
    reach = reach_of(user)
    return render(
        request,
        "residents/list.html",
        {
            "rows": rows,
            "page": number,
            "has_next": has_next,
            "q": q,
            "search_error": search_error,
            "tag": category,
            "categories": selectors.categories_visible_to(user=user),
            "can_export": may_export(reach),
            "can_add": bool(reach.everything or reach.seats or reach.community_ids),
        },
        status=429 if search_error else 200,
    )


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resident = selectors.resident_for(user=user, pk=pk)
    reach = reach_of(user)
    tags = list(selectors.tags_visible_to(user=user).filter(resident=resident))
    if resident.tags.filter(ended_on__isnull=True).exists():
        services.access_log_record(
            user=user,
            subject=AccessSubject.RESIDENT_TAG if tags else AccessSubject.RESIDENT,
            object_id=resident.pk,
            channel=AccessChannel.PAGE,
            path=request.path,
            street_id=street_id_of(resident.grid),
        )
    grid = resident.grid
    writable = may_write_in_grid(reach, grid_id=grid.id, community_id=grid.community_id)
    assignable = []
    if writable and resident.status == "living":
        have = {t.category_id for t in tags}
        assignable = [c for c in _categories_on_grid(reach, grid) if c.id not in have]
    plans = selectors.plans_visible_to(user=user).filter(resident=resident)
    visits = selectors.visits_visible_to(user=user).filter(resident=resident)[:20]
    household = (
        Resident.objects.filter(house=resident.house, status="living")
        .exclude(pk=resident.pk)
        .only("id", "name", "relation")
        if resident.house_id and writable  # a liaison reaches the person through a tag, not their housemates
        else []
    )
    return render(
        request,
        "residents/detail.html",
        {
            "r": resident,
            "tags": tags,
            "plans": plans,
            "visits": visits,
            "household": household,
            "can_reveal": may_reveal_identity(reach, grid_id=grid.id, community_id=grid.community_id),
            "can_write": writable,
            "assignable": assignable,
        },
    )


def _categories_on_grid(reach, grid) -> list[TagCategory]:
    ids = services.categories_on_grid(reach, grid) if not reach.everything else {c.id for c in reach.categories}
    return [c for c in reach.categories if c.id in ids]


@login_required
@require_POST
def resident_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number and phone once (only to allowed roles; logged). Others get 404."""
    user = request.user
    resident = selectors.resident_for(user=user, pk=pk)
    grid = resident.grid
    if not may_reveal_identity(reach_of(user), grid_id=grid.id, community_id=grid.community_id):
        raise Http404
    full = services.resident_identity_reveal(
        user=user, resident=resident, channel=AccessChannel.PAGE, path=request.path
    )
    return render(request, "residents/reveal.html", {"r": resident, **full})


@login_required
def resident_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    reach = reach_of(user)
    resident = None
    if pk is not None:
        resident = selectors.resident_for(user=user, pk=pk)
    houses = selectors.houses_visible_to(user=user).order_by("address")
    initial = {"house": request.GET.get("house")} if resident is None else {"house": resident.house_id}
    form = ResidentForm(request.POST or None, instance=resident, houses=houses, initial=initial)
    if not (reach.everything or reach.seats or reach.community_ids):
        raise Http404
    if (
        resident is not None
        and resident.id_number_enc
        and not may_reveal_identity(reach, grid_id=resident.grid_id, community_id=resident.grid.community_id)
    ):
        # The birth date is the middle of the ID number this user sees masked (620201********2174): with it, the
        # number would be whole. It follows the number anyway; the field stays out of their form.
        del form.fields["birth_date"]
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("id_number", "phone", "house")}
        if resident is not None and not form.cleaned_data["id_number"]:
            id_number = None  # blank on edit: keep the stored number
        else:
            id_number = form.cleaned_data["id_number"]
        phone = form.cleaned_data["phone"] if form.cleaned_data["phone"] or resident is None else None
        try:
            saved = services.resident_save(
                actor=user,
                resident=Resident.objects.get(pk=resident.pk) if resident else None,
                house=form.cleaned_data["house"],
                id_number=id_number,
                phone=phone,
                **data,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("residents:detail", pk=saved.pk)
    return render(request, "residents/edit.html", {"form": form, "r": resident})


@login_required
@require_POST
def resident_tag(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a tag (a category the user may use on that grid) or end one. An id that is no number (``end=abc``) is
    refused with a 400 that says which: it used to reach the query, a 500."""
    user = request.user
    resident = selectors.resident_for(user=user, pk=pk)
    try:
        if request.POST.get("end"):
            if (tag_id := whole_number(request.POST["end"])) is None:
                raise RefusedInput(_("要结束的标签无效"))
            tag = selectors.tags_visible_to(user=user).filter(resident=resident, pk=tag_id).first()
            if tag is None:
                raise Http404
            services.tag_end(actor=user, tag=tag)
            messages.success(request, _("标签已结束"))
        else:
            if (category_id := whole_number(request.POST.get("category", ""))) is None:
                raise RefusedInput(_("请选择标签类别"))
            category = TagCategory.objects.filter(pk=category_id, active=True).first()
            if category is None:
                raise Http404
            services.tag_add(actor=user, resident=resident, category=category)
            messages.success(request, _("已添加标签并生成走访计划"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("residents:detail", pk=resident.pk)


@login_required
@require_POST
def resident_move_away(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resident = selectors.resident_for(user=user, pk=pk)
    services.resident_move_away(actor=user, resident=resident, moved_away_on=timezone.localdate())
    messages.success(request, _("已登记迁出"))
    return redirect("residents:detail", pk=resident.pk)


@login_required
def building_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.buildings_visible_to(user=request.user).order_by("grid__code", "name")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q) | Q(compound__name__contains=q))
    rows, number, has_next = _page(qs, request)
    return render(request, "residents/buildings.html", {"rows": rows, "page": number, "has_next": has_next, "q": q})


@login_required
def building_map(request: HttpRequest, pk: int) -> HttpResponse:
    """电子装户图: floors × units × houses of one building (see ``selectors.household_map``)."""
    building = selectors.buildings_visible_to(user=request.user).filter(pk=pk).first()
    if building is None:
        raise Http404
    data = selectors.household_map(user=request.user, building=building)
    log_tagged_reads(request, [(rid, building.grid) for rid in data["tagged_resident_ids"]])
    return render(request, "residents/building_map.html", data)


@login_required
def house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    house = selectors.houses_visible_to(user=user).filter(pk=pk).first()
    if house is None:
        raise Http404
    people = list(Resident.objects.filter(house=house, status="living").order_by("id"))
    tags = selectors.visible_tags_by_resident(user=user, resident_ids=[p.id for p in people])
    for p in people:
        p.ui_tags = tags.get(p.id, [])
    log_tagged_reads(request, [(p.id, house.grid) for p in people if p.ui_tags])
    diary = selectors.diary_visible_to(user=user).filter(house=house)[:10]
    visits = selectors.visits_visible_to(user=user).filter(house=house)[:10]
    return render(request, "residents/house.html", {"house": house, "people": people, "diary": diary, "visits": visits})


@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    """Log a visit: for a plan (?plan=), a person (?resident=) or a house (?house=). Phone first."""
    user = request.user
    plan = resident = house = None
    plan_id, resident_id, house_id = (whole_number(request.GET.get(k, "")) for k in ("plan", "resident", "house"))
    if plan_id is not None:
        plan = selectors.plans_visible_to(user=user).filter(pk=plan_id).first()
        if plan is None:
            raise Http404
        resident = plan.resident
    elif resident_id is not None:
        resident = selectors.residents_visible_to(user=user).filter(pk=resident_id).first()
        if resident is None:
            raise Http404
    elif house_id is not None:
        house = selectors.houses_visible_to(user=user).filter(pk=house_id).first()
        if house is None:
            raise Http404
    else:
        raise Http404
    form = VisitForm(request.POST or None, request.FILES or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_record(
                actor=user,
                plan=plan,
                resident=resident,
                house=house,
                visited_on=data["visited_on"],
                place=data["place"],
                found=data["found"],
                follow_up=data["follow_up"],
                photo=data["photo"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("走访已记录"))
            if data["also_diary"]:
                return redirect(reverse("residents:diary-new") + f"?visit={visit.pk}")
            return redirect("cases:today")
    return render(
        request, "residents/visit_new.html", {"form": form, "plan": plan, "resident": resident, "house": house}
    )


def _diary_grids(user) -> QuerySet | None:
    """The grids ``user`` may write a diary entry in, or None for a department's liaison or a user with none."""
    from grids.models import Grid

    reach = reach_of(user)
    grids = Grid.objects.filter(grids_q(reach), active=True).order_by("code")
    return None if reach.department_id or not grids.exists() else grids


@login_required
def diary_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.diary_visible_to(user=request.user)
    if request.GET.get("follow") == "1":
        qs = qs.filter(needs_follow_up=True, case_id__isnull=True)
    rows, number, has_next = _page(qs, request)
    context = {"rows": rows, "page": number, "has_next": has_next, "can_write": _diary_grids(request.user) is not None}
    return render(request, "residents/diary_list.html", context)


@login_required
def diary_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    grids = _diary_grids(user)
    if grids is None:
        raise Http404
    houses = selectors.houses_visible_to(user=user).order_by("address")
    initial: dict[str, Any] = {}
    visit = None
    if (visit_id := whole_number(request.GET.get("visit", ""))) is not None:
        visit = selectors.visits_visible_to(user=user).filter(pk=visit_id).first()
        if visit is not None:
            initial = {
                "grid": visit.grid_id,
                "house": visit.house_id,
                "place": visit.place,
                "text": visit.found,
                "needs_follow_up": visit.follow_up,
            }
    if (house_id := whole_number(request.GET.get("house", ""))) is not None:
        house = houses.filter(pk=house_id).first()
        if house is not None:
            initial |= {"grid": house.grid_id, "house": house.pk}
    form = DiaryForm(request.POST or None, grids=grids, houses=houses, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.diary_write(
                actor=user,
                grid=d["grid"],
                house=d["house"],
                place=d["place"],
                topic=d["topic"],
                mood=d["mood"],
                text=d["text"],
                needs_follow_up=d["needs_follow_up"],
                category=d["category"],
                visit=visit,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("民情日记已保存"))
            return redirect("residents:diary-detail", pk=entry.pk)
    return render(request, "residents/diary_new.html", {"form": form})


@login_required
def diary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.diary_visible_to(user=request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return render(request, "residents/diary_detail.html", {"entry": entry})


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """Visit plans in scope, overdue first (red, yellow), then by due date."""
    qs = selectors.plans_visible_to(user=request.user).select_related("resident__grid")
    light = request.GET.get("light", "")
    if light in Light.values:
        qs = qs.filter(light=light)
    rows, number, has_next = _page(selectors.plans_most_urgent_first(qs), request)
    log_tagged_reads(request, [(p.resident_id, p.resident.grid) for p in rows if p.tag_id])
    return render(request, "residents/plans.html", {"rows": rows, "page": number, "has_next": has_next, "light": light})


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    data = statistics.grid_statistics(user=request.user, today=timezone.localdate())
    if data is None:
        raise Http404
    return render(request, "residents/stats.html", data)


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Masked export of the residents list (as filtered) for centre staff and admins; logged row by row."""
    user = request.user
    if fmt not in ("csv", "xlsx") or not may_export(reach_of(user)):
        raise Http404
    qs = selectors.residents_visible_to(user=user).select_related("grid__community", "house")
    q = request.GET.get("q", "")
    try:
        services.exact_search_admit(user=user, text=q, channel=AccessChannel.EXPORT, path=request.get_full_path())
    except TooMany:  # back to the list, which says why (an export is a search too)
        return redirect(reverse("residents:list") + "?" + request.GET.urlencode())
    qs = selectors.search_residents(user=user, text=q, qs=qs)
    qs = selectors.filter_by_category(user=user, qs=qs, category_code=request.GET.get("tag", ""))
    return exports.residents_export(user=user, qs=qs, fmt=fmt, path=request.get_full_path())


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a 网格采集 sheet: it is imported by a Celery task (``residents.tasks.run_import``) and the job's page
    shows the progress; bad rows are listed with their line and nothing is imported."""
    reach = reach_of(request.user)
    if not (reach.everything or reach.community_ids or reach.seats):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                actor=request.user, kind=form.cleaned_data["kind"], file_name=upload.name, data=upload.read()
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            transaction.on_commit(lambda: run_import.delay(job.pk))
            return redirect("residents:import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(user_id=request.user.pk or 0).defer("data")[:5]
    return render(request, "residents/import.html", {"form": form, "jobs": jobs})


@login_required
def import_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: progress while it runs (htmx polls the status block), then the result or every bad row."""
    job = ImportJob.objects.filter(pk=pk).defer("data").first()
    if job is None or (job.user_id != request.user.pk and not getattr(request.user, "is_admin", False)):
        raise Http404
    running = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    context = {"job": job, "running": running, "poll_ms": 1000}
    if request.headers.get("HX-Request"):
        return render(request, "residents/_import_job.html", context)
    return render(request, "residents/import_job.html", context)
