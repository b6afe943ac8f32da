"""Forms of the mobilisation pages: they check the shape of the input; the services check everything else."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import CategoryChoiceField
from core.hostile_input import whole_number
from core.limits import LONG_TEXT
from core.once import SubmissionField
from core.validators import validate_contact_phone
from governance.models import Category, Region, User
from grids.selectors import communities_for

from .choices import (
    POSTABLE_TASK_CHOICES,
    Colour,
    DecisionMode,
    FollowUpKind,
    MeetingFormat,
    Rating,
    RegistrationBasis,
    TopicSource,
)
from .models import RegisteredUnit
from .selectors import units_for

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CommunityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class RegisterForm(forms.Form):
    community = CommunityChoice(label=_("报到社区"), queryset=Region.objects.filter(level="community"))
    basis = forms.ChoiceField(label=_("报到依据"), choices=RegistrationBasis.choices)
    unit = forms.ModelChoiceField(label=_("工作单位"), queryset=RegisteredUnit.objects.all(), required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, validators=[validate_contact_phone])
    skills = forms.CharField(label=_("特长"), max_length=200, required=False)
    availability = forms.CharField(label=_("可服务时间"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class TaskForm(forms.Form):
    community = CommunityChoice(label=_("社区"), queryset=Region.objects.none())
    title = forms.CharField(label=_("任务名称"), max_length=120)
    task_type = forms.ChoiceField(label=_("任务类型"), choices=POSTABLE_TASK_CHOICES)
    place = forms.CharField(label=_("地点"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DT)
    capacity = forms.IntegerField(label=_("人数上限（0 不限）"), min_value=0, max_value=1000, initial=0)
    description = forms.CharField(
        max_length=LONG_TEXT, label=_("任务说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user)


class WishForm(forms.Form):
    submission = SubmissionField()  # a double tap submits once (core.once); not the service's
    community = CommunityChoice(label=_("社区"), queryset=Region.objects.filter(level="community"))
    title = forms.CharField(label=_("心愿"), max_length=100, help_text=_("一句话说清想要什么，如“想要一台助行器”"))
    description = forms.CharField(max_length=LONG_TEXT, label=_("具体说明"), widget=forms.Textarea(attrs={"rows": 3}))
    resident_name = forms.CharField(label=_("居民姓名"), max_length=50)
    resident_phone = forms.CharField(
        label=_("联系电话"), max_length=20, required=False, validators=[validate_contact_phone]
    )
    resident_address = forms.CharField(label=_("住址"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["community"].queryset = communities_for(user)

    def wish(self) -> dict:
        """Keyword arguments for ``services.wish_submit`` (without actor)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "submission"}


class FulfilForm(forms.Form):
    photo = forms.ImageField(label=_("完成照片"))
    note = forms.CharField(
        max_length=LONG_TEXT, label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RuleForm(forms.Form):
    task_type = forms.ChoiceField(label=_("任务类型"))
    points = forms.IntegerField(label=_("每次积分"), min_value=0, max_value=1000)
    monthly_cap = forms.IntegerField(label=_("每月上限（0 不限）"), min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        from .choices import TaskType

        super().__init__(*args, **kwargs)
        self.fields["task_type"].choices = TaskType.choices


class AdjustForm(forms.Form):
    community = CommunityChoice(label=_("社区"), queryset=Region.objects.none())
    delta = forms.IntegerField(label=_("调整分值（可为负）"))
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user)


class PlaceUnitForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("成员单位"), queryset=RegisteredUnit.objects.none())
    place = forms.ModelChoiceField(label=_("社区/街道"), queryset=Region.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user).filter(kind="committee_member")
        places = communities_for(user)
        if user.region_id and user.region.level == "street":
            places = places | Region.objects.filter(pk=user.region_id)
        self.fields["place"].queryset = places


class DutyForm(PlaceUnitForm):
    title = forms.CharField(label=_("责任事项"), max_length=200)
    detail = forms.CharField(max_length=LONG_TEXT, label=_("具体内容"), required=False)


class ReportForm(PlaceUnitForm):
    period = forms.CharField(label=_("期间"), max_length=7, help_text=_("如 2026、2026-H2、2026-Q4"))
    text = forms.CharField(max_length=LONG_TEXT, label=_("述职内容"), widget=forms.Textarea(attrs={"rows": 3}))


