"""Production settings: `check --deploy` passes with the environment set, and the secret key is required."""

from __future__ import annotations

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    env.update(extra)
    return env


def _dotenv_sets(name: str) -> bool:
    dotenv = ROOT / ".env"
    return dotenv.exists() and any(line.strip().startswith(f"{name}=") for line in dotenv.read_text().splitlines())


def test_check_deploy_passes_under_production_settings():
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    secret = "".join(secrets.choice(alphabet) for _ in range(64))
    env = _production_env(DJANGO_SECRET_KEY=secret, DJANGO_ALLOWED_HOSTS="example.cn")

    result = _manage("check", "--deploy", env=env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "security.W" not in output, output  # no deployment warning at all, not only no error
    assert "no issues" in output


def test_production_settings_refuse_to_start_without_a_secret_key():
    if _dotenv_sets("DJANGO_SECRET_KEY"):
        pytest.skip(".env in the checkout sets DJANGO_SECRET_KEY")
    env = _production_env(DJANGO_ALLOWED_HOSTS="example.cn")

    result = _manage("check", "--deploy", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_turn_debug_off_and_secure_cookies_on():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS)"
    )
    env = _production_env(DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="example.cn,www.example.cn")

    result = _manage("shell", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False True True True ['example.cn', 'www.example.cn']"


def _variables_read_by_settings() -> set[str]:
    names: set[str] = set()
    for module in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(
            re.findall(r"""\b(?:environ\.)?[eE]nv(?:\(\))?\.[a-z]+\(\s*["']([A-Z][A-Z0-9_]+)["']""", module.read_text())
        )
    return names


def test_every_setting_from_the_environment_is_documented():
    names = _variables_read_by_settings()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "VAR_DIR"} <= names
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in sorted(names):
        assert re.search(rf"^#? ?{name}=", example, re.M), f"{name} missing from .env.example"
        assert f"`{name}`" in readme, f"{name} missing from the README's configuration table"
