"""Every API text field has the same length limit as the form field a person types it into; an oversized
text is a 400 that does not echo it back."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cases import forms
from cases.api import serializers as api
from cases.models import Case
from escalation import forms as escalation_forms
from escalation.api import serializers_summons as summons_api
from interop.open311.serializers import ServiceRequestInput

# (API serializer, field) → (form, field): written out from the pages, the oracle of the limits.
PAIRS = [
    ((api.CaseCreateSerializer, "title"), (forms.CaseFileForm, "title")),
    ((api.CaseCreateSerializer, "description"), (forms.CaseFileForm, "description")),
    ((api.CaseCreateSerializer, "address"), (forms.CaseFileForm, "address")),
    ((api.CaseCreateSerializer, "citizen_name"), (forms.CaseFileForm, "citizen_name")),
    ((api.CaseCreateSerializer, "citizen_phone"), (forms.CaseFileForm, "citizen_phone")),
    ((api.PublicReportSerializer, "description"), (forms.CitizenReportForm, "description")),
    ((api.PublicReportSerializer, "address"), (forms.CitizenReportForm, "address")),
    ((api.PublicReportSerializer, "citizen_name"), (forms.CitizenReportForm, "citizen_name")),
    ((api.PublicReportSerializer, "citizen_phone"), (forms.CitizenReportForm, "citizen_phone")),
    ((ServiceRequestInput, "description"), (forms.CitizenReportForm, "description")),
    ((ServiceRequestInput, "address_string"), (forms.CitizenReportForm, "address")),
    ((api.TransitionInputSerializer, "note"), (forms.ActionForm, "note")),
    ((api.TransitionInputSerializer, "into"), (forms.ActionForm, "into")),
    ((api.EvidenceInputSerializer, "note"), (forms.ActionForm, "note")),
    ((api.RatingInputSerializer, "comment"), (forms.CitizenRatingForm, "comment")),
    ((summons_api.WhistleInputSerializer, "reason"), (escalation_forms.WhistleForm, "reason")),
    ((summons_api.RespondInputSerializer, "text"), (escalation_forms.RespondForm, "text")),
    ((summons_api.ExtensionInputSerializer, "reason"), (escalation_forms.ExtensionForm, "reason")),
    ((summons_api.ReturnInputSerializer, "reason"), (escalation_forms.ReturnForm, "reason")),
    ((summons_api.ExtensionDecisionInputSerializer, "note"), (escalation_forms.DecideExtensionForm, "note")),
]


def form_limit(form_class, name: str) -> int | None:
    return form_class.base_fields[name].max_length


@pytest.mark.parametrize(("api_side", "form_side"), PAIRS, ids=lambda p: f"{p[0].__name__}.{p[1]}")
def test_api_field_has_the_forms_length_limit(api_side, form_side):
    serializer, name = api_side
    limit = serializer().fields[name].max_length
    assert limit is not None and limit == form_limit(*form_side)


def test_every_writable_api_text_field_has_a_limit():
    for serializer in {p[0][0] for p in PAIRS} | {ServiceRequestInput}:
        for name, field in serializer().fields.items():
            if type(field).__name__ == "CharField" and not field.read_only:
                assert field.max_length is not None, f"{serializer.__name__}.{name}"


def test_an_11_mb_description_is_a_short_400_and_files_nothing(world):
    cache.clear()
    data = {"category": "0101", "title": "路边垃圾", "address": "东门", "lat": 39.775, "lng": 98.295}
    response = APIClient().post(
        "/api/v1/public/cases/", {**data, "description": "长" * (11 * 1024 * 1024 // 3)}, format="json"
    )
    assert response.status_code == 400
    assert len(response.content) < 2000
    assert "description" in response.content.decode()
    assert not Case.objects.exists()