class AppraisalForm(PlaceUnitForm):
    period = forms.CharField(label=_("期间"), max_length=7, help_text=_("如 2026、2026-H2、2026-Q4"))
    raters = forms.ModelMultipleChoiceField(label=_("测评人（具名，至少3人）"), queryset=User.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["raters"].queryset = User.objects.filter(is_active=True).order_by("username")


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见"), max_length=300, required=False)


class TriColourForm(forms.Form):
    community = CommunityChoice(label=_("社区"), queryset=Region.objects.none())
    period = forms.CharField(label=_("期间"), max_length=7, help_text=_("如 2026、2026-H2、2026-Q4"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user)


class AdjustColourForm(forms.Form):
    colour = forms.ChoiceField(label=_("研判结果"), choices=Colour.choices)
    reason = forms.CharField(label=_("调整理由"), max_length=300)


class TopicForm(forms.Form):
    community = CommunityChoice(label=_("社区"), queryset=Region.objects.none(), required=False)
    title = forms.CharField(label=_("议题"), max_length=200)
    description = forms.CharField(max_length=LONG_TEXT, label=_("背景"), widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label=_("来源"), choices=TopicSource.choices)
    case = forms.IntegerField(label=_("来源事件编号（内部编号）"), required=False, min_value=1)
    diary_entry_id = forms.IntegerField(label=_("来源民情日记编号"), required=False, min_value=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user)


class MeetingForm(forms.Form):
    format = forms.ChoiceField(label=_("形式"), choices=MeetingFormat.choices)
    held_at = forms.DateTimeField(label=_("时间"), widget=DT)
    place = forms.CharField(label=_("地点"), max_length=200)
    attendees = forms.CharField(
        max_length=LONG_TEXT,
        label=_("参会人员"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一人或用逗号分隔；不会公开"),
    )
    decision_mode = forms.ChoiceField(label=_("议决方式"), choices=DecisionMode.choices)
    options = forms.CharField(
        max_length=LONG_TEXT,
        label=_("方案及票数"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("每行一个方案，投票表决时在末尾写“:票数”，如“加装车棚:12”"),
    )
    decision = forms.CharField(max_length=LONG_TEXT, label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_attendees(self) -> list[str]:
        raw = self.cleaned_data["attendees"].replace("，", ",").replace("\n", ",")
        return [a.strip() for a in raw.split(",") if a.strip()]

    def clean_options(self) -> list[tuple[str, int]]:
        out = []
        for line in self.cleaned_data["options"].splitlines():
            line = line.strip()
            if not line:
                continue
            text, sep, votes = line.replace("：", ":").rpartition(":")
            if sep and (count := whole_number(votes)) is not None:
                out.append((text.strip(), count))
            else:
                out.append((line, 0))
        return out


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("跟进事项"), max_length=200)
    kind = forms.ChoiceField(label=_("落实方式"), choices=FollowUpKind.choices)
    category = CategoryChoiceField(
        label=_("事项小类（转事件时）"),
        queryset=Category.objects.filter(parent__isnull=False, active=True),
        required=False,
    )
    task_type = forms.ChoiceField(
        label=_("任务类型（转服务任务时）"), choices=[("", "—"), *POSTABLE_TASK_CHOICES], required=False
    )
    address = forms.CharField(label=_("地点"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("开始时间（转服务任务时）"), widget=DT, required=False)


class UnitReportForm(forms.Form):
    """A unit's own 述职: the place among those where the unit holds duties, the period and the text."""

    place = CommunityChoice(label=_("社区/街道"), queryset=Region.objects.none())
    period = forms.CharField(label=_("期间"), max_length=7, help_text=_("如 2026、2026-H2、2026-Q4"))
    text = forms.CharField(max_length=LONG_TEXT, label=_("述职内容"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, unit: RegisteredUnit, **kwargs):
        from .models import DutyItem

        super().__init__(*args, **kwargs)
        places = DutyItem.objects.filter(unit=unit, active=True).values("community_id")
        place = self.fields["place"]
        assert isinstance(place, forms.ModelChoiceField)
        place.queryset = Region.objects.filter(pk__in=places).order_by("name")


class UnitAccountForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=RegisteredUnit.objects.none())
    full_name = forms.CharField(label=_("联系人姓名"), max_length=50)
    username = forms.CharField(label=_("登录名"), max_length=150)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, validators=[validate_contact_phone])
    email = forms.EmailField(label=_("电子邮箱"), required=False, help_text=_("通知（如心愿临期）也发到此邮箱"))
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("请当面告知联系人，并提醒其登录后修改"),
    )

    def __init__(self, *args, user, **kwargs):
        from .selectors import managed_units

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = managed_units(user).order_by("name")
