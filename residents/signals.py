"""What the residents app announces. Sent inside the transaction that made the change; a higher app (escalation)
listens in its ``AppConfig.ready()`` and writes its notices in the same transaction, so a notice exists
exactly when its cause was committed.

- ``visit_plans_turned(light, rows)``: rows of (plan id, resident id, grid id, due_on, user ids to tell) that
  just turned ``light`` ("yellow": overdue; "red": seriously overdue). Each plan is announced once per turn;
  the user ids are the grid's seats that may see the plan's tag category (nobody else may learn of it).
- ``permits_expiring(rows)``: rows of (resident id, grid id, permit_expires_on) reminded for the first
  time for that expiry date.
"""

from django.dispatch import Signal

visit_plans_turned = Signal()
permits_expiring = Signal()
