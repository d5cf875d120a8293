from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    """What a message is about. Safeguarding concerns always go by email as well; everything else follows
    the person's choice of email or the app only."""

    AUDIT_ALLOCATED = "audit-allocated", "An audit is allocated to you"
    AUDIT_RETURNED = "audit-returned", "An audit is returned to you"
    GRADE_MODERATED = "grade-moderated", "A grade is moderated"
    PRACTICE_FEEDBACK = "practice-feedback", "Feedback from an audit of your case"
    CONCERN_RAISED = "concern-raised", "A safeguarding concern is raised"
    CONCERN_ANSWERED = "concern-answered", "A safeguarding concern is answered"
    ACTION_ASSIGNED = "action-assigned", "An action is given to you"
    ACTION_DUE = "action-due", "Your actions are due soon or overdue"
    ACCOUNT = "account", "Your account"


ALWAYS_EMAILED = frozenset({Kind.CONCERN_RAISED, Kind.ACCOUNT})


class Email(models.Model):
    """One email in the outbox: written in the same transaction as the change it tells of, handed to the
    mail server after the commit, and retried with back-off while the server refuses it. Its status is
    the only thing that may say a person "was emailed"."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Never a child's name nor their Child Unique ID: subjects show in inbox lists and notifications.
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the mail server last refused it; kept after a later success, so the QA lead can see what happened.
    last_error = models.CharField(max_length=500, blank=True)
    # When to try again; empty once sent, or once the outbox has given up on it.
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"email {self.pk} ({self.status})"

    @property
    def gave_up(self) -> bool:
        return self.status == self.Status.FAILED and self.next_attempt_at is None

    def describe(self) -> str:
        """What happened to it, in words a person can act on: only "Sent" says the mail server took it."""
        if self.status == self.Status.SENT:
            return f"Sent {self.detail()}"
        if self.status == self.Status.FAILED:
            return f"Not sent: {self.detail()}"
        return "Waiting to be sent"

    def detail(self) -> str:
        """When it was sent, or why it was not and what happens next (shown beside a status tag)."""
        when = timezone.localtime
        if self.status == self.Status.SENT and self.sent_at:
            return f"{when(self.sent_at):%-d %b %Y at %H:%M}"
        if self.status == self.Status.FAILED:
            reason = f"the mail server refused it ({self.last_error})"
            if self.gave_up:
                return f"{reason}. Gave up after {self.attempts} tries"
            assert self.next_attempt_at is not None
            return f"{reason}. Trying again at {when(self.next_attempt_at):%H:%M}"
        return ""


class Notification(models.Model):
    """A line in a person's list of notifications, and the email that went with it, if any."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    # What it is about, named by kind and id as the change history does ("concern", "12").
    about_type = models.CharField(max_length=40, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    email = models.OneToOneField(
        Email, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["about_type", "about_id"]),
        ]

    def __str__(self) -> str:
        return f"notification {self.pk} for {self.recipient_id}"


class Preference(models.Model):
    """A person's choice: notifications by email as well as in the app (the default), or in the app only."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    email = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"preference of {self.person_id}"
