"""The configuration admin: every page loads for an admin, and rule edits become new versions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.models import Department, JurisdictionRule, User

MODELS = [
    "region", "user", "organisation", "cooptedmember", "department", "category", "jurisdictionrule",
    "workcalendar", "officeperiod", "calendarday",
]  # fmt: skip


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_add_pages_load(web, model):
    client = web("admin")
    for view in ("changelist", "add"):
        response = client.get(reverse(f"admin:governance_{model}_{view}"))
        assert response.status_code == 200, (model, view)


def test_admin_site_is_titled_in_chinese(web):
    assert "网格事件管理 · 系统配置" in web("admin").get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize(
    "obj",
    ["region", "department", "category", "rule", "user", "calendar"],
)
def test_change_pages_load(web, world, obj):
    target = {
        "region": lambda: ("region", world.community.pk),
        "department": lambda: ("department", world.departments["cgzf"].pk),
        "category": lambda: ("category", world.categories["0202"].parent_id),
        "rule": lambda: ("jurisdictionrule", JurisdictionRule.objects.filter(valid_to=None).first().pk),
        "user": lambda: ("user", world.liaison.pk),
        "calendar": lambda: ("workcalendar", world.calendar.pk),
    }[obj]()
    response = web("admin").get(reverse(f"admin:governance_{target[0]}_change", args=[target[1]]))
    assert response.status_code == 200


def test_department_page_shows_its_liaisons(web, world):
    html = web("admin").get(reverse("admin:governance_department_changelist")).content.decode()
    assert "城管联络员" in html


def rule_form(rule: JurisdictionRule, **changes) -> dict:
    data = {
        "handler_kind": rule.handler_kind,
        "departments": [d.pk for d in rule.departments.all()],
        "accept_limit": rule.accept_limit,
        "accept_unit": rule.accept_unit,
        "handling_limit": rule.handling_limit,
        "handling_unit": rule.handling_unit,
        "return_limit": rule.return_limit or "",
        "return_unit": rule.return_unit,
        "note": rule.note,
    }
    data.update(changes)
    return data


def test_saving_a_rule_in_the_admin_writes_a_new_version(web, world):
    rule = JurisdictionRule.objects.get(category=world.categories["0202"], valid_to=None)
    client = web("admin")
    url = reverse("admin:governance_jurisdictionrule_change", args=[rule.pk])
    response = client.post(url, rule_form(rule, handling_limit=12, departments=[world.departments["zj"].pk]))
    assert response.status_code == 302
    rule.refresh_from_db()
    new = JurisdictionRule.objects.get(category=world.categories["0202"], valid_to=None)
    assert (rule.handling_limit, rule.is_current) == (15, False)
    assert (new.version, new.handling_limit, new.revised_by) == (2, 12, "admin")
    assert list(new.departments.values_list("code", flat=True)) == ["zj"]


def test_an_old_rule_version_is_read_only_in_the_admin(web, world):
    rule = JurisdictionRule.objects.get(category=world.categories["0202"], valid_to=None)
    client = web("admin")
    url = reverse("admin:governance_jurisdictionrule_change", args=[rule.pk])
    client.post(url, rule_form(rule, handling_limit=12))
    page = client.get(url)
    assert page.status_code == 200 and b'name="handling_limit"' not in page.content
    assert client.post(url, rule_form(rule, handling_limit=20)).status_code == 403
    assert JurisdictionRule.objects.filter(category=world.categories["0202"]).count() == 2


def test_adding_a_second_current_rule_is_a_form_error(web, world):
    client = web("admin")
    data = {
        "category": world.categories["0101"].pk, "level": "grid", "handler_kind": "centre", "accept_limit": 1,
        "accept_unit": "working_hours", "handling_limit": 3, "handling_unit": "working_days",
        "return_unit": "working_hours", "note": "",
    }  # fmt: skip
    response = client.post(reverse("admin:governance_jurisdictionrule_add"), data)
    assert response.status_code == 200
    assert "已有现行规则" in response.content.decode()
    assert JurisdictionRule.objects.filter(category=world.categories["0101"]).count() == 1

    data["level"] = "street"
    assert client.post(reverse("admin:governance_jurisdictionrule_add"), data).status_code == 302
    assert JurisdictionRule.objects.get(category=world.categories["0101"], level="street").revised_by == "admin"


def test_changing_a_users_department_in_the_admin_moves_the_group(web, world):
    user = world.liaison
    client = web("admin")
    url = reverse("admin:governance_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups")}
    data.update(
        {
            "department": world.departments["zj"].pk,
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "region": "",
            "user_permissions": [],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(pk=user.pk)
    assert user.department == world.departments["zj"]
    assert list(user.groups.values_list("name", flat=True)) == ["dept:zj"]


def test_the_user_admin_does_not_offer_department_groups(web, world):
    form = web("admin").get(reverse("admin:governance_user_change", args=[world.liaison.pk])).context["adminform"].form
    assert not form.fields["groups"].queryset.filter(department__isnull=False).exists()
    assert Department.objects.filter(group__isnull=False).count() == 6


def test_save_and_continue_on_a_rule_goes_on_with_the_new_version(web, world):
    """The admin's "save and continue editing" returned to the page it came from — the version just closed,
    read-only, under "you may edit it again below"."""
    rule = JurisdictionRule.objects.get(category=world.categories["0202"], valid_to=None)
    client = web("admin")
    url = reverse("admin:governance_jurisdictionrule_change", args=[rule.pk])
    response = client.post(url, {**rule_form(rule, handling_limit=12), "_continue": "1"})
    new = JurisdictionRule.objects.get(category=world.categories["0202"], valid_to=None)
    assert new.pk != rule.pk
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:governance_jurisdictionrule_change", args=[new.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'name="handling_limit"' in page and 'value="12"' in page  # editable, the new version's values
