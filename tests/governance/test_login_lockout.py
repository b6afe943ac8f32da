"""Failed logins are throttled and locked out per username and per address on every login path.

The login page, the admin login and the API token endpoint share one counter (django-axes); at the limit
a clear 429 message answers, the right password too is refused until the cool-off ends or an administrator
deletes the attempt in the admin, and one log line records the lockout.
"""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from tests.factories.world import PASSWORD

LIMIT = 3

pytestmark = pytest.mark.usefixtures("_lockout_on")


@pytest.fixture
def _lockout_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT):
        yield


def login_page(client: Client, username: str, password: str, *, ip: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def admin_login(client: Client, username: str, password: str, *, ip: str = "10.0.0.1"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def api_token(client: Client, username: str, password: str, *, ip: str = "10.0.0.1"):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


PATHS = {"page": login_page, "admin": admin_login, "api": api_token}


@pytest.mark.parametrize("path", PATHS)
def test_the_limit_locks_the_user_out_even_with_the_right_password(world, path, caplog):
    attempt = PATHS[path]
    user = world.admin  # admin can use all three paths
    for _ in range(LIMIT - 1):
        assert attempt(Client(), user.username, "wrong").status_code in (200, 400)
    with caplog.at_level(logging.WARNING, logger="gridcase.security"):
        locked = attempt(Client(), user.username, "wrong")
    assert locked.status_code == 429
    assert [r for r in caplog.records if "login lockout" in r.getMessage() and user.username in r.getMessage()]
    right = attempt(Client(), user.username, PASSWORD)
    assert right.status_code == 429
    if path == "api":
        assert right.json()["code"] == "locked_out" and "锁定" in right.json()["detail"]
        assert "token" not in right.json()
    else:
        assert "锁定" in right.content.decode()
        assert "_auth_user_id" not in right.client.session
    assert int(right["Retry-After"]) > 0


def test_the_counter_is_shared_across_login_paths(world):
    user = world.street_officer
    login_page(Client(), user.username, "wrong")
    api_token(Client(), user.username, "wrong")
    assert admin_login(Client(), user.username, "wrong").status_code == 429
    assert api_token(Client(), user.username, PASSWORD).status_code == 429


def test_one_address_is_locked_out_whatever_usernames_it_tries(world):
    for name in ("guess1", "guess2", "guess3"):
        login_page(Client(), name, "wrong", ip="10.9.9.9")
    # another user from the same address is refused; the same user from elsewhere is not
    assert login_page(Client(), world.grid_worker.username, PASSWORD, ip="10.9.9.9").status_code == 429
    assert login_page(Client(), world.grid_worker.username, PASSWORD, ip="10.1.1.1").status_code == 302


def test_a_success_before_the_limit_resets_the_count(world):
    user = world.grid_worker
    for _ in range(LIMIT - 1):
        login_page(Client(), user.username, "wrong")
    assert login_page(Client(), user.username, PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):
        login_page(Client(), user.username, "wrong")
    assert login_page(Client(), user.username, PASSWORD).status_code == 302


def test_an_admin_unlocks_by_deleting_the_attempt_in_the_admin(world):
    user = world.grid_worker
    for _ in range(LIMIT):
        login_page(Client(), user.username, "wrong", ip="10.2.2.2")
    assert login_page(Client(), user.username, PASSWORD, ip="10.3.3.3").status_code == 429
    admin = Client()
    admin.force_login(world.admin)
    changelist = admin.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and user.username in changelist.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    resp = admin.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert resp.status_code == 302
    assert login_page(Client(), user.username, PASSWORD, ip="10.3.3.3").status_code == 302


def test_the_limit_is_a_setting(world):
    user = world.grid_worker
    with override_settings(AXES_FAILURE_LIMIT=6):
        for _ in range(5):
            assert login_page(Client(), user.username, "wrong").status_code == 200
        assert login_page(Client(), user.username, "wrong").status_code == 429
