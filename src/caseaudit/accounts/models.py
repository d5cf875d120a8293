from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .chain import canonical_address


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


class ChainedEntry(models.Model):
    """An entry of a log kept as evidence (the access log, the security log): append-only, and
    tamper-evident. Entries are numbered without gaps (`seq`, given under a lock as each is written), and
    each holds the hash of its own content and of the entry before it, so an entry edited, deleted or put
    out of order breaks the chain at that entry (`caseaudit verify-access-log`). The content hashed is what
    the entry says when written: the person's username is kept as text, since the account may change."""

    seq = models.BigIntegerField(unique=True, null=True, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Indexed: the Logs pages search by person.
    username = models.CharField(max_length=150, blank=True, db_index=True)  # empty: nobody signed in
    address = models.GenericIPAddressField(null=True, blank=True)  # the client's, for a web request
    # The operating-system account that ran a command ("" for the web), beside the --as person if any.
    os_user = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    # The fields an entry's hash covers, beside those above: each log adds its own.
    CHAINED_FIELDS: tuple[str, ...] = ("seq", "at", "username", "address", "os_user", "detail")

    class Meta:
        abstract = True

    def chain_content(self) -> dict[str, str | int | None]:
        """What the hash covers, as `caseaudit.accounts.chain` wants it: the time in UTC to the
        microsecond, the rest as stored."""
        content: dict[str, str | int | None] = {}
        for name in self.CHAINED_FIELDS:
            value = getattr(self, name)
            if name == "at":
                value = value.astimezone(UTC).isoformat(timespec="microseconds")
            elif name == "address":
                value = canonical_address(value)
            content[name] = value
        return content


class AccessLog(ChainedEntry):
    """Who read or exported what, and when. Never holds a child's name: objects are named by kind and id.
    Changes are in ChangeEvent; the import, create and update kinds are those recorded here before the
    change history existed."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        IMPORT = "import", "Imported"
        EXPORT = "export", "Exported"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)

    CHAINED_FIELDS = (*ChainedEntry.CHAINED_FIELDS, "action", "object_type", "object_id")

    class Meta:
        ordering = ["-at", "-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type} {self.object_id}"


class SecurityEvent(ChainedEntry):
    """What a security review reads: signing in and out, failures and lockouts, second-factor changes,
    account and role changes, and refusals. Never a password, code or token. `username` is the account's,
    or the name typed at a failed sign-in."""

    class Event(models.TextChoices):
        SIGNED_IN = "signed-in", "Signed in"
        SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
        LOCKED_OUT = "locked-out", "Locked out"
        UNLOCKED = "unlocked", "Unlocked"
        SIGNED_OUT = "signed-out", "Signed out"
        SIGNED_OUT_EVERYWHERE = "signed-out-everywhere", "Signed out everywhere"
        SESSION_EXPIRED = "session-expired", "Session timed out"
        MFA_ENROLLED = "mfa-enrolled", "Authenticator set up"
        MFA_RESET = "mfa-reset", "Authenticator reset"
        RECOVERY_CODE_USED = "recovery-code-used", "Recovery code used"
        RECOVERY_CODES_REPLACED = "recovery-codes-replaced", "Recovery codes replaced"
        PASSWORD_SET = "password-set", "Password chosen"
        ACCOUNT_CREATED = "account-created", "Account added"
        ROLE_CHANGED = "role-changed", "Role changed"
        ACCOUNT_DEACTIVATED = "account-deactivated", "Account deactivated"
        ACCOUNT_REACTIVATED = "account-reactivated", "Account reactivated"
        PERMISSION_DENIED = "permission-denied", "Refused"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(max_length=30, choices=Event.choices, db_index=True)

    CHAINED_FIELDS = (*ChainedEntry.CHAINED_FIELDS, "event")

    class Meta:
        ordering = ["-at", "-seq"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.event}"


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
