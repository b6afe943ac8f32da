"""Admin for the residents app. Buildings, homes, people, tags and visit plans are edited here through the same
services as the pages (scope, checks, encryption with the keyed hash, visit plan dates), only within the user's
reach and the tag categories they may see, and opening a tagged person is logged. Categories and compounds are
configured here. The access log, visits and diary entries are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput, NotAllowed, NotFound

from . import selectors, services
from .choices import AccessChannel, AccessSubject, Audience, ResidentStatus
from .models import (
    AccessLog,
    Building,
    Compound,
    DiaryEntry,
    House,
    Resident,
    ResidentTag,
    TagCategory,
    Visit,
    VisitPlan,
)
from .services import access_log_record
from .visibility import plans_counted_q, reach_of


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Look, never touch: the log is append-only (model, queryset and database)."""

    list_display = ["at", "username", "subject", "object_id", "case_id", "street", "channel", "path"]
    list_filter = ["subject", "channel", "at"]
    search_fields = ["username", "object_id", "path"]
    list_select_related = ["street"]
    show_full_result_count = False  # and no date hierarchy: its links scan the whole log (the "at" filter does not)
    actions = None

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class TagCategoryForm(forms.ModelForm):
    """The audience as check boxes (stored as a JSON list of ``Audience`` codes)."""

    audience = forms.MultipleChoiceField(
        label=_("可见岗位"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = TagCategory
        fields = [
            "code", "name", "name_en", "group", "sensitivity", "audience", "departments", "visit_every_days",
            "red_after_days", "colour", "active",
        ]  # fmt: skip


@admin.register(TagCategory)
class TagCategoryAdmin(admin.ModelAdmin):
    """Categories as data: admins add local ones (重点上访, 独居老人 …) and set who sees each and how often to visit.
    The GB/T 31000 builtin ones can be tuned but not deleted."""

    form = TagCategoryForm
    list_display = ["code", "name", "group", "sensitivity", "visit_every_days", "red_after_days", "builtin", "active"]
    list_filter = ["group", "sensitivity", "active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["departments"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not (obj is not None and obj.builtin)


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "address"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["community"]


class ServiceForm(forms.ModelForm):
    """An admin form that writes through a service, so that the admin keeps every rule the pages keep (scope,
    grid consistency, the ID number's check, encryption with its keyed hash and mask, visit plan dates).

    ``clean`` calls ``save_through_service`` in a savepoint: a refusal becomes a form error and nothing is
    written; success leaves the saved object in ``self.instance`` (``_post_clean`` does not copy the raw fields
    onto it again, and the admin's ``save_model`` saves nothing more)."""

    request: HttpRequest

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.instance = self.save_through_service(data)
        except (InvalidInput, NotAllowed, NotFound) as exc:
            field = exc.code if exc.code in self.fields else None
            self.add_error(field, exc.message)
        return data

    def _post_clean(self) -> None:
        """The service validated and saved; nothing to copy or check again."""

    def save_through_service(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def changed(self, data: dict[str, Any], names: list[str]) -> dict[str, Any]:
        return {n: data[n] for n in names if n in data and n in self.changed_data}


class ServiceAdmin(admin.ModelAdmin):
    """Hands the request to the form (the acting user) and leaves the saving to it."""

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        setattr(form, "request", request)  # noqa: B010  # the acting user, for the form's service call
        return form

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        """Saved by the form's service already."""


class BuildingForm(ServiceForm):
    class Meta:
        model = Building
        fields = ["grid", "compound", "name", "address", "floors", "units", "lat", "lng"]

    def save_through_service(self, data: dict[str, Any]) -> Building:
        names = self.Meta.fields
        if self.instance.pk:
            return services.building_update(
                actor=self.request.user, building=self.instance, **self.changed(data, names)
            )
        values: dict[str, Any] = {n: data.get(n) for n in names}
        return services.building_create(actor=self.request.user, **values)


@admin.register(Building)
class BuildingAdmin(ServiceAdmin):
    form = BuildingForm
    list_display = ["name", "compound", "grid", "floors", "units", "address"]
    search_fields = ["name", "address", "grid__code"]
    list_select_related = ["grid", "compound"]
    autocomplete_fields = ["grid", "compound"]

    def get_queryset(self, request: HttpRequest):
        return selectors.buildings_visible_to(user=request.user).select_related("grid", "compound")


class HouseForm(ServiceForm):
    class Meta:
        model = House
        fields = ["grid", "building", "unit", "floor", "number", "address", "use", "lat", "lng"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].required = False
        self.fields["grid"].help_text = _("在楼栋内的房屋随楼栋所在网格")
        self.fields["address"].required = False
        self.fields["address"].help_text = _("不填时按楼栋地址、单元和门牌号生成")

    def save_through_service(self, data: dict[str, Any]) -> House:
        names = self.Meta.fields
        if self.instance.pk:
            return services.house_update(actor=self.request.user, house=self.instance, **self.changed(data, names))
        values: dict[str, Any] = {n: data.get(n) for n in names}
        values["address"] = values.get("address") or ""
        return services.house_create(actor=self.request.user, **values)


@admin.register(House)
class HouseAdmin(ServiceAdmin):
    form = HouseForm
    list_display = ["address", "grid", "building", "unit", "floor", "number", "use"]
    list_filter = ["use"]
    search_fields = ["address", "number"]
    list_select_related = ["grid", "building"]
    autocomplete_fields = ["grid", "building"]

    def get_queryset(self, request: HttpRequest):
        return selectors.houses_visible_to(user=request.user)


def _log_tagged_read(request: HttpRequest, resident: Resident | None) -> None:
    """Opening a tagged person's record here is logged like any other read of it."""
    if resident is not None and selectors.tags_visible_to(user=request.user).filter(resident=resident).exists():
        access_log_record(
            user=request.user,
            subject=AccessSubject.RESIDENT_TAG,
            object_id=resident.pk,
            channel=AccessChannel.ADMIN,
            path=request.path,
            street_id=resident.grid.community.parent_id,
        )


DERIVED = {"sex", "birth_date"}


class ResidentForm(ServiceForm):
    """ID number and phone are typed in clear and stored encrypted (with their keyed hash and mask) by
    ``resident_save``; an edit shows only the masks and leaves them as they are unless a new value is typed."""

    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系方式"), max_length=20, required=False)
    moved_away_on = forms.DateField(
        label=_("迁出日期"), required=False, help_text=_("填写后该人员标记为迁出，走访计划结束，保留期满后匿名化")
    )

    class Meta:
        model = Resident
        fields = ["house", "grid", *sorted(services.RESIDENT_FIELDS)]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].required = False
        self.fields["grid"].help_text = _("有现住房屋时随房屋所在网格")
        self.fields["sex"].required = False
        self.fields["sex"].help_text = _("不填时按公民身份号码")
        if self.instance.pk:
            for name, masked in (("id_number", self.instance.id_number_masked), ("phone", self.instance.phone_masked)):
                self.fields[name].help_text = _("当前：%(m)s（不修改请留空）") % {"m": masked or "—"}
            if self.instance.status != ResidentStatus.LIVING:
                self.fields["moved_away_on"].initial = self.instance.moved_away_on
                self.fields["moved_away_on"].disabled = True

    def save_through_service(self, data: dict[str, Any]) -> Resident:
        user = self.request.user
        names = sorted(services.RESIDENT_FIELDS)
        if self.instance.pk:
            resident = Resident.objects.select_related("grid").get(pk=self.instance.pk)
            # sex and birth date left empty are taken from the ID number, not cleared
            fields = {k: v for k, v in self.changed(data, names).items() if v not in (None, "") or k not in DERIVED}
            place = {k: data[k] for k in ("house", "grid") if k in self.changed_data}
        else:
            resident = None
            fields = {n: data[n] for n in names if data.get(n) not in (None, "")}
            place = {"house": data.get("house"), "grid": data.get("grid")}
        saved = services.resident_save(
            actor=user,
            resident=resident,
            id_number=data.get("id_number") or (None if resident else ""),
            phone=data.get("phone") or (None if resident else ""),
            **place,
            **fields,
        )
        if data.get("moved_away_on") and saved.status == ResidentStatus.LIVING:
            saved = services.resident_move_away(actor=user, resident=saved, moved_away_on=data["moved_away_on"])
        return saved


@admin.register(Resident)
class ResidentAdmin(ServiceAdmin):
    """People through ``resident_save`` (checks and encryption); masked in lists; every opening of a tagged person
    is written to the access log; only people in the user's scope (admins: all)."""

    form = ResidentForm
    list_display = ["name", "sex", "id_number_masked", "phone_masked", "kind", "status", "grid"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    list_select_related = ["grid"]
    autocomplete_fields = ["house", "grid"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest):
        return selectors.residents_visible_to(user=request.user, include_gone=True)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        if request.method == "GET":
            # get_object: None for an id that is not there or not a number (filter(pk="abc") was a 500)
            _log_tagged_read(request, self.get_object(request, object_id))
        return super().change_view(request, object_id, form_url, extra_context)


class ResidentTagForm(ServiceForm):
    """Adding tags a person (``tag_add``: the category must be one the user may use there; the visit plan follows);
    on an existing tag only its end can be set (``tag_end``)."""

    first_visit_on = forms.DateField(label=_("首次走访日期"), required=False, help_text=_("不填为今天"))

    class Meta:
        model = ResidentTag
        fields = ["resident", "category", "since", "note", "ended_on"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            visible = selectors.categories_visible_to(user=self.request.user)
            field = self.fields["category"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = TagCategory.objects.filter(pk__in=[c.pk for c in visible])

    def save_through_service(self, data: dict[str, Any]) -> ResidentTag:
        user = self.request.user
        if self.instance.pk:
            if data.get("ended_on") and self.instance.ended_on is None:
                return services.tag_end(actor=user, tag=self.instance, ended_on=data["ended_on"])
            return self.instance
        return services.tag_add(
            actor=user,
            resident=data["resident"],
            category=data["category"],
            since=data.get("since"),
            note=data.get("note") or "",
            first_visit_on=data.get("first_visit_on"),
        )


@admin.register(ResidentTag)
class ResidentTagAdmin(ServiceAdmin):
    """Only the tags the user may see (a hidden category leaves no row); ending a tag ends its visit plan."""

    form = ResidentTagForm
    list_display = ["resident", "category", "since", "ended_on"]
    list_filter = ["category"]
    list_select_related = ["resident", "category"]
    autocomplete_fields = ["resident"]

    def get_queryset(self, request: HttpRequest):
        qs = ResidentTag.objects.select_related("resident__grid__community", "category")
        if reach_of(request.user).everything:
            return qs
        return qs.filter(pk__in=selectors.tags_visible_to(user=request.user).values("pk"))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a tag is ended (its history and visits stay), not deleted

    def get_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        if obj is None:
            return ("resident", "category", "since", "note", "first_visit_on")
        return ("resident", "category", "since", "note", "ended_on")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return () if obj is None else ("resident", "category", "since", "note")

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        if request.method == "GET":
            tag = self.get_object(request, object_id)  # None when not there or not a number
            _log_tagged_read(request, tag.resident if tag else None)
        return super().change_view(request, object_id, form_url, extra_context)


class VisitPlanForm(ServiceForm):
    red_after_days = forms.IntegerField(label=_("逾期多少天转红"), min_value=1, initial=7, required=False)

    class Meta:
        model = VisitPlan
        fields = ["resident", "reason", "every_days", "due_on", "active"]

    def save_through_service(self, data: dict[str, Any]) -> VisitPlan:
        user = self.request.user
        if self.instance.pk:
            return services.plan_update(
                actor=user, plan=self.instance, **self.changed(data, ["reason", "every_days", "due_on", "active"])
            )
        return services.plan_add(
            actor=user,
            resident=data["resident"],
            reason=data.get("reason") or "",
            every_days=data["every_days"],
            due_on=data["due_on"],
            red_after_days=data.get("red_after_days") or 7,
        )


@admin.register(VisitPlan)
class VisitPlanAdmin(ServiceAdmin):
    """Plans the user may see (a tag's plan only with its category); added by hand or changed through the services
    (dates and light recomputed). Ended, never deleted."""

    form = VisitPlanForm
    list_display = ["resident", "reason", "every_days", "due_on", "light", "active"]
    list_filter = ["light", "active"]
    list_select_related = ["resident"]
    autocomplete_fields = ["resident"]

    def get_queryset(self, request: HttpRequest):
        qs = VisitPlan.objects.select_related("resident__grid__community", "tag")
        reach = reach_of(request.user)
        if reach.everything:
            return qs
        return qs.filter(plans_counted_q(reach))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        if obj is None:
            return ("resident", "reason", "every_days", "due_on", "red_after_days")
        return ("resident", "reason", "every_days", "due_on", "active", "light", "last_visited_on")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return () if obj is None else ("resident", "light", "last_visited_on")

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        if request.method == "GET":
            plan = self.get_object(request, object_id)  # None when not there or not a number
            if plan is not None and plan.tag_id:
                _log_tagged_read(request, plan.resident)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Visit)
class VisitAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["visited_on", "resident", "house", "visitor", "follow_up"]
    list_select_related = ["resident", "house", "visitor"]
    date_hierarchy = "visited_on"


@admin.register(DiaryEntry)
class DiaryEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["written_at", "grid", "topic", "mood", "needs_follow_up", "case_number"]
    list_filter = ["topic", "mood", "needs_follow_up"]
    list_select_related = ["grid"]
