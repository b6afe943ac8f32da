"""/healthz answers 200 when the database and the broker answer, 503 when one of them really does not."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.db.utils import load_backend

from config.celery_app import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "detail": connection.vendor}
    assert body["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_broker_does_not_answer(client, monkeypatch):
    # Nothing listens on port 1: the broker check really tries to connect and fails.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


def _unreachable_connection():
    """A real connection of the configured backend whose server (or file) is not there."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/healthz/db.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=1)
        settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = 2
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, alias="healthz-unreachable")


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    broken = _unreachable_connection()
    monkeypatch.setattr("core.views.connection", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is False
    assert "OperationalError" in body["database"]["detail"]
    assert body["broker"]["ok"] is True


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
