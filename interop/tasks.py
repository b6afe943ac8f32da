"""Celery tasks of the interop app: thin wrappers around ``services.outbox`` (imported inside the task).

``deliver`` sends one message; ``deliver_due`` (after a commit, and from beat) hands on whatever is pending and
due. No Celery retries: the outbox row is the retry state. ``acks_late`` + ``reject_on_worker_lost`` (settings)
put a task killed mid-run back on the queue; the row lock makes a second copy skip.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="interop.tasks.deliver", acks_late=True, ignore_result=True)
def deliver(message_id: int) -> str:
    from .services.outbox import message_deliver

    return message_deliver(message_id=message_id)


@shared_task(name="interop.tasks.deliver_due", acks_late=True, ignore_result=True)
def deliver_due() -> int:
    from .services.outbox import messages_deliver_due

    return messages_deliver_due()
