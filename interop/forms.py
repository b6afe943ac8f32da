"""The street's forms towards the hotline: 退单申请 and 延期申请."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ReturnCode


class ReturnRequestForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("退单原因"), choices=ReturnCode.choices)
    text = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ExtensionRequestForm(forms.Form):
    requested_due_at = forms.DateTimeField(
        label=_("申请延至"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    text = forms.CharField(label=_("理由（含依据）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
