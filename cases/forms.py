"""Forms of the case pages: filing (grid worker / centre staff), the public citizen report, the list filter,
the action forms of the case page, and the citizen's rating.

Forms only shape and check input; every write goes through ``cases.services`` (``case_file``,
``case_transition``, ``case_rate_by_citizen``), whose domain errors the views turn back into form errors.
File content (type, size) is checked by ``cases.evidence`` inside the services, not here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from core.hostile_input import whole_number
from core.labels import name_within
from core.once import SubmissionField
from core.roles import is_centre_staff
from core.validators import validate_contact_phone
from core.widgets import QuickSelect
from governance.choices import Level, RegionLevel, Role
from governance.models import Category, Department, Region
from grids.models import Grid
from residents.models import House

from . import transitions
from .choices import HANDLER_RETURN_REASONS, Channel, RatingResult, Status
from .evidence import screen_file

#: At most this many files per upload field (a phone can pick many at once; the service checks each one).
MAX_FILES = 9

#: Channels centre staff may choose when they file on someone's behalf.
STAFF_CHANNELS = [Channel.HOTLINE, Channel.WALK_IN, Channel.MESSAGE_BOARD, Channel.PATROL]

PHOTO_ATTRS = {"accept": "image/*", "capture": "environment"}
EVIDENCE_ATTRS = {"accept": "image/*,application/pdf,video/mp4"}


# --- widgets and fields ------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (possibly empty). Size and type by content are checked here,
    with the form's other fields (``evidence.screen_file``); the service checks again and re-encodes images."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传 %(n)s 个文件") % {"n": MAX_FILES}, code="too_many")
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            try:
                screen_file(upload)
            except InvalidInput as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return cleaned


class SubcategorySelect(forms.Select):
    """小类 options grouped by 大类, each option carrying ``data-major`` so a few lines of JS can filter them."""

    def __init__(self, *args, major_of: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.major_of = major_of or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        major = self.major_of.get(str(value))
        if major:
            option["attrs"]["data-major"] = major
        return option


class CategoryChoiceField(forms.ModelChoiceField):
    """A 大类 or 小类 by its code and its name in the reader's language."""

    def label_from_instance(self, obj: Category) -> str:
        return obj.coded_label


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Grid) -> str:
        return name_within(obj.name, obj.community.name)


class DepartmentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.name


def active_majors() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True, active=True).order_by("code")


def _subcategory_choices(*, with_code: bool = True) -> tuple[list, dict[str, str]]:
    """The 小类 grouped under their 大类; staff see each one's catalogue code, citizens its name only (the code's
    first two digits are the grade band, not the 大类 — "0204" under 市容环境 means nothing to a resident)."""
    subs = Category.objects.filter(parent__isnull=False, active=True, parent__active=True).select_related("parent")
    groups: dict[int, tuple[str, list]] = {}
    major_of: dict[str, str] = {}
    for sub in subs.order_by("parent__code", "code"):
        label = sub.coded_label if with_code else sub.label
        groups.setdefault(sub.parent_id, (sub.parent.label, []))[1].append((str(sub.id), label))
        major_of[str(sub.id)] = str(sub.parent_id)
    choices = [("", _("请选择小类"))] + [(label, opts) for label, opts in groups.values()]
    return choices, major_of


def communities_for(user) -> QuerySet[Region]:
    """Communities a form may offer: everything for anonymous citizens and admins, the region's own for staff."""
    from governance.selectors import region_descendant_ids

    qs = Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent").order_by("parent__code", "code")
    if user is None or not user.is_authenticated or user.is_admin:
        return qs
    if is_centre_staff(user):
        return qs.filter(id__in=region_descendant_ids(user.region))
    return qs.none()


def _community_choices(communities: QuerySet[Region]) -> list:
    groups: dict[int, tuple[str, list]] = {}
    for c in communities:
        groups.setdefault(c.parent_id, (c.parent.name if c.parent else "", []))[1].append((str(c.id), c.name))
    return [("", _("请选择社区"))] + [(label, opts) for label, opts in groups.values()]


# --- filing ----------------------------------------------------------------------------------------


