"""Run the reference 12345 hotline (``interop.simulator``) against a running product.

    manage.py hotline_sim --base-url http://127.0.0.1:8000 --key-id bj12345 --secret … --port 8765 \
        --orders 3 --answer extension_requested=extension_approved

It listens on 127.0.0.1 only, prints every callback it receives (with its signature check), sends ``--orders``
demo orders, answers as ``--answer`` says, and misbehaves as asked (``--fail-rate``, ``--drop-rate``, ``--slow``,
``--duplicates``, ``--bad-signature``). Stop it with Ctrl-C (or ``--seconds``).
"""

from __future__ import annotations

import random
import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from interop.simulator import HotlineSimulator


class Command(BaseCommand):
    help = "Run the reference 12345 hotline simulator (loopback only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="the product's address")
        parser.add_argument("--key-id", required=True)
        parser.add_argument("--secret", required=True)
        parser.add_argument("--port", type=int, default=8765, help="callback port on 127.0.0.1 (0: any free)")
        parser.add_argument("--orders", type=int, default=0, help="send this many demo orders at start")
        parser.add_argument("--category-code", default="C-0101")
        parser.add_argument("--lat", type=float, default=None)
        parser.add_argument("--lng", type=float, default=None)
        parser.add_argument(
            "--answer",
            action="append",
            default=[],
            metavar="TYPE=DECISION",
            help="answer messages of TYPE with DECISION, e.g. extension_requested=extension_approved",
        )
        parser.add_argument("--answer-delay", type=float, default=0.5)
        parser.add_argument("--fail-rate", type=float, default=0.0, help="share of callbacks answered 500")
        parser.add_argument("--drop-rate", type=float, default=0.0, help="share of callbacks whose connection drops")
        parser.add_argument("--slow", type=float, default=0.0, help="seconds to wait before answering a callback")
        parser.add_argument("--duplicates", action="store_true", help="send every order twice")
        parser.add_argument("--bad-signature", action="store_true", help="sign orders with a wrong secret")
        parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until Ctrl-C)")

    def handle(self, *args, **opts) -> None:
        answers = {}
        for item in opts["answer"]:
            kind, sep, decision = item.partition("=")
            if not sep:
                raise CommandError(f"--answer wants TYPE=DECISION, got {item!r}")
            answers[kind] = decision
        sim = HotlineSimulator(
            base_url=opts["base_url"],
            key_id=opts["key_id"],
            secret=opts["secret"],
            port=opts["port"],
            answers=answers,
            answer_delay=opts["answer_delay"],
        )
        sim.slow = opts["slow"]
        sim.start()
        self.stdout.write(f"hotline simulator: callbacks on {sim.callback_url}; product at {sim.base_url}")
        for n in range(opts["orders"]):
            order = {
                "order_id": f"SIM-{uuid.uuid4().hex[:10]}",
                "request_type": "complaint",
                "content": f"模拟工单 {n + 1}：小区门口垃圾堆放",
                "address": "模拟地址",
                "category_code": opts["category_code"],
            }
            if opts["lat"] is not None and opts["lng"] is not None:
                order["location"] = {"lat": opts["lat"], "lng": opts["lng"]}
            answer = sim.send_order(order, duplicate=opts["duplicates"], bad_signature=opts["bad_signature"])
            self.stdout.write(f"order {order['order_id']}: {answer.status} {answer.body}")
        seen = 0
        started = time.monotonic()
        try:
            while not opts["seconds"] or time.monotonic() - started < opts["seconds"]:
                if opts["fail_rate"] and random.random() < opts["fail_rate"] and not sim._fail:
                    sim.fail_next(1, 500)
                if opts["drop_rate"] and random.random() < opts["drop_rate"] and not sim._drop:
                    sim.drop_next(1)
                for delivery in sim.received[seen:]:
                    sig = "signature ok" if delivery.signature_ok else "BAD SIGNATURE"
                    self.stdout.write(
                        f"callback {delivery.body.get('type')} #{delivery.body.get('sequence')} "
                        f"order {delivery.body.get('order_id')} ({sig}) → {delivery.answered or 'dropped'}"
                    )
                seen = len(sim.received)
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            sim.stop()
