from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class Role(models.TextChoices):
    """What a person does in the audit process (docs/domain.md#roles). What each may do is
    `caseaudit.policy`'s to say."""

    QA_LEAD = "qa-lead", "QA lead"
    MODERATOR = "moderator", "Moderator"
    AUDITOR = "auditor", "Auditor"
    TEAM_MANAGER = "team-manager", "Team manager"
    SOCIAL_WORKER = "social-worker", "Social worker"
    SENIOR_LEADER = "senior-leader", "Senior leader"
    # IT staff who manage the accounts of the people above, and read no child's data.
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SOCIAL_WORKER)
    # The person in the case register this account belongs to: a worker sees their own cases, a team
    # manager their team's, and an auditor is never given a case of their own team.
    staff = models.OneToOneField(
        "cases.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )

    # How many audits an auditor can take in one cycle; empty means no set limit.
    audit_capacity = models.PositiveIntegerField(null=True, blank=True)

    # Optimistic locking (caseaudit.locking): two people changing one account at once never overwrite each
    # other's change.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)


class AccessLog(models.Model):
    """Who read or exported what, and when. Never holds a child's name: objects are named by kind and id.
    Changes are in ChangeEvent; the import, create and update kinds are those recorded here before the
    change history existed."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        IMPORT = "import", "Imported"
        EXPORT = "export", "Exported"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type} {self.object_id}"


class ChangeEvent(models.Model):
    """One change of state, written by the action function that made it: what kind of change, who made
    it (a person, or the command line), to what, and the values before and after. Kept apart from the
    access log, which records reads. Never holds a child's name: subjects are named by kind and id."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's username when the change was made ("system" for the command line), kept if the account
    # is later renamed.
    actor_name = models.CharField(max_length=150)
    event = models.CharField(max_length=60, db_index=True)  # "audit.submitted", "cycle.closed"
    subject_type = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=64, blank=True)
    old = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    new = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.event} {self.subject_type} {self.subject_id}"
        )
