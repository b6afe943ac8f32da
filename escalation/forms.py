"""Forms of the whistle page and the liaison inbox. They shape input only; the services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import MultipleFileField, MultipleFileInput
from cases.selectors import rule_departments
from core.errors import InvalidInput
from core.labels import name_within
from governance.choices import TimeUnit
from governance.models import Department
from governance.selectors import calendar_spec

from .selectors import whistleable_departments
from .services.whistles import MAX_REPORT_IN_MINUTES, response_limit_checked

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DepartmentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return name_within(obj.name, obj.region.name)


class WhistleForm(forms.Form):
    """吹哨: which departments, why, and the two limits (report-in in minutes; response in the work calendar)."""

    departments = DepartmentChoices(
        label=_("召集部门（可多选）"), queryset=Department.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("吹哨事由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明需要各部门做什么，部门联络员在待办中看到"),
    )
    report_in_minutes = forms.IntegerField(
        label=_("报到时限（分钟）"), initial=30, min_value=1, max_value=MAX_REPORT_IN_MINUTES
    )
    response_limit = forms.IntegerField(label=_("反馈时限"), initial=1, min_value=1)
    response_unit = forms.ChoiceField(label=_("反馈时限单位"), choices=TimeUnit.choices, initial=TimeUnit.WORKING_DAYS)

    def __init__(self, *args, case=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = whistleable_departments()
        if case is not None:  # the departments the jurisdiction list names for the matter, as the dispatch form
            self.fields["departments"].initial = rule_departments(case)

    def clean(self) -> dict:
        """The response limit at most the horizon in its unit (the service's own check and message)."""
        data: dict[str, Any] = super().clean() or {}
        limit, unit = data.get("response_limit"), data.get("response_unit")
        if limit is not None and unit:
            try:
                response_limit_checked(limit, unit=unit, cal=calendar_spec())
            except InvalidInput as exc:
                self.add_error("response_limit", exc.message)
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "department_ids": [dep.id for dep in d["departments"]],
            "reason": d["reason"],
            "report_in_minutes": d["report_in_minutes"],
            "response_limit": d["response_limit"],
            "response_unit": d["response_unit"],
        }


class RespondForm(forms.Form):
    text = forms.CharField(
        label=_("反馈内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("处置情况、结论或下一步安排"),
    )
    files = MultipleFileField(
        label=_("照片或材料（可多选）"), widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"})
    )


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(label=_("申请延至"), widget=DATETIME_WIDGET)
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：不属本部门职责，建议召集××部门"),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：召集错了部门，或已无需该部门到场；部门联络员会收到通知"),
    )


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=[("approve", _("批准")), ("refuse", _("驳回"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    due_at = forms.DateTimeField(label=_("批准延至（不填则按申请）"), required=False, widget=DATETIME_WIDGET)
    note = forms.CharField(
        label=_("说明（驳回时必填）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EmptyForm(forms.Form):
    """Actions without input (report in, confirm done)."""


#: The form of each summons action on the web pages.
ACTION_FORMS: dict[str, type[forms.Form]] = {
    "report_in": EmptyForm,
    "respond": RespondForm,
    "extension": ExtensionForm,
    "return": ReturnForm,
    "complete": EmptyForm,
    "decide_extension": DecideExtensionForm,
    "withdraw": WithdrawForm,
}
