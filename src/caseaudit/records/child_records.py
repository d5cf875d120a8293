"""Which records are about one child, as the access log and the change history name them: by kind and
internal id, never by the child. A subject access request gathers the log entries and changes of these
records; the log search finds who read them.

These select by the child's case rather than through the scoped queries: both callers look wider than any
person's scope, behind their own capability (`SUBJECT_ACCESS`, `READ_LOGS`), and read only ids here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from caseaudit.audits.models import Audit
from caseaudit.cases.models import Case
from caseaudit.improvement.models import Action, ActionNote, FollowUp, SafeguardingConcern


def records_about(case: Case) -> dict[str, set[str]]:
    """The kind and id of every record about the child: the case, its audits (drafts and proposals too)
    and their parts by their own ids (a saved section is `sectionresponse` 12), the actions of the case or
    its audits and their notes, its concerns and its follow-up audits. Some kinds have two names: the
    access log's (`concern`) and the change history's (`safeguardingconcern`)."""
    audits = Audit.objects.filter(case=case)
    actions = Action.objects.filter(Q(case=case) | Q(audit__case=case))
    concerns = _ids(SafeguardingConcern.objects.filter(case=case))
    follow_ups = _ids(FollowUp.objects.filter(case=case))
    named: dict[str, set[str]] = {
        "case": {str(case.pk)},
        "audit": _ids(audits),
        "audit-feedback": _ids(audits),
        "action": _ids(actions),
        "actionnote": _ids(ActionNote.objects.filter(action__in=actions)),
        "concern": concerns,
        "safeguardingconcern": concerns,
        "follow-up": follow_ups,
        "followup": follow_ups,
    }
    parts = (
        Audit.sections,
        Audit.evidence,
        Audit.findings,
        Audit.feedback,
        Audit.feedback_links,
        Audit.moderation_events,
        Audit.reallocations,
    )
    for part in (descriptor.rel for descriptor in parts):
        model = part.related_model
        named[model._meta.model_name or ""] = _ids(model._default_manager.filter(audit__in=audits))
    return named


def naming(named: dict[str, set[str]], type_field: str, id_field: str) -> Q:
    """Entries that name one of `named`'s records, in a log whose kind and id are in these fields."""
    query = Q(pk__in=[])
    for kind, ids in named.items():
        if ids:
            query |= Q(**{type_field: kind, f"{id_field}__in": sorted(ids)})
    return query


def _ids(records: QuerySet[Any]) -> set[str]:
    return {str(pk) for pk in records.values_list("pk", flat=True)}
