"""Looked after children's reviews held late in a period, read exactly from the review history the
SSDA903 return brings (caseaudit.core.review_history): a breach stays a fact when the next review is on
time, which the state on one day cannot show. Counts only: no child is named here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from caseaudit.cases.models import Case, StatutoryReview, history_reaches_period_start
from caseaudit.core.dates import add_months
from caseaudit.core.review_history import reviews_in_care
from caseaudit.core.working_days import england_bank_holidays


@dataclass(frozen=True)
class ReviewBreaches:
    since: date
    until: date
    children: int  # looked after children whose history reaches back to the start of their care
    held: int  # reviews held in the period
    late: int  # of them, held late


def reviews_held_late(cases: QuerySet[Case], until: date, *, months: int = 12) -> ReviewBreaches:
    """The reviews held in the `months` up to `until` of the open looked after `cases` whose history
    covers their period of care, and how many were late. Two queries, which read only the children a
    return brought history for: none at all for a register fed by Annex A alone."""
    since = add_months(until, -months)
    looked_after = cases.filter(
        cohort="looked-after", closed_on__isnull=True, looked_after_since__isnull=False
    )
    covering = looked_after.filter(history_reaches_period_start())
    periods = {pk: since for pk, since in covering.values_list("pk", "looked_after_since") if since}
    covered = set(periods)
    held: dict[int, list[date]] = defaultdict(list)
    for case_id, held_on in StatutoryReview.objects.filter(case_id__in=list(covered)).values_list(
        "case_id", "held_on"
    ):
        held[case_id].append(held_on)
    first = min((periods[c] for c in covered), default=until)
    holidays = england_bank_holidays(first.year, until.year + 1)
    in_period = late = 0
    for case_id in covered:
        for review in reviews_in_care(periods[case_id], held[case_id], holidays):
            if review.held_on is not None and since <= review.held_on <= until:
                in_period += 1
                late += not review.on_time
    return ReviewBreaches(since, until, len(covered), in_period, late)