class CategoryPlaceMixin(forms.Form):
    """The fields staff and citizens share: 大类/小类, address, optional coordinates, description, photos."""

    #: Whether the 小类 choices show their catalogue codes (staff forms do; the citizens' form does not).
    category_codes = True

    major = CategoryChoiceField(
        label=_("大类"), queryset=Category.objects.none(), required=False, empty_label=_("全部大类")
    )
    category = forms.ChoiceField(label=_("小类"))
    address = forms.CharField(
        label=_("详细地址"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：雄关路 12 号 3 号楼东侧"), "autocomplete": "off"}),
    )
    lat = forms.FloatField(
        label=_("纬度"),
        required=False,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lng = forms.FloatField(
        label=_("经度"),
        required=False,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("情况描述"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("发生了什么、影响范围、持续多久……")}),
    )
    photos = MultipleFileField(
        label=_("现场照片"),
        widget=MultipleFileInput(attrs=PHOTO_ATTRS),
        help_text=_("可选多张，单张不超过 10 MB"),
    )

    def _offer_communities(self, communities: QuerySet[Region]) -> None:
        """The community choices, and the lookup ``clean_community`` checks a posted id against."""
        self.fields["community"].choices = _community_choices(communities)
        self._communities = {str(c.id): c for c in communities}

    def clean_community(self) -> Region | None:
        value = self.cleaned_data.get("community")
        if not value:
            return None
        community = self._communities.get(str(value))
        if community is None:
            raise forms.ValidationError(_("请选择有效的社区"))
        return community

    def _setup_categories(self) -> None:
        major = self.fields["major"]
        assert isinstance(major, CategoryChoiceField)
        major.queryset = active_majors()
        if not self.category_codes:  # a resident reads the names only
            major.label_from_instance = lambda c: c.label  # type: ignore[method-assign]
        choices, major_of = _subcategory_choices(with_code=self.category_codes)
        self.fields["category"].choices = choices
        self.fields["category"].widget = SubcategorySelect(choices=choices, major_of=major_of)
        self._major_of = major_of

    def clean_category(self) -> Category:
        value = self.cleaned_data["category"]
        category = Category.objects.filter(pk=value, parent__isnull=False, active=True).select_related("parent")
        found = category.first()
        if found is None:
            raise forms.ValidationError(_("请选择一个启用的事项小类"))
        return found

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None) and not self.has_error("lat"):
            self.add_error("lat", _("经纬度必须同时填写（可点击“使用我的位置”）"))
        category, major = data.get("category"), data.get("major")
        if category is not None and major is not None and category.parent_id != major.id:
            self.add_error("category", _("所选小类不属于所选大类"))
        return data


class HouseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: House) -> str:
        return obj.address


