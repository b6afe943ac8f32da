"""Every API text field of the residents, mobilisation and mediation apps has the length limit of its form (and
has one): a form and its serializer refuse the same text. Long free text is ``core.limits.LONG_TEXT``."""

from __future__ import annotations

import pytest
from django import forms as djforms
from rest_framework import serializers as drf

from core.limits import LONG_TEXT
from mediation import forms as med_forms
from mediation.api import serializers as med_api
from mobilisation import forms as mob_forms
from mobilisation.api import serializers as mob_api
from residents import forms as res_forms
from residents.api import serializers as res_api

PAIRS = [
    (mob_forms.RegisterForm, mob_api.RegistrationInputSerializer),
    (mob_forms.ReasonForm, mob_api.DecisionInputSerializer),
    (mob_forms.TaskForm, mob_api.ServiceTaskInputSerializer),
    (mob_forms.WishForm, mob_api.WishInputSerializer),
    (mob_forms.FulfilForm, mob_api.FulfilInputSerializer),
    (mob_forms.AdjustForm, mob_api.AdjustInputSerializer),
    (mob_forms.DutyForm, mob_api.DutyItemInputSerializer),
    (mob_forms.ReportForm, mob_api.DutyReportInputSerializer),
    (mob_forms.RateForm, mob_api.RateInputSerializer),
    (mob_forms.AdjustColourForm, mob_api.TriColourAdjustInputSerializer),
    (mob_forms.TopicForm, mob_api.TopicInputSerializer),
    (mob_forms.MeetingForm, mob_api.MeetingInputSerializer),
    (mob_forms.FollowUpForm, mob_api.FollowUpInputSerializer),
    (mob_forms.UnitAccountForm, mob_api.UnitAccountInputSerializer),
    (med_forms.DisputeForm, med_api.DisputeInputSerializer),
    (med_forms.StartForm, med_api.StartInputSerializer),
    (med_forms.TransferForm, med_api.TransferInputSerializer),
    (med_forms.SessionForm, med_api.SessionInputSerializer),
    (med_forms.ToCaseForm, med_api.ToCaseInputSerializer),
    (med_forms.ReferForm, med_api.ReferInputSerializer),
    (res_forms.VisitForm, res_api.VisitInputSerializer),
    (res_forms.DiaryForm, res_api.DiaryInputSerializer),
]
NOT_TEXT = {"password"}  # checked by Django's password rules, not a length


@pytest.mark.parametrize(("form", "serializer"), PAIRS, ids=lambda c: c.__name__)
def test_api_text_fields_have_the_limits_of_their_form(form, serializer):
    fields = serializer().fields
    shared = [
        name
        for name, field in form.base_fields.items()
        if type(field) is djforms.CharField and type(fields.get(name)) is drf.CharField and name not in NOT_TEXT
    ]
    for name in shared:
        assert form.base_fields[name].max_length is not None, (form.__name__, name)
        assert fields[name].max_length == form.base_fields[name].max_length, (serializer.__name__, name)


@pytest.mark.django_db
def test_a_too_long_wish_description_is_a_400_on_the_public_api(world):
    from rest_framework.test import APIClient

    from mobilisation.models import Wish

    body = {
        "community": world.community.pk,
        "title": "想要一个助行器",
        "description": "长" * (LONG_TEXT + 1),
        "resident_name": "张大爷",
    }
    response = APIClient().post("/api/v1/public/wishes/", body, format="json")
    assert response.status_code == 400 and "description" in response.json()["errors"]
    assert not Wish.objects.exists()


@pytest.mark.django_db
def test_a_too_long_diary_place_is_a_400_not_a_database_error(world, api):
    from residents.models import DiaryEntry

    body = {"grid": world.grid_a.code, "place": "地" * 201, "text": "路灯不亮"}
    response = api("grid_worker").post("/api/v1/diary-entries/", body, format="json")
    assert response.status_code == 400 and "place" in response.json()["errors"]
    assert not DiaryEntry.objects.exists()


@pytest.mark.django_db
def test_control_characters_are_stripped_from_the_new_apps_input(world, web):
    """The same middleware strips them on every channel: the public wish API (JSON) and the dispute form here."""
    from rest_framework.test import APIClient

    from mediation.models import Dispute
    from mobilisation.models import Wish

    body = {
        "community": world.community.pk,
        "title": "助行器\x01",
        "description": "腿脚\x00不便",
        "resident_name": "张\x1b大爷",
    }
    assert APIClient().post("/api/v1/public/wishes/", body, format="json").status_code == 201
    wish = Wish.objects.get()
    assert (wish.title, wish.description, wish.resident_name) == ("助行器", "腿脚不便", "张大爷")
    form = {
        "title": "漏水\x07纠纷",
        "kind": "neighbour",
        "description": "楼上\x01漏水",
        "risk": "low",
        "community": world.community.pk,
        "party0_kind": "person",
        "party0_role": "applicant",
        "party0_name": "张\x02三",
        "party1_kind": "person",
        "party1_role": "respondent",
        "party1_name": "李四",
        "party2_kind": "person",
        "party2_role": "other",
    }
    assert web("community_officer").post("/mediation/new/", form).status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.title, dispute.description) == ("漏水纠纷", "楼上漏水")
    assert dispute.parties.order_by("id").first().name == "张三"
