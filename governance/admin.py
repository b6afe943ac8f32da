"""Admin (系统配置) for places, people, departments, the matter catalogue, the jurisdiction list and the calendar.

Writes that carry rules go through services: a jurisdiction rule is never edited in place (a
change becomes a new version via ``jurisdiction_rule_revise``), and department groups and the
calendar cache follow their rows through ``governance.signals``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
from .models import (
    CalendarDay,
    Category,
    CoOptedMember,
    Department,
    JurisdictionRule,
    OfficePeriod,
    Organisation,
    Region,
    User,
    WorkCalendar,
)
from .services import (
    REVISABLE_RULE_FIELDS,
    jurisdiction_rule_create,
    jurisdiction_rule_revise,
    user_sync_department_group,
)

admin.site.site_header = _("网格事件管理 · 系统配置")
admin.site.site_title = _("网格事件管理")
admin.site.index_title = _("系统配置")

TREE_DEPTH = {RegionLevel.CITY: 0, RegionLevel.DISTRICT: 1, RegionLevel.STREET: 2, RegionLevel.COMMUNITY: 3}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["tree_name", "code", "level", "parent", "case_prefix"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    ordering = ["code"]  # codes nest (620201 → 620201001 → 620201001001), so code order is tree order

    @admin.display(description=_("名称"), ordering="name")
    def tree_name(self, obj: Region) -> str:
        return "　" * TREE_DEPTH.get(obj.level, 0) + obj.name


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "region", "department", "phone", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "region__level", "department"]
    search_fields = ["username", "full_name", "phone", "email"]
    list_select_related = ["region", "department"]
    autocomplete_fields = ["region", "department"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("岗位与辖区"), {"fields": ("full_name", "phone", "role", "region", "department")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("岗位与辖区"), {"fields": ("full_name", "phone", "role", "region", "department")}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Department groups follow User.department; offering them here would let the two disagree.
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(department__isnull=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        user_sync_department_group(form.instance)  # saving the groups field just replaced the membership


class CoOptedMemberInline(admin.TabularInline):
    model = CoOptedMember
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "line", "region", "parent", "is_extended"]
    list_filter = ["line", "kind", "is_extended", "region__level"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region", "parent"]
    inlines = [CoOptedMemberInline]


@admin.register(CoOptedMember)
class CoOptedMemberAdmin(admin.ModelAdmin):
    list_display = ["unit_name", "representative", "position", "committee", "since"]
    search_fields = ["unit_name", "representative", "committee__name"]
    autocomplete_fields = ["committee"]
    list_select_related = ["committee"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "active", "liaison_names", "group"]
    list_filter = ["active", "region"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["region"]
    readonly_fields = ["liaison_names", "group"]
    list_select_related = ["region", "group"]

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("liaisons", queryset=User.objects.order_by("username")))
        )

    @admin.display(description=_("联络员"))
    def liaison_names(self, obj: Department) -> str:
        return _("、").join(u.display_name for u in obj.liaisons.all()) or "—"


class SubcategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ["code", "name", "name_en", "grade", "active"]
    extra = 0
    verbose_name = _("小类")
    verbose_name_plural = _("小类")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "grade", "active"]
    list_filter = ["grade", "active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.parent_id else [SubcategoryInline]  # only 大类 have 小类


class JurisdictionRuleForm(forms.ModelForm):
    class Meta:
        model = JurisdictionRule
        fields = [
            "category",
            "level",
            "handler_kind",
            "departments",
            "accept_limit",
            "accept_unit",
            "handling_limit",
            "handling_unit",
            "return_limit",
            "return_unit",
            "note",
        ]

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is None and "level" in data:
            exists = JurisdictionRule.objects.filter(
                category=data.get("category"), level=data["level"], valid_to__isnull=True
            ).exists()
            if exists:
                raise forms.ValidationError(_("该事项在该层级已有现行规则：请打开现行规则修改（会生成新版本）"))
        return data


@admin.register(JurisdictionRule)
class JurisdictionRuleAdmin(admin.ModelAdmin):
    """Adding goes through ``jurisdiction_rule_create``; saving a change writes a new version.

    The write happens in ``save_form`` (inside the admin's transaction) so that the object the
    admin then logs and redirects to is the new version; ``save_model`` and the M2M save have
    nothing left to do. Closed versions are read-only.
    """

    form = JurisdictionRuleForm
    list_display = [
        "category",
        "level",
        "handler_kind",
        "department_names",
        "accept_limit",
        "accept_unit",
        "handling_limit",
        "handling_unit",
        "version",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["level", "handler_kind", ("valid_to", admin.EmptyFieldListFilter), "category__grade"]
    search_fields = ["category__code", "category__name", "note"]
    autocomplete_fields = ["category", "departments"]
    list_select_related = ["category"]
    readonly_fields = ["version", "valid_from", "valid_to", "revised_by"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("departments")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # category and level identify the entry; a revision keeps them
            return [*self.readonly_fields, "category", "level"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.is_current)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_current)

    def get_actions(self, request):
        """No bulk delete: a version is retired by revising it, one entry at a time (cases keep theirs)."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("承办部门"))
    def department_names(self, obj: JurisdictionRule) -> str:
        return _("、").join(d.name for d in obj.departments.all()) or "—"

    def save_form(self, request, form, change):
        data = form.cleaned_data
        if not change:
            return jurisdiction_rule_create(actor=request.user, **{f: data[f] for f in form.Meta.fields if f in data})
        original = JurisdictionRule.objects.get(pk=form.instance.pk)
        changes = {f: data[f] for f in form.changed_data if f in REVISABLE_RULE_FIELDS}
        return jurisdiction_rule_revise(rule=original, actor=request.user, **changes)

    def save_model(self, request, obj, form, change) -> None:
        pass  # saved by the service in save_form

    def save_related(self, request, form, formsets, change) -> None:
        pass  # departments were set by the service

    def response_change(self, request, obj):
        """ "Save and continue editing" goes on with the new version: the admin's own redirect is to the page it
        came from, the version just closed (read-only), under a message that invites editing it."""
        response = super().response_change(request, obj)
        if "_continue" in request.POST and response.status_code == 302:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            context = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
            response["Location"] = add_preserved_filters(context, url)
        return response


class OfficePeriodInline(admin.TabularInline):
    model = OfficePeriod
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


WEEKDAY_CHOICES = [
    ("1", _("周一")),
    ("2", _("周二")),
    ("3", _("周三")),
    ("4", _("周四")),
    ("5", _("周五")),
    ("6", _("周六")),
    ("7", _("周日")),
]


class WorkCalendarForm(forms.ModelForm):
    """Working days picked as weekdays (stored as ISO digits, e.g. "12345")."""

    weekdays = forms.MultipleChoiceField(
        label=_("工作日"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选每周的工作日；法定节假日和调休上班日在下方“特殊日期”中设置"),
    )

    class Meta:
        model = WorkCalendar
        fields = ["name", "is_default", "weekdays"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial["weekdays"] = list(self.instance.weekdays or "12345")

    def clean_weekdays(self) -> str:
        return "".join(sorted(set(self.cleaned_data["weekdays"])))


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    """Every save of a calendar, a period or a day clears the cached calendar (``governance.signals``)."""

    form = WorkCalendarForm
    list_display = ["name", "is_default", "weekday_names"]
    list_filter = ["is_default"]
    search_fields = ["name"]
    inlines = [OfficePeriodInline, CalendarDayInline]

    @admin.display(description=_("工作日"))
    def weekday_names(self, obj: WorkCalendar) -> str:
        names = dict(WEEKDAY_CHOICES)
        return _("、").join(str(names[d]) for d in obj.weekdays if d in names) or "—"


@admin.register(OfficePeriod)
class OfficePeriodAdmin(admin.ModelAdmin):
    list_display = ["calendar", "start", "end"]
    list_filter = ["calendar"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note", "calendar"]
    list_filter = ["kind", "calendar"]
    search_fields = ["note"]
    date_hierarchy = "date"
