"""The audit data for analysts: one row per submitted or moderated audit, as CSV or XLSX (issue 5, scope 5).

Pseudonymised by default: no child id, no worker's or auditor's name, and the audit and the child known
only by keyed hashes. A child's reference is the same in every export (so an analyst can link the repeat
audits of one child) but cannot be turned back into the Child Unique ID without the service's secret key.
The identifiable export adds the ids and names; it is the QA lead's alone (and the command line's: see
`policy.EXPORT_IDENTIFIABLE`). An export is a read, so it goes in the access log, with its row count.

Rows are read in chunks of audits by primary key, each chunk with one query for the audits and one each
for their evidence sources and findings, so 100,000 audits take a few hundred queries, never one per audit."""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.encoding import force_bytes

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.audits.models import Audit, AuditStatus, EvidenceSource, EvidenceUse, Finding, FindingKind
from caseaudit.core.audit_types import CASE_FILE
from caseaudit.cycles.models import Cycle
from caseaudit.spreadsheets import ExportRefused, write_csv, write_private_file, write_xlsx

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
# Excel's last row is 1,048,576; one is the header.
XLSX_MAX_ROWS = 1_048_575
# Hex characters kept of each keyed hash: 64 bits, so two of a million children share a reference with a
# chance of about one in forty million.
REFERENCE_LENGTH = 16
# The purpose strings of the keyed hashes: a different key for each, derived from SECRET_KEY.
_CHILD_PURPOSE = "caseaudit.reports.audit_export.child-reference"
_AUDIT_PURPOSE = "caseaudit.reports.audit_export.audit-reference"

PSEUDONYMISED_COLUMNS = (
    "audit_ref",
    "child_ref",
    "cohort",
    "year",
    "cycle",
    "audit_type",
    "audit_date",
    "status",
    "template",
    "template_version",
    "grade_scale",
    "auditor_grade",
    "moderated_grade",
    "grade_changed",
    "triangulated",
    "evidence_sources",
    "strengths",
    "issues",
    "themes",
)
# Added in front of the row by the identifiable export. The worker is the case's allocated worker now,
# which need not be the worker at the time of the audit: the register keeps no history of allocations.
IDENTIFIABLE_COLUMNS = ("audit_id", "child_id", "team", "auditor", "allocated_worker_now")

_FIELDS = (
    "pk",
    "case__child_id",
    "cohort",
    "cycle__name",
    "cycle__audit_type",
    "completed_on",
    "status",
    "template__name",
    "template__version",
    "grade_scale__name",
    "grade_scale__version",
    "auditor_grade",
    "moderated_grade",
    "not_triangulated",
)
_IDENTIFIABLE_FIELDS = (
    "case__team__name",
    "auditor__username",
    "auditor__first_name",
    "auditor__last_name",
    "case__worker__name",
)
_SOURCE_ORDER = {source: rank for rank, source in enumerate(EvidenceSource.values)}


@dataclass(frozen=True)
class ExportFilter:
    """Which audits: those of one cycle, and/or those completed on or after a date."""

    cycle: Cycle | None = None
    since: date | None = None

    def describe(self) -> str:
        parts = []
        if self.cycle is not None:
            parts.append(f"cycle {self.cycle.name}")
        if self.since is not None:
            parts.append(f"since {self.since.isoformat()}")
        return ", ".join(parts) or "all audits"


class Pseudonymiser:
    """The keyed hashes of one export: HMAC-SHA256 with a key derived from SECRET_KEY and a purpose string,
    exactly as Django's salted_hmac derives it (SHA-256 of purpose and secret), cut to 16 hex characters.
    The keys are derived once per export rather than once per row: 100,000 audits hash in a fraction of a
    second."""

    def __init__(self) -> None:
        secret = force_bytes(settings.SECRET_KEY)
        self._child = hmac.new(
            hashlib.sha256(_CHILD_PURPOSE.encode() + secret).digest(), digestmod=hashlib.sha256
        )
        self._audit = hmac.new(
            hashlib.sha256(_AUDIT_PURPOSE.encode() + secret).digest(), digestmod=hashlib.sha256
        )

    def child(self, child_id: str) -> str:
        """The child's pseudonym: the same in every export while SECRET_KEY is unchanged (so an analyst can
        link the repeat audits of one child), and not reversible without the key."""
        digest = self._child.copy()
        digest.update(child_id.encode())
        return "C-" + digest.hexdigest()[:REFERENCE_LENGTH]

    def audit(self, audit_id: int) -> str:
        """The audit's pseudonym: its id in the database would lead anyone who can open caseaudit straight
        to the child, so it is hashed like the child's id, with a key of its own."""
        digest = self._audit.copy()
        digest.update(str(audit_id).encode())
        return "A-" + digest.hexdigest()[:REFERENCE_LENGTH]


