"""Real Celery processes for the integration tests: workers and beat on the test database, a private Redis.

The test process and the subprocesses share the database pytest-django created (``test_<name>``):
its name goes to them in ``DATABASE_URL``. They talk through Redis (``REDIS_URL``, a dedicated DB
number flushed at start, or a private ``redis-server`` this module starts on its own port so it can be
killed and restarted without touching anyone else's Redis). Every process runs in its own process
group and is killed with its children at teardown. Nothing is mocked: the tests assert on rows.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SWEEP_INTERVAL = 2.0


def wait_for(predicate: Callable[[], object], *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def database_url_for_subprocesses() -> str:
    """``DATABASE_URL`` pointing at the database this test runs on (pytest-django's ``test_<name>``)."""
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    auth = f"{user}:{s['PASSWORD']}@" if s.get("PASSWORD") else f"{user}@"
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


class RedisServer:
    """A private, disk-less redis-server (``--save "" --appendonly no``): kill -9 and restart lose everything."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir = port, workdir
        self.proc: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        log = open(self.workdir / f"redis-{self.port}.log", "ab")
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()  # the child has its own descriptor
        wait_for(self.ping, timeout=10, what=f"redis on port {self.port}")
        return self

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    def kill(self) -> None:
        """SIGKILL: nothing is saved, every queued message is gone."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


class CeleryCluster:
    """Workers and beat as subprocesses (``celery -A config …``) on the test database and one broker."""

    def __init__(self, broker_url: str, workdir: Path, **env: str) -> None:
        self.broker_url = broker_url
        self.workdir = workdir
        self.extra_env = env
        self.procs: dict[str, subprocess.Popen] = {}
        self._app: Celery | None = None

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url_for_subprocesses(),
            "REDIS_URL": self.broker_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL),
            "VAR_DIR": str(self.workdir),
            "DB_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.log_path(name), "ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()  # the child has its own descriptor
        self.procs[name] = proc
        return proc

    def log_path(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def log(self, name: str) -> str:
        path = self.log_path(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def start_worker(self, name: str = "w1", *, concurrency: int = 1, timeout: float = 30) -> subprocess.Popen:
        """Start a worker and wait for its "ready" line (the log says it consumes from the broker)."""
        marker = len(self.log(name))
        proc = self._spawn(
            name,
            [
                "worker",
                "-n",
                f"{name}@%h",
                f"--concurrency={concurrency}",
                "--pool=prefork",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )

        def ready() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"worker {name} exited:\n{self.log(name)[-3000:]}")
            return " ready." in self.log(name)[marker:]

        wait_for(ready, timeout=timeout, what=f"worker {name} to be ready")
        return proc

    def start_beat(self, timeout: float = 30) -> subprocess.Popen:
        schedule = self.workdir / "celerybeat-schedule"
        for leftover in self.workdir.glob("celerybeat-schedule*"):
            leftover.unlink()
        proc = self._spawn("beat", ["beat", "-s", str(schedule), "--loglevel=INFO"])
        wait_for(
            lambda: "beat: Starting" in self.log("beat") or proc.poll() is not None,
            timeout=timeout,
            what="beat to start",
        )
        assert proc.poll() is None, self.log("beat")
        return proc

    def app(self) -> Celery:
        """A client app on the same broker (the test process itself runs tasks eagerly; this one sends).

        Never the *current* app: ``shared_task`` proxies (``deliver_due.delay()`` in an ``on_commit``) resolve to the
        current app, and a client app made current would send every later task of the test process to this
        broker (a private Redis that a test killed) under a registry without the project's tasks — the robust
        ``on_commit`` swallows the error, and nothing reaches the next test's worker."""
        if self._app is None:
            self._app = Celery("integration-client", broker=self.broker_url, set_as_current=False)
            self._app.conf.broker_connection_retry_on_startup = True
        return self._app

    def send(self, task: str, *args) -> None:
        """Publish ``task`` and let go of the connection (a broker killed later leaves nothing dangling here)."""
        app = self.app()
        app.send_task(task, args=args)
        self._app = None
        app.close()

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (the worker and its pool children)."""
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)
        if self._app is not None:
            try:
                self._app.close()
            except Exception:  # a broker the test killed: nothing left to close cleanly
                pass
            self._app = None


def flush_redis_db(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def make_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="gridcase-integration-"))