class CaseFileForm(CategoryPlaceMixin):
    """A grid worker (or centre staff) files a case. Grid workers choose among their own grids."""

    submission = SubmissionField()  # a double tap files once (core.once)

    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        required=False,
        help_text=_("可不填，默认使用小类名称"),
    )
    grid = GridChoiceField(label=_("网格"), queryset=Grid.objects.none(), required=False, empty_label=_("请选择网格"))
    community = forms.ChoiceField(label=_("社区"), required=False, help_text=_("不清楚网格时可只选社区"))
    house = HouseChoiceField(
        label=_("房屋"),
        queryset=House.objects.none(),
        required=False,
        empty_label=_("不涉及具体房屋"),
        help_text=_("事件涉及网格内某一户时选择"),
    )
    channel = forms.ChoiceField(label=_("来源渠道"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    citizen_name = forms.CharField(label=_("反映人姓名"), max_length=50, required=False)
    citizen_phone = forms.CharField(
        label=_("反映人电话"),
        max_length=20,
        required=False,
        validators=[validate_contact_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    field_order = [
        "major",
        "category",
        "title",
        "description",
        "grid",
        "community",
        "house",
        "address",
        "lat",
        "lng",
        "photos",
        "channel",
        "citizen_name",
        "citizen_phone",
    ]

    def __init__(self, *args, user, house: House | None = None, **kwargs) -> None:
        """``house``: a home the user may see to file about (``?house=`` from its page): preselected, with its
        grid and address."""
        super().__init__(*args, **kwargs)
        from grids.selectors import grids_visible_to, grids_worked_by
        from residents.selectors import houses_visible_to

        self.user = user
        self._setup_categories()
        self.is_grid_worker = user.role == Role.GRID_WORKER and not user.is_admin
        houses = houses_visible_to(user=user).order_by("building__name", "unit", "floor", "number", "id")
        house_field = self.fields["house"]
        assert isinstance(house_field, forms.ModelChoiceField)
        if self.is_grid_worker:
            # A grid worker picks among the homes of their grids (some hundreds per grid).
            house_field.queryset = houses
        else:
            # Centre staff reach thousands of homes: only the one they came from (or posted) is offered.
            posted = self.data.get("house") if self.is_bound else None
            wanted = house.pk if house is not None else whole_number(posted)
            if wanted:
                house_field.queryset = houses.filter(pk=wanted)
            else:
                del self.fields["house"]
        if "house" in self.fields:
            # Address or home: neither is required alone (no asterisk), ``clean`` asks for one of the two.
            self.fields["address"].required = False
            self.fields["address"].help_text = _("选择了房屋时可不填，默认使用房屋地址")
        if house is not None and not self.is_bound:
            self.initial.setdefault("house", house.pk)
            self.initial.setdefault("grid", house.grid_id)
            self.initial.setdefault("address", house.address)
        if self.is_grid_worker:
            grids = grids_worked_by(user).select_related("community").defer("boundary").order_by("code")
            self.fields["grid"].queryset = grids
            self.fields["grid"].required = True
            self.fields["grid"].help_text = _("只能在您负责的网格上报")
            own = list(grids[:2])
            if len(own) == 1 and not self.is_bound:
                self.initial.setdefault("grid", own[0].pk)
            for name in ("community", "channel", "citizen_name", "citizen_phone"):
                del self.fields[name]
        else:
            self.fields["grid"].queryset = grids_visible_to(user).defer("boundary").order_by("code")
            self.fields["grid"].help_text = _("不选网格时，可填坐标自动定位或选择社区")
            communities = communities_for(user)
            self._offer_communities(communities)
            self.initial.setdefault("channel", Channel.HOTLINE)

    def clean(self) -> dict:
        data: dict[str, Any] = super().clean() or {}
        house, grid = data.get("house"), data.get("grid")
        if house is not None and grid is not None and house.grid_id != grid.id:
            self.add_error("house", _("所选房屋不在所选网格内"))
        if "house" in self.fields and not data.get("address") and not self.has_error("address"):
            if house is None:  # a home alone is enough: case_file gives the case its address
                self.add_error(
                    "address", forms.ValidationError(_("请填写详细地址，或选择事件涉及的房屋"), code="required")
                )
        return data

    def service_kwargs(self) -> dict:
        """Keyword arguments for ``services.case_file`` (without actor, files and now)."""
        d = self.cleaned_data
        category = d["category"]
        kwargs = {
            "category": category,
            "title": (d.get("title") or "").strip() or category.name,
            "description": d["description"],
            "address": d["address"],
            "lat": d.get("lat"),
            "lng": d.get("lng"),
            "grid": d.get("grid"),
            "house": d.get("house"),
        }
        if self.is_grid_worker:
            kwargs["channel"] = Channel.PATROL
        else:
            kwargs.update(
                community=d.get("community"),
                channel=d["channel"],
                citizen_name=d.get("citizen_name") or "",
                citizen_phone=d.get("citizen_phone") or "",
            )
        return kwargs


class CitizenReportForm(CategoryPlaceMixin):
    """The public report form (no account): what, where (community + address, optional coordinates), photos,
    optional name and phone (kept private: only the handling street's staff see them)."""

    category_codes = False

    submission = SubmissionField()  # a double tap files once (core.once)
    community = forms.ChoiceField(label=_("所在街道 / 社区"), required=False)
    citizen_name = forms.CharField(label=_("您的称呼（选填）"), max_length=50, required=False)
    citizen_phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=20,
        required=False,
        validators=[validate_contact_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("仅承办街道工作人员可见，用于回访"),
    )
    field_order = [
        "major",
        "category",
        "description",
        "community",
        "address",
        "lat",
        "lng",
        "photos",
        "citizen_name",
        "citizen_phone",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._setup_categories()
        communities = communities_for(None)
        self._offer_communities(communities)
        self.fields["community"].help_text = _("不清楚所属社区时，可点击“使用我的位置”")

    def clean(self) -> dict:
        data = super().clean()
        # Told together with the form's other errors (not only once they are fixed); but not when the coordinates
        # were given and refused — their own error says what to mend.
        if (
            not data.get("community")
            and data.get("lat") is None
            and not self.has_error("lat")
            and not self.has_error("lng")
        ):
            self.add_error("community", _("请选择所在社区，或使用您的位置"))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        category = d["category"]
        address = d["address"].strip()
        return {
            "category": category,
            "title": f"{category.name}：{address}"[:200],
            "description": d["description"],
            "address": address,
            "lat": d.get("lat"),
            "lng": d.get("lng"),
            "community": d.get("community"),
            "channel": Channel.CITIZEN_WEB,
            "citizen_name": d.get("citizen_name") or "",
            "citizen_phone": d.get("citizen_phone") or "",
        }


# --- the list filter ------------------------------------------------------------------------------------


LIGHT_CHOICES = [("", _("全部")), ("red", _("红灯·超时")), ("yellow", _("黄灯·临期")), ("green", _("绿灯·正常"))]


class CaseFilterForm(forms.Form):
    """The case list's GET filter. Choices for grid are limited to what the user may see."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("编号、标题或地址")}),
    )
    # QuickSelect: every select renders its options in one pass (core.widgets) — a district's 200 grids and the
    # catalogue's categories, and the short lists too (through Django's per-option templates they cost 10 ms a page).
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *Status.choices], widget=QuickSelect
    )
    level = forms.ChoiceField(
        label=_("层级"), required=False, choices=[("", _("全部")), *Level.choices], widget=QuickSelect
    )
    light = forms.ChoiceField(label=_("红黄绿灯"), required=False, choices=LIGHT_CHOICES, widget=QuickSelect)
    channel = forms.ChoiceField(
        label=_("来源"), required=False, choices=[("", _("全部")), *Channel.choices], widget=QuickSelect
    )
    category = CategoryChoiceField(
        label=_("小类"), required=False, queryset=Category.objects.none(), empty_label=_("全部"), widget=QuickSelect
    )
    grid = GridChoiceField(
        label=_("网格"), required=False, queryset=Grid.objects.none(), empty_label=_("全部"), widget=QuickSelect
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[("", _("最新上报在前")), ("reported", _("最早上报在前")), ("due", _("时限最近在前"))],
        widget=QuickSelect,
    )

    #: The list's order for each ``sort`` choice: each served by a (place, column) index of the case table, and
    #: ended by the id so that keyset pages (``core.pagination``) have a unique boundary.
    ORDERINGS = {
        "": ("-reported_at", "-id"),
        "reported": ("reported_at", "id"),
        "due": ("due_at", "id"),
    }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from grids.selectors import grids_visible_to

        self.fields["category"].queryset = Category.objects.filter(parent__isnull=False).order_by("code")
        self.fields["grid"].queryset = grids_visible_to(user).defer("boundary").order_by("code")
        if user.role == Role.LIAISON and not user.is_admin:
            del self.fields["grid"]

    def filter(self, qs, *, now):
        """Apply the valid filters to ``qs`` (invalid ones are ignored, and shown as errors)."""
        from django.db.models import Q

        from .selectors import light_filter

        if not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(address__icontains=q))
        for field in ("status", "level", "channel"):
            if data.get(field):
                qs = qs.filter(**{field: data[field]})
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("grid"):
            qs = qs.filter(grid=data["grid"])
        if data.get("light"):
            qs = qs.filter(light_filter(data["light"], now))
        return qs

    def ordering(self) -> tuple[str, ...]:
        """The chosen order (newest first when none is chosen or the choice is not one of ours)."""
        sort = self.data.get("sort") if self.is_bound else ""
        return self.ORDERINGS.get(sort if isinstance(sort, str) else "", self.ORDERINGS[""])

    @property
    def active_count(self) -> int:
        """How many filters are set (the order is not a filter)."""
        if not self.is_bound:
            return 0
        return sum(1 for k in self.fields if k != "sort" and self.data.get(k))


# --- the case page's action forms ---------------------------------------------------------------------


DISPATCH_TARGETS = [("departments", _("职能部门")), ("grid", _("网格团队")), ("region", _("综治中心"))]


class ActionForm(forms.Form):
    """One action of the case page. The fields depend on the action (see ``FIELDS``); all are optional
    here except where the transition needs a note — the service has the last word."""

    FIELDS = {
        "accept": ["note"],
        "reject": ["note"],
        "dispatch": ["target", "departments", "region", "final_ruling", "note"],
        "recall": ["note"],
        "sign": ["note"],
        "return_request": ["reason", "note"],
        "return": ["note"],
        "return_reject": ["final_ruling", "note"],
        "resolve": ["note", "files"],
        "self_handle": ["note", "files"],
        "verify_ok": ["note", "files"],
        "verify_failed": ["note", "files"],
        "close": ["note"],
        "rate": ["result", "contacted", "solved", "note"],
        "reopen": ["note"],
        "hold": ["hold_until", "note"],
        "hold_request": ["hold_until", "note"],
        "hold_approve": ["note"],
        "hold_refuse": ["note"],
        "resume": ["note"],
        "extension_request": ["requested_due_at", "note"],
        "extension_approve": ["due_at", "note"],
        "extension_refuse": ["note"],
        "merge": ["into", "note"],
        "escalate": ["from_level", "note"],
        "supervise": ["note"],
        "comment": ["visibility", "note"],
        "note": ["visibility", "note"],
    }

    note = forms.CharField(label=_("说明"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.ChoiceField(
        label=_("派遣给"), choices=DISPATCH_TARGETS, initial="departments", widget=forms.RadioSelect
    )
    departments = DepartmentsField(
        label=_("职能部门（可多选）"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ChoiceField(label=_("综治中心"), required=False)
    final_ruling = forms.BooleanField(label=_("终局裁定（承办方不得再退单）"), required=False)
    reason = forms.ChoiceField(  # chosen, never a default: a 退单 filed under the first reason was no one's choice
        label=_("退单原因"), choices=[("", _("请选择退单原因")), *HANDLER_RETURN_REASONS]
    )
    files = MultipleFileField(label=_("照片或材料"), widget=MultipleFileInput(attrs=EVIDENCE_ATTRS))
    requested_due_at = forms.DateTimeField(
        label=_("申请延至"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    due_at = forms.DateTimeField(
        label=_("批准延至（不填则按申请）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    into = forms.CharField(
        label=_("合并到（事件编号）"), max_length=32, widget=forms.TextInput(attrs={"placeholder": "XG-2026-000001"})
    )
    result = forms.ChoiceField(label=_("评价"), choices=RatingResult.choices, widget=forms.RadioSelect)
    contacted = forms.BooleanField(label=_("已联系上反映人（有效回访）"), required=False, initial=True)
    solved = forms.BooleanField(label=_("反映人认为问题已解决"), required=False)
    hold_until = forms.DateTimeField(
        label=_("预计恢复办理时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # The level the page showed: a second press, or a press after the sweep moved the case, climbs nothing.
    from_level = forms.ChoiceField(choices=Level.choices, required=False, widget=forms.HiddenInput)
    visibility = forms.ChoiceField(
        label=_("谁能看到"),
        choices=[
            ("internal", _("仅工作人员（内部备注，群众看不到）")),
            ("public", _("群众也能看到（显示在进度查询页）")),
        ],
        initial="internal",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, action: str, case, **kwargs) -> None:
        kwargs.setdefault("prefix", form_prefix(action))
        super().__init__(*args, **kwargs)
        self.action = action
        self.transition = transitions.get(action)
        keep = self.FIELDS.get(action, ["note"])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.order_fields(keep)
        note = self.fields["note"]
        note.required = self.transition.needs_note
        note.label = NOTE_LABELS.get(action, note.label)
        if "departments" in self.fields:
            self.fields["departments"].queryset = Department.objects.filter(active=True).order_by("code")
            regions = [r for r in (case.community, case.street, case.district) if r is not None]
            self.fields["region"].choices = [(str(r.id), _("%(r)s综治中心") % {"r": r.name}) for r in regions]
            if not case.grid_id:
                self.fields["target"].choices = [c for c in DISPATCH_TARGETS if c[0] != "grid"]
            from .selectors import rule_departments

            suggested = rule_departments(case)
            if suggested:
                self.fields["departments"].initial = suggested
                self.fields["departments"].help_text = _("已按权责清单预选承办部门，可调整")
        if action in ("comment", "note"):
            note.label = _("留言内容")
            self.fields["visibility"].initial = "public" if action == "comment" else "internal"
        if action == "hold":
            self.fields["hold_until"].required = False
            self.fields["hold_until"].help_text = _("选填：挂账期间时限暂停计算")
        if action == "rate":
            self.fields["note"].label = _("回访意见（电话回访时记录反映人的原话）")
        if action == "escalate":
            self.fields["from_level"].initial = case.level

    def clean(self) -> dict:
        data = super().clean()
        if self.action == "dispatch":
            target = data.get("target")
            if target == "departments" and not data.get("departments"):
                self.add_error("departments", _("请至少选择一个职能部门"))
            if target == "region" and not data.get("region"):
                self.add_error("region", _("请选择综治中心"))
        return data

    def service_kwargs(self) -> dict:
        """Data keyword arguments for ``case_transition`` (note and files included)."""
        d = self.cleaned_data
        kwargs: dict = {"note": d.get("note", "")}
        if "files" in d:
            kwargs["files"] = d["files"]
        if self.action == "dispatch":
            target = d["target"]
            if target == "departments":
                kwargs["departments"] = [dep.id for dep in d["departments"]]
            elif target == "grid":
                kwargs["to_grid"] = True
            else:
                kwargs["region"] = int(d["region"])
            kwargs["final_ruling"] = d.get("final_ruling", False)
        elif self.action == "return_request":
            kwargs["reason"] = d["reason"]
        elif self.action == "return_reject":
            kwargs["final_ruling"] = d.get("final_ruling", False)
        elif self.action in ("hold", "hold_request") and d.get("hold_until"):
            kwargs["hold_until"] = d["hold_until"]
        elif self.action == "extension_request":
            kwargs["requested_due_at"] = d["requested_due_at"]
        elif self.action == "extension_approve" and d.get("due_at"):
            kwargs["due_at"] = d["due_at"]
        elif self.action == "merge":
            kwargs["into"] = d["into"].strip()
        elif self.action == "rate":
            kwargs["result"] = d["result"]
            kwargs["contacted"] = d.get("contacted", False)
            kwargs["solved"] = d.get("solved", False)
        elif self.action == "escalate":
            kwargs["reason"] = "manual"
            if d.get("from_level"):
                kwargs["from_level"] = d["from_level"]
        return kwargs


NOTE_LABELS = {
    "reject": _("不予受理的理由"),
    "return_request": _("退单说明"),
    "return": _("说明（选填）"),
    "return_reject": _("驳回理由"),
    "hold_request": _("挂账理由"),
    "hold_refuse": _("驳回理由"),
    "resolve": _("处置情况"),
    "self_handle": _("处置情况"),
    "verify_failed": _("核查发现的问题"),
    "reopen": _("重办理由"),
    "hold": _("挂账理由"),
    "extension_request": _("延期理由"),
    "extension_refuse": _("驳回理由"),
    "escalate": _("上报理由"),
    "supervise": _("督办意见（承办方会收到通知）"),
    "rate": _("回访意见"),
}


def form_prefix(action: str) -> str:
    """Public comment and internal note share one form on the page (two submit buttons), so one prefix."""
    return "remark" if action in ("comment", "note") else action


# --- the citizen's rating ----------------------------------------------------------------------------------


class CitizenRatingForm(forms.Form):
    result = forms.ChoiceField(
        label=_("您对处理结果是否满意？"), choices=RatingResult.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见或建议（选填）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowMyCaseForm(forms.Form):
    """ "Follow my case" without the private link: the case number and the phone number given when reporting."""

    number = forms.CharField(
        label=_("事件编号"), max_length=32, widget=forms.TextInput(attrs={"placeholder": "XG-2026-000001"})
    )
    phone = forms.CharField(
        label=_("反映时留下的手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
