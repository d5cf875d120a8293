"""How the queue is keeping up, for /healthz: how long the oldest task waiting to run has waited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend


@dataclass(frozen=True)
class QueueState:
    kept_here: bool  # the queue is the database's (otherwise a broker's, which its own tools watch)
    oldest_wait_seconds: float | None  # None: nothing waiting


def queue_state(now: datetime | None = None) -> QueueState:
    if not isinstance(task_backends["default"], DatabaseBackend):
        return QueueState(False, None)
    from django_tasks_db.models import DBTaskResult

    # Ready now: a task deferred until later is not waiting for a worker yet.
    oldest = (
        DBTaskResult.objects.ready()
        .filter(backend_name="default")
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    if oldest is None:
        return QueueState(True, None)
    return QueueState(True, max(0.0, ((now or timezone.now()) - oldest).total_seconds()))
