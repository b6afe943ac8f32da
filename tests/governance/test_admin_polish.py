"""The admin as an administrator reads it (issue 10): working days as weekdays, every label a translated word
(not a field name), no bulk delete of versioned rules, no developer words in help texts, and a favicon."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.sites import site
from django.utils import translation

from governance.models import JurisdictionRule, WorkCalendar

#: The apps whose admin pages this project's configuration lives in.
APPS = ("governance", "grids", "cases", "escalation")
DEVELOPER_WORDS = ("外键", "主键", "字段", "JSON", "FK", "foreign key", "ISO")


def _admin_fields():
    for model in list(site._registry):
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.auto_created or not getattr(field, "editable", True):
                continue
            yield model, field


def test_every_admin_field_has_a_human_label_in_both_languages():
    missing, untranslated = [], []
    for model, field in _admin_fields():
        default = field.name.replace("_", " ")
        with translation.override("zh-hans"):
            zh = str(field.verbose_name)
        if zh == default:
            missing.append(f"{model.__name__}.{field.name}")
            continue
        with translation.override("en"):
            en = str(field.verbose_name)
        if en == zh and any("\u4e00" <= ch <= "\u9fff" for ch in zh):
            untranslated.append(f"{model.__name__}.{field.name}: {zh}")
    assert missing == [], "fields without a label"
    assert untranslated == [], "labels without an English translation"


def test_no_developer_words_in_help_texts():
    found = []
    for model, field in _admin_fields():
        text = str(field.help_text or "")
        if any(word.lower() in text.lower() for word in DEVELOPER_WORDS):
            found.append(f"{model.__name__}.{field.name}: {text}")
    assert found == []


@pytest.mark.django_db
def test_versioned_rules_have_no_bulk_delete(rf, admin_user):
    request = rf.get("/admin/governance/jurisdictionrule/")
    request.user = admin_user
    actions = site._registry[JurisdictionRule].get_actions(request)
    assert "delete_selected" not in actions


@pytest.mark.django_db
def test_working_days_are_picked_as_weekdays(admin_client):
    cal = WorkCalendar.objects.create(name="测试日历", weekdays="12345")
    page = admin_client.get(f"/admin/governance/workcalendar/{cal.pk}/change/").content.decode()
    assert 'type="checkbox" name="weekdays" value="1"' in page and "周一" in page and "周日" in page
    assert 'value="12345"' not in page
    response = admin_client.post(
        f"/admin/governance/workcalendar/{cal.pk}/change/",
        {
            "name": "测试日历",
            "weekdays": ["1", "2", "3", "4", "5", "6"],
            "periods-TOTAL_FORMS": "0",
            "periods-INITIAL_FORMS": "0",
            "days-TOTAL_FORMS": "0",
            "days-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cal.refresh_from_db()
    assert cal.weekdays == "123456"
    listing = admin_client.get("/admin/governance/workcalendar/").content.decode()
    assert "周一、周二、周三、周四、周五、周六" in listing


@pytest.mark.django_db
def test_a_favicon_is_served_and_linked(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page
    assert client.get("/favicon.ico").status_code in (200, 301, 302)


def test_admin_registered():
    assert isinstance(site._registry[WorkCalendar], admin.ModelAdmin)
