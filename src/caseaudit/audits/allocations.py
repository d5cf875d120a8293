"""What an auditor's allocations open to them, handed down to the register's scoping at start-up."""

from __future__ import annotations

from django.db.models import QuerySet

from caseaudit.accounts.models import User
from caseaudit.cases.models import Case

from .models import Audit


def allocated_cases(user: User) -> QuerySet[Case]:
    """The cases of the audits allocated to `user` in a confirmed cycle, and no others: a draft sample
    allocates nothing, and a case audited by someone else stays closed to them."""
    return Case.objects.filter(pk__in=Audit.objects.allocated_to(user).values("case_id"))