def child_reference(child_id: str) -> str:
    """The pseudonym an export gives the child with this Child Unique ID."""
    return Pseudonymiser().child(child_id)


def exported_audits(export_filter: ExportFilter = ExportFilter()) -> QuerySet[Audit]:
    """Every submitted or moderated audit (historical ones included), filtered; never a draft."""
    audits = Audit.objects.filter(status__in=(AuditStatus.SUBMITTED, AuditStatus.MODERATED))
    if export_filter.cycle is not None:
        audits = audits.filter(cycle=export_filter.cycle)
    if export_filter.since is not None:
        audits = audits.filter(completed_on__gte=export_filter.since)
    return audits


def columns(*, identifiable: bool) -> tuple[str, ...]:
    return (*IDENTIFIABLE_COLUMNS, *PSEUDONYMISED_COLUMNS) if identifiable else PSEUDONYMISED_COLUMNS


# Told how many rows have been written, a chunk at a time (a job's progress).
RowsDone = Callable[[int], None]


def iter_export_rows(
    export_filter: ExportFilter = ExportFilter(),
    *,
    identifiable: bool = False,
    chunk_size: int = CHUNK_SIZE,
    rows_done: RowsDone | None = None,
) -> Iterator[list[Any]]:
    """Each audit as a list of values in `columns(identifiable=...)` order, oldest audit record first.
    Text is left as it is: the spreadsheet writers neutralise formulas."""
    audits = exported_audits(export_filter).order_by("pk")
    fields = (*_FIELDS, *_IDENTIFIABLE_FIELDS) if identifiable else _FIELDS
    pseudonyms = Pseudonymiser()
    last_pk = 0
    while True:
        chunk = list(audits.filter(pk__gt=last_pk).values_list(*fields)[:chunk_size])
        if not chunk:
            return
        first_pk, last_pk = chunk[0][0], chunk[-1][0]
        sources, findings = _chunk_details(first_pk, last_pk)
        for values in chunk:
            row = _row(values, pseudonyms, sources.get(values[0], ()), findings.get(values[0]))
            if identifiable:
                row = [*_identifiable(values), *row]
            yield row
        if rows_done is not None:
            rows_done(len(chunk))


@dataclass
class _Findings:
    strengths: int = 0
    issues: int = 0
    themes: set[str] | None = None


def _chunk_details(first_pk: int, last_pk: int) -> tuple[dict[int, list[str]], dict[int, _Findings]]:
    """The evidence sources and findings of the audits whose ids lie in [first_pk, last_pk]: a range, not a
    list of ids, so the query stays small; rows of audits outside the export are simply never looked up."""
    sources: dict[int, list[str]] = defaultdict(list)
    for audit_id, source in (
        EvidenceUse.objects.filter(audit_id__gte=first_pk, audit_id__lte=last_pk)
        .values_list("audit_id", "source")
        .order_by()
    ):
        sources[audit_id].append(source)
    findings: dict[int, _Findings] = defaultdict(_Findings)
    for audit_id, kind, theme in (
        Finding.objects.filter(audit_id__gte=first_pk, audit_id__lte=last_pk)
        .values_list("audit_id", "kind", "theme__label")
        .order_by()
    ):
        found = findings[audit_id]
        if kind == FindingKind.STRENGTH:
            found.strengths += 1
        else:
            found.issues += 1
        found.themes = (found.themes or set()) | {theme}
    return sources, findings


def _row(
    values: Sequence[Any], pseudonyms: Pseudonymiser, sources: Sequence[str], findings: _Findings | None
) -> list[Any]:
    (
        pk,
        child_id,
        cohort,
        cycle,
        audit_type,
        completed_on,
        status,
        template,
        template_version,
        scale,
        scale_version,
        auditor_grade,
        moderated_grade,
        not_triangulated,
    ) = values[: len(_FIELDS)]
    found = findings or _Findings()
    return [
        pseudonyms.audit(pk),
        pseudonyms.child(child_id),
        cohort,
        completed_on.year if completed_on else None,
        cycle or "",
        # The kind of audit its cycle was; an audit in no cycle (imported history) is a case file audit.
        audit_type or CASE_FILE,
        completed_on,
        status,
        template or "",
        template_version,
        f"{scale} v{scale_version}" if scale else "",
        auditor_grade,
        moderated_grade,
        ("yes" if moderated_grade != auditor_grade else "no") if moderated_grade else "",
        _triangulated(sources, not_triangulated),
        "; ".join(sorted(sources, key=_SOURCE_ORDER.__getitem__)),
        found.strengths,
        found.issues,
        "; ".join(sorted(found.themes or ())),
    ]


