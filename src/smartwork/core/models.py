from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Who did what to which object, when, with which data. Append-only."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    # The network the object belongs to, so an operator sees only their own.
    network_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class AuditEntryNetwork(models.Model):
    """Another network an audit entry concerns (beside `AuditEntry.network_id`): a
    change to an organisation that works with several networks is seen by each."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="networks")
    network_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "network_id"],
                                               name="audit_entry_network_unique")]
        indexes = [models.Index(fields=["network_id", "entry"])]

    def __str__(self) -> str:
        return f"{self.entry_id} -> network {self.network_id}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed on retry."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        DONE = "done"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class PeriodicRun(models.Model):
    """One row per periodic job and period (core/periodic.py): the claim that makes any
    number of workers run each job once per period. `slot` is the period's number
    (seconds since the epoch // the job's interval)."""

    name = models.CharField(max_length=150)
    slot = models.BigIntegerField()
    claimed_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=100, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.slot}"


class WorkerHeartbeat(models.Model):
    """A `smartwork worker` process is alive while it beats (core/lease.py): a thread of
    the worker updates `last_seen` every few seconds. `worker_id` is the id the task
    queue records on the rows the worker claims, so a RUNNING row whose worker has been
    silent longer than the grace is known to be orphaned."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} (last seen {self.last_seen:%Y-%m-%d %H:%M:%S})"


class SentMail(models.Model):
    """The outbox's mark that the mail of one task row went out (or was handed on to
    another row: a retry, a hold for quiet hours), written right after, so a row run
    again after its worker died does not send its mail twice (core/mail.py)."""

    task_id = models.CharField(max_length=64, primary_key=True)
    sent_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.task_id} sent {self.sent_at:%Y-%m-%d %H:%M:%S}"
