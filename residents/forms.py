"""Forms of the residents pages. They only shape input; the services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.images import photo_too_large
from core.limits import LONG_TEXT
from governance.models import Category

from .choices import DiaryTopic, HouseUse, Mood, PopulationKind
from .models import Resident
from .validators import validate_birth_date, validate_permit_dates, validate_visit_date


class DateInput(forms.DateInput):
    """A browser date picker: its value must be ISO (YYYY-MM-DD), whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ResidentForm(forms.ModelForm):
    """The GB/T 31000 core fields; ID number and phone are plain inputs here, encrypted by the service."""

    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系方式"), max_length=20, required=False)
    house = forms.ModelChoiceField(label=_("现住房屋"), queryset=None, required=True)

    class Meta:
        model = Resident
        fields = [
            "name", "former_name", "sex", "birth_date", "ethnicity", "kind", "hukou_place", "hukou_address",
            "household_number", "relation", "hukou_matches", "inflow_reason", "permit_type", "registered_on",
            "permit_expires_on", "residence_type", "key_attention", "occupation", "employer",
        ]  # fmt: skip
        widgets = {"birth_date": DateInput, "registered_on": DateInput, "permit_expires_on": DateInput}

    def __init__(self, *args, houses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = houses
        self.fields["sex"].required = False
        self.fields["birth_date"].validators.append(validate_birth_date)

    def clean(self) -> dict[str, Any]:
        """The permit's dates (``validate_permit_dates``), each refusal next to its own field (only for a floating
        resident: for the others ``resident_save`` drops both dates)."""
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == PopulationKind.FLOATING:
            try:
                validate_permit_dates(data.get("registered_on"), data.get("permit_expires_on"))
            except forms.ValidationError as exc:
                field = "registered_on" if (exc.code or "").startswith("registered_on") else "permit_expires_on"
                self.add_error(field, exc)
        return data


class PhotoField(forms.ImageField):
    """An image, at most ``EVIDENCE_MAX_PIXELS`` pixels (as case evidence). Django's own field calls a picture Pillow
    will not open for its size (a decompression bomb, a few kilobytes of PNG for 30000 × 30000 pixels) "not an image
    or corrupted"; here its header is read first and the answer is that it is too large, with the limit."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            data.seek(0)
            refusal = photo_too_large(data.read())
            data.seek(0)
            if refusal is not None:
                raise ValidationError(refusal, code="image_too_large")
        return super().to_python(data)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput, validators=[validate_visit_date])
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    found = forms.CharField(max_length=LONG_TEXT, label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.BooleanField(label=_("需要跟进"), required=False)
    photo = PhotoField(label=_("照片"), required=False)
    also_diary = forms.BooleanField(label=_("保存后接着写民情日记（带入走访内容）"), required=False)


class DiaryForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("网格"), queryset=None)
    house = forms.ModelChoiceField(label=_("房屋"), queryset=None, required=False)
    place = forms.CharField(label=_("地点"), max_length=200, required=False, help_text=_("没有房屋时填写地点"))
    topic = forms.ChoiceField(label=_("主题"), choices=DiaryTopic.choices)
    mood = forms.ChoiceField(label=_("情绪"), choices=Mood.choices, initial=Mood.NEUTRAL)
    text = forms.CharField(max_length=LONG_TEXT, label=_("内容"), widget=forms.Textarea(attrs={"rows": 5}))
    needs_follow_up = forms.BooleanField(label=_("需要跟进"), required=False)
    category = forms.ModelChoiceField(
        label=_("事项类别"),
        queryset=Category.objects.filter(parent__isnull=False, active=True),
        required=False,
        help_text=_("选了类别，一键即可转为事件"),
    )

    def __init__(self, *args, grids=None, houses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["house"].queryset = houses
        if grids is not None and grids.count() == 1:
            self.fields["grid"].initial = grids.first().pk


class HouseForm(forms.Form):
    unit = forms.IntegerField(label=_("单元"), min_value=1, initial=1)
    floor = forms.IntegerField(label=_("楼层"), initial=1)
    number = forms.CharField(label=_("门牌号"), max_length=20)
    use = forms.ChoiceField(label=_("用途"), choices=HouseUse.choices)


class ImportForm(forms.Form):
    KINDS = [("houses", _("楼栋与房屋")), ("residents", _("实有人口"))]
    kind = forms.ChoiceField(label=_("导入内容"), choices=KINDS)
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))
