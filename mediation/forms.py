"""Forms of the mediation pages (the shape of the input; the services check the rest)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.hostile_input import whole_number
from core.limits import LONG_TEXT
from core.validators import validate_contact_phone
from governance.models import Category, Region, User
from grids.models import Grid
from grids.selectors import communities_for

from .choices import DisputeKind, Outcome, PartyKind, PartyRole, Place, Risk, Track

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PARTY_ROWS = 3


class DisputeForm(forms.Form):
    title = forms.CharField(label=_("纠纷事由"), max_length=200)
    kind = forms.ChoiceField(label=_("纠纷类型"), choices=DisputeKind.choices)
    description = forms.CharField(max_length=LONG_TEXT, label=_("基本情况"), widget=forms.Textarea(attrs={"rows": 3}))
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Grid.objects.none(), required=False)
    community = forms.ModelChoiceField(label=_("社区"), queryset=Region.objects.none(), required=False)
    amount = forms.DecimalField(label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False)
    risk = forms.ChoiceField(label=_("风险等级"), choices=Risk.choices)
    source_case = forms.CharField(
        label=_("来源事件编号（选填）"),
        max_length=32,
        required=False,
        help_text=_("从事件登记时填写事件编号，如 XG-2026-000046：纠纷的地点随事件"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        communities = communities_for(user)
        self.fields["community"].queryset = communities
        self.fields["grid"].queryset = Grid.objects.filter(community__in=communities).order_by("code")
        for i in range(PARTY_ROWS):
            required = i < 2
            self.fields[f"party{i}_name"] = forms.CharField(
                label=_("当事人%(n)s 姓名/名称") % {"n": i + 1}, max_length=100, required=required
            )
            self.fields[f"party{i}_kind"] = forms.ChoiceField(label=_("类型"), choices=PartyKind.choices)
            self.fields[f"party{i}_role"] = forms.ChoiceField(
                label=_("身份"),
                choices=PartyRole.choices,
                initial=[PartyRole.APPLICANT, PartyRole.RESPONDENT, PartyRole.OTHER][i],
            )
            self.fields[f"party{i}_phone"] = forms.CharField(
                label=_("联系电话"), max_length=20, required=False, validators=[validate_contact_phone]
            )

    def clean_source_case(self) -> int | None:
        """The case by the number people see on it (XG-2026-000046), or by its internal id as the API takes it; one
        answer whether it does not exist or is not the user's to see (existence must not leak)."""
        from cases.selectors import case_queryset_for

        raw = self.cleaned_data["source_case"].strip()
        if not raw:
            return None
        scope = case_queryset_for(self.user)
        pk = whole_number(raw)
        found = scope.filter(pk=pk) if pk is not None else scope.filter(number=raw.upper())
        case_id = found.values_list("pk", flat=True).first()
        if case_id is None:
            raise forms.ValidationError(
                _("没有找到编号为“%(number)s”的事件，或它不在您的辖区") % {"number": raw}, code="source_case"
            )
        return case_id

    def parties(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {
                "name": d[f"party{i}_name"],
                "kind": d[f"party{i}_kind"],
                "role": d[f"party{i}_role"],
                "phone": d[f"party{i}_phone"],
            }
            for i in range(PARTY_ROWS)
            if d.get(f"party{i}_name")
        ]


class StartForm(forms.Form):
    track = forms.ChoiceField(label=_("调解类型"), choices=Track.choices)
    mediator_body = forms.CharField(
        label=_("调解组织"), max_length=120, help_text=_("如：雄关社区人民调解委员会、司法所、派出所、人民法院")
    )


class TransferForm(StartForm):
    reason = forms.CharField(label=_("转换原因"), max_length=300)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = communities_for(user)
        self.fields["handler"].queryset = (
            User.objects.filter(is_active=True)
            .filter(
                Q(region__in=communities)
                | Q(region__in=communities.values("parent_id"))
                | Q(grid_assignments__grid__community__in=communities, grid_assignments__ended_on__isnull=True)
            )
            .distinct()
            .order_by("username")
        )


class SessionForm(forms.Form):
    held_at = forms.DateTimeField(label=_("调解时间"), widget=DT)
    place = forms.CharField(label=_("调解地点"), max_length=200)
    mediators = forms.CharField(label=_("调解员"), max_length=200)
    level = forms.ChoiceField(label=_("调解层级"), choices=[("", _("按本人所在层级")), *Place.choices], required=False)
    notes = forms.CharField(
        max_length=LONG_TEXT, label=_("调解情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    outcome = forms.ChoiceField(label=_("结果"), choices=Outcome.choices)
    agreement_text = forms.CharField(
        max_length=LONG_TEXT, label=_("协议内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    signatories = forms.CharField(label=_("签字人"), required=False, help_text=_("用逗号或顿号分隔，至少两人"))
    judicial_confirmation = forms.BooleanField(label=_("申请司法确认"), required=False)
    confirmation_court = forms.CharField(label=_("确认法院"), max_length=120, required=False)
    confirmation_date = forms.DateField(
        label=_("确认日期"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    referred_to = forms.CharField(label=_("移交单位"), max_length=120, required=False)

    def clean_signatories(self) -> list[str]:
        raw = self.cleaned_data["signatories"]
        for sep in ("，", "、", ";", "；"):
            raw = raw.replace(sep, ",")
        return [s.strip() for s in raw.split(",") if s.strip()]


class ToCaseForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("事项小类"), queryset=Category.objects.filter(parent__isnull=False, active=True).order_by("code")
    )


class ReferForm(forms.Form):
    referred_to = forms.CharField(label=_("移交单位"), max_length=120)
    reason = forms.CharField(label=_("移交原因"), max_length=300)
