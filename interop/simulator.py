"""A reference 12345 hotline to test against: a small real HTTP server plus a signing client.

It plays the hotline's side of docs/interop-12345.md:

- **sends** work orders (``send_order``) and decisions (``send_decision``) to the product, signed with the
  partner's key id and secret;
- **receives** the product's callbacks on ``callback_path``, verifies each signature and timestamp, keeps every
  delivery (``received``) and drops repeats by ``Idempotency-Key`` (``messages``: one per key, in arrival order);
- **answers** on its own when ``answers`` maps a message type to a decision (e.g. ``{"extension_requested":
  "extension_approved"}``), after ``answer_delay`` seconds, on a thread;
- **misbehaves** on demand: ``fail_next(n, status)`` answers n callbacks with that status (500 …),
  ``drop_next(n)`` closes n connections without an answer, ``slow`` delays every answer, ``send_order(...,
  duplicate=True)`` posts an order twice, ``bad_signature=True`` signs with a wrong secret, and
  ``send_decisions_reversed`` sends a story's decisions last-first (retrying the ones the product is not ready
  for, 409, until they apply).

It binds to 127.0.0.1 only. ``manage.py hotline_sim`` runs it from the command line; the tests start it on a
free port. Standard library only, no Django import: it is the other side, not the product.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

WINDOW = 300


def _sign(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    message = f"{method.upper()}\n{path}\n{timestamp}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    """One callback as it arrived: headers, parsed body, whether its signature and timestamp were good."""

    key: str
    body: dict[str, Any]
    signature_ok: bool
    answered: int  # the status the simulator answered (0: connection dropped)
    at: float = field(default_factory=time.time)


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


class HotlineSimulator:
    def __init__(
        self,
        *,
        base_url: str,
        key_id: str,
        secret: str,
        port: int = 0,
        callback_path: str = "/callbacks",
        answers: dict[str, str] | None = None,
        answer_delay: float = 0.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key_id, self.secret = key_id, secret
        self.callback_path = callback_path
        self.answers = dict(answers or {})
        self.answer_delay = answer_delay
        self.slow = 0.0
        self.received: list[Delivery] = []
        self.messages: list[dict[str, Any]] = []
        self.answered: list[tuple[str, str, Answer]] = []
        self._fail: list[int] = []
        self._drop = 0
        self._seen: set[str] = set()
        #: Set whenever a callback's body has been read (before any ``slow`` wait): "a delivery is in flight".
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- server ----------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def callback_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.callback_path}"

    def start(self) -> HotlineSimulator:
        self._thread = threading.Thread(target=self._server.serve_forever, name="hotline-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, n: int = 1, status: int = 500) -> None:
        with self._lock:
            self._fail += [status] * n

    def drop_next(self, n: int = 1) -> None:
        with self._lock:
            self._drop += n

    def _handler(self):
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # quiet: the tests read ``received``
                return

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                sim.arrived.set()
                if sim.slow:
                    time.sleep(sim.slow)
                with sim._lock:
                    if sim._drop:
                        sim._drop -= 1
                        drop, status = True, 0
                    else:
                        drop = False
                        status = sim._fail.pop(0) if sim._fail else 200
                ok = sim.verify(self.command, self.path, self.headers, raw) and self.path == sim.callback_path
                if ok and status == 200 and not drop:
                    status = 200
                elif not ok and not drop:
                    status = 401
                try:
                    body = json.loads(raw.decode())
                except ValueError:
                    body = {}
                key = self.headers.get("Idempotency-Key", "")
                with sim._lock:
                    sim.received.append(Delivery(key=key, body=body, signature_ok=ok, answered=status))
                    first = status == 200 and key not in sim._seen
                    if first:
                        sim._seen.add(key)
                        sim.messages.append(body)
                if drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = json.dumps({"ok": status == 200}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the sender went away mid-answer (a worker killed while we were slow)
                    return
                if first:
                    sim._maybe_answer(body)

        return Handler

    def verify(self, method: str, path: str, headers, raw: bytes) -> bool:
        timestamp = headers.get("X-GC-Timestamp", "")
        if headers.get("X-GC-Key-Id") != self.key_id or not timestamp.isdigit():
            return False
        if abs(time.time() - int(timestamp)) > WINDOW:
            return False
        expected = _sign(self.secret, method, path, timestamp, raw)
        return hmac.compare_digest(expected, headers.get("X-GC-Signature", ""))

    def _maybe_answer(self, message: dict[str, Any]) -> None:
        kind = self.answers.get(message.get("type", ""))
        if not kind:
            return

        def answer() -> None:
            time.sleep(self.answer_delay)
            extra: dict[str, Any] = {}
            if kind == "extension_approved":
                extra["due_at"] = (message.get("data") or {}).get("requested_due_at")
            self.send_decision(message["order_id"], kind, note="模拟热线自动答复", **extra)

        threading.Thread(target=answer, name="hotline-sim-answer", daemon=True).start()

    # --- client --------------------------------------------------------------------------------------

    def post(self, path: str, payload: Any, *, bad_signature: bool = False, timestamp: int | None = None) -> Answer:
        body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
        ts = str(timestamp if timestamp is not None else int(time.time()))
        full = urlsplit(self.base_url + path)
        signed_path = full.path + (f"?{full.query}" if full.query else "")
        secret = self.secret + ("-wrong" if bad_signature else "")
        headers = {
            "Content-Type": "application/json",
            "X-GC-Key-Id": self.key_id,
            "X-GC-Timestamp": ts,
            "X-GC-Signature": _sign(secret, "POST", signed_path, ts, body),
        }
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, json.loads(response.read() or b"{}"))
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                parsed = json.loads(raw or b"{}")
            except ValueError:
                parsed = {"raw": raw.decode(errors="replace")}
            return Answer(exc.code, parsed)

    def send_order(self, order: dict[str, Any], *, duplicate: bool = False, **kw) -> Answer:
        first = self.post("/interop/12345/orders/", order, **kw)
        if duplicate:
            return self.post("/interop/12345/orders/", order, **kw)
        return first

    def send_decision(self, order_id: str, kind: str, *, decision_id: str | None = None, **fields) -> Answer:
        payload = {"decision_id": decision_id or f"D-{uuid.uuid4().hex[:16]}", "kind": kind, **fields}
        answer = self.post(f"/interop/12345/orders/{order_id}/decisions/", payload)
        with self._lock:
            self.answered.append((order_id, kind, answer))
        return answer

    def send_decisions_reversed(
        self, order_id: str, decisions: list[dict[str, Any]], *, timeout: float = 30
    ) -> list[Answer]:
        """Send ``decisions`` last-first; resend each one the product refused as premature (409) until it
        applies or ``timeout`` passes. Returns the final answer of each, in the order given."""
        ids = [d.get("decision_id") or f"D-{uuid.uuid4().hex[:16]}" for d in decisions]
        final: dict[int, Answer] = {}
        pending = list(reversed(range(len(decisions))))
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            still = []
            for i in pending:
                fields = {k: v for k, v in decisions[i].items() if k not in ("kind", "decision_id")}
                answer = self.send_decision(order_id, decisions[i]["kind"], decision_id=ids[i], **fields)
                final[i] = answer
                if answer.status == 409:
                    still.append(i)
            pending = still
            if pending:
                time.sleep(0.2)
        return [final[i] for i in range(len(decisions))]

    def wait_for_messages(self, n: int, *, timeout: float = 30, order_id: str | None = None) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.messages_of(order_id)
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise AssertionError(f"the simulator got {len(self.messages_of(order_id))} messages, expected {n}")

    def messages_of(self, order_id: str | None = None) -> list[dict]:
        with self._lock:
            return [m for m in self.messages if order_id is None or m.get("order_id") == order_id]