def _triangulated(sources: Sequence[str], not_triangulated: bool) -> str:
    """ "yes" with a source besides the one its tool requires (caseaudit.audits.completion.is_triangulated),
    "no" on the record or the observation alone, and "" for an audit whose sources were never recorded (a
    historical audit)."""
    alone = {EvidenceSource.RECORD_REVIEW, EvidenceSource.OBSERVATION}
    if len(set(sources)) > 1 or any(source not in alone for source in sources):
        return "yes"
    return "no" if sources or not_triangulated else ""


def _identifiable(values: Sequence[Any]) -> list[Any]:
    team, username, first, last, worker = values[len(_FIELDS) :]
    auditor = f"{first} {last}".strip() or username or ""
    return [values[0], values[1], team or "", auditor, worker or ""]


# Writing the export ---------------------------------------------------------------------------------------


def write_export_csv(
    stream: IO[str], export_filter: ExportFilter, *, identifiable: bool, rows_done: RowsDone | None = None
) -> int:
    rows = iter_export_rows(export_filter, identifiable=identifiable, rows_done=rows_done)
    return write_csv(stream, columns(identifiable=identifiable), rows)


def write_export_xlsx(
    target: str | IO[bytes],
    export_filter: ExportFilter,
    *,
    identifiable: bool,
    rows_done: RowsDone | None = None,
) -> int:
    counted = _Counted(iter_export_rows(export_filter, identifiable=identifiable, rows_done=rows_done))
    write_xlsx(target, [("Audits", columns(identifiable=identifiable), counted)])
    return counted.count


class _Counted:
    """Rows passed through, counted on the way (write_xlsx does not say how many it wrote)."""

    def __init__(self, rows: Iterator[list[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def export_audit_data(
    output: IO[str] | IO[bytes] | str | Path,
    *,
    file_format: str = "csv",
    identifiable: bool = False,
    export_filter: ExportFilter = ExportFilter(),
    acting_user: policy.Actor,
    rows_done: RowsDone | None = None,
) -> int:
    """Write the audit data to `output` (a text stream for CSV, a binary stream for XLSX, or a file path)
    and record the export in the access log. Returns the number of audits written.

    A file is written next to its final name and moved into place when complete, readable by its owner
    only, so no half-written export of child-level data is left behind. `rows_done`, if given, is told
    the rows written as they go (a job's progress)."""
    policy.require(acting_user, policy.EXPORT_AUDIT_DATA)
    if identifiable:
        policy.require(acting_user, policy.EXPORT_IDENTIFIABLE)
    if file_format not in FORMATS:
        raise ExportRefused(f"unknown format {file_format!r}: use csv or xlsx")
    if file_format == "xlsx":
        total = exported_audits(export_filter).count()
        if total > XLSX_MAX_ROWS:
            raise ExportRefused(
                f"{total:,} audits do not fit on one Excel sheet ({XLSX_MAX_ROWS:,} rows): use CSV."
            )
    if isinstance(output, str | Path):
        count = write_private_file(
            Path(output),
            file_format,
            csv_to=lambda stream: write_export_csv(
                stream, export_filter, identifiable=identifiable, rows_done=rows_done
            ),
            xlsx_to=lambda name: write_export_xlsx(
                name, export_filter, identifiable=identifiable, rows_done=rows_done
            ),
        )
    elif file_format == "csv":
        count = write_export_csv(output, export_filter, identifiable=identifiable, rows_done=rows_done)  # type: ignore[arg-type]
    else:
        count = write_export_xlsx(output, export_filter, identifiable=identifiable, rows_done=rows_done)  # type: ignore[arg-type]
    kind = "identifiable" if identifiable else "pseudonymised"
    record_access(
        acting_user,
        "export",
        "audit-data",
        detail=f"{count} audits, {file_format}, {kind}, {export_filter.describe()}",
    )
    return count
