"""Historical audits: years of past results, kept in spreadsheets before caseaudit, loaded as completed
audits (issue 4, scope 8). `caseaudit import-audits` calls `import_audit_history` and nothing else.

The file is read and checked as the case register is (caseaudit.cases.importing): the same file checks (size,
zip bomb), the same column parsers for dates and cohorts, the same Child Unique ID rule, RowError and
ImportRefused, and the same rule: one bad row and nothing is written, every bad row listed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.models import User
from caseaudit.audits.templates_store import default_grade_scale, shipped_grade_scale
from caseaudit.cases.importing import csv_reader
from caseaudit.cases.importing.annex_a import header_texts, without_time
from caseaudit.cases.importing.files import FileLimits, detect_kind
from caseaudit.cases.importing.parse import cohort_column, date_columns, normalise_csv_header
from caseaudit.cases.importing.table import ImportRefused, RowError
from caseaudit.cases.importing.validate import row_errors
from caseaudit.cases.models import Case
from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.core.register import CHILD_ID_MAX_LENGTH, CHILD_ID_PATTERN
from caseaudit.cycles.models import Cycle

from .models import Audit, AuditStatus, GradeScale

COLUMNS = ("child_id", "cohort", "audit_date", "auditor_grade", "moderated_grade", "auditor", "cycle")
REQUIRED_COLUMNS = COLUMNS[:4]
# Headers QA teams' spreadsheets use for these columns, after normalise_csv_header.
HEADER_ALIASES = {
    "child_unique_id": "child_id",
    "childid": "child_id",
    "date_of_audit": "audit_date",
    "audited_on": "audit_date",
    "completed_on": "audit_date",
    "auditor_s_grade": "auditor_grade",
    "moderator_s_grade": "moderated_grade",
    "moderator_grade": "moderated_grade",
    "auditor_name": "auditor",
    "audit_cycle": "cycle",
}

# Spellings of Ofsted grades in spreadsheets beyond the scale's own slugs and labels (normalised as _key).
_OFSTED_ALIASES = {"ri": "requires-improvement", "requiresimprovement": "requires-improvement"}

COUNT_NAMES = ("created", "updated", "unchanged", "rejected")
# Rows per INSERT/UPDATE, and ids per `IN (...)`, under SQLite's limit on query parameters.
_BATCH = 500


@dataclass
class HistoryCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: HistoryCounts) -> None:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class AuditHistoryResult:
    """What an import of historical audits did, or would do. Counts are keyed by the year of the audit
    date (None where it could not be read) and the cohort the file gives ("unknown" where unreadable)."""

    file_name: str
    dry_run: bool
    by_year_cohort: dict[tuple[int | None, str], HistoryCounts] = field(default_factory=dict)
    cases_created: int = 0  # closed historical cases for children not in the register
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    def counts(self, year: int | None, cohort: str) -> HistoryCounts:
        return self.by_year_cohort.setdefault((year, cohort), HistoryCounts())

    @property
    def totals(self) -> HistoryCounts:
        total = HistoryCounts()
        for counts in self.by_year_cohort.values():
            total.add(counts)
        return total

    @property
    def rows(self) -> list[tuple[int | None, str, HistoryCounts]]:
        """Oldest year first, an unreadable year last; cohorts in order of need, then "unknown"."""
        order = {slug: rank for rank, slug in enumerate([*COHORT_SLUGS, "unknown"])}
        keys = sorted(self.by_year_cohort, key=lambda k: (k[0] is None, k[0] or 0, order.get(k[1], 99)))
        return [(year, cohort, self.by_year_cohort[(year, cohort)]) for year, cohort in keys]

    @property
    def ok(self) -> bool:
        return not self.errors


def ofsted_four_point_scale() -> GradeScale:
    """The Ofsted four-point scale historical audits are graded on: the default audit tool's scale, so
    that the two never disagree about what the grades are."""
    return default_grade_scale()


def import_audit_history(
    path: Path,
    *,
    acting_user: User | None,
    file_name: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    today: date | None = None,
    limits: FileLimits | None = None,
) -> AuditHistoryResult:
    """Load past audit results (CSV, or the first sheet of an .xlsx workbook) as completed audits.

    Each row is one audit: submitted, or moderated where it has a moderated grade. A child not in the
    register gets a closed historical case. An audit of the same child completed on the same date is
    updated, or left alone when nothing differs, so importing a file again changes nothing. All or nothing
    by default; `skip_invalid` writes the valid rows; `dry_run` writes nothing. Raises ImportRefused when
    the file as a whole cannot be read. `acting_user` None means the command line, which is trusted."""
    if acting_user is not None and not acting_user.is_qa_lead:
        raise PermissionDenied("Only the QA lead imports historical audits.")
    today = today or timezone.localdate()
    name = file_name or path.name
    kind = detect_kind(path, limits, name)
    table = read_audit_file(path, name, workbook=kind == "annex-a")
    if table.frame.is_empty():
        raise ImportRefused(f"{name} has no rows of audits: nothing to import.")

    result = AuditHistoryResult(file_name=name, dry_run=dry_run, warnings=table.warnings)
    with transaction.atomic():
        # Looked up, not created, until there is something to write: a dry run writes nothing at all.
        scale = shipped_grade_scale()
        valid = _validate(table, scale, today, result)
        plan = _plan(valid, table, scale, result)
        if dry_run or (result.errors and not skip_invalid):
            return result
        _write(plan, ofsted_four_point_scale())
        totals = result.totals
        record_access(
            acting_user,
            "import",
            "audit-history",
            "",
            f"{name}: {totals.created} audits created, {totals.updated} updated, {totals.unchanged} "
            f"unchanged, {totals.rejected} rejected, {result.cases_created} historical cases created",
        )
    result.written = True
    return result


# Reading ------------------------------------------------------------------------------------------------


@dataclass
class AuditTable:
    """Rows read from one file: every column of COLUMNS as text (null where empty, spaces stripped), plus
    `_source` and `_row` (the spreadsheet row number) as the register's RawTable has them."""

    frame: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


def read_audit_file(path: Path, file_name: str, *, workbook: bool) -> AuditTable:
    """Read a file detect_kind has passed: CSV, or the first sheet of a workbook, every cell as text."""
    warnings: list[str] = []
    if workbook:
        frame, headers = _read_first_sheet(path, file_name, warnings)
    else:
        frame = csv_reader.read_text_csv(path, file_name, warnings)
        headers = {c: c for c in frame.columns if c != "_row"}

    renamed: dict[str, str] = {}
    seen: dict[str, str] = {}
    for column, header in headers.items():
        normal = normalise_csv_header(header)
        normal = HEADER_ALIASES.get(normal, normal)
        if normal in seen and normal in COLUMNS:
            raise ImportRefused(f"{file_name}: columns {seen[normal]!r} and {header!r} are the same column.")
        seen[normal] = header.strip()
        renamed[column] = normal
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise ImportRefused(
            f"{file_name} has no {' or '.join(repr(c) for c in missing)} column. The first row must name the "
            f"columns: {', '.join(REQUIRED_COLUMNS)}, and optionally {', '.join(COLUMNS[4:])}."
        )
    unknown = [header for normal, header in seen.items() if normal not in COLUMNS and header.strip()]
    if unknown:
        warnings.append(f"{file_name}: columns not used: {', '.join(repr(h) for h in unknown)}.")

    source = {normal: column for column, normal in renamed.items() if normal in COLUMNS}

    def cleaned(column: str) -> pl.Expr:
        text = pl.col(source[column]).str.strip_chars()
        if workbook and column == "audit_date":
            text = without_time(text)  # a real Excel date cell comes with its time of day
        return pl.when(text.str.len_bytes() > 0).then(text).alias(column)

    present = [c for c in COLUMNS if c in source]
    frame = (
        frame.select(
            *(cleaned(c) if c in source else pl.lit(None, dtype=pl.Utf8).alias(c) for c in COLUMNS),
            pl.lit(file_name, dtype=pl.Utf8).alias("_source"),
            pl.col("_row").cast(pl.Int64),
        )
        # Spacer rows and the blank rows a spreadsheet pads itself with are not audits.
        .filter(pl.any_horizontal(pl.col(c).is_not_null() for c in present))
        .rechunk()
    )
    labels = {file_name: {c: seen[c] for c in present}}
    return AuditTable(frame=frame, warnings=warnings, labels=labels)


def _read_first_sheet(path: Path, file_name: str, warnings: list[str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """The first sheet's rows as text with `_row`, and each frame column's header as the sheet has it."""
    try:
        reader = fastexcel.read_excel(path)
        names = list(reader.sheet_names)
        if not names:
            raise ImportRefused(f"{file_name} has no sheets.")
        sheet = reader.load_sheet(0, header_row=0, dtypes="string")
        texts = header_texts(sheet.available_columns())
        headers = {
            column.name: text
            for column in sheet.selected_columns
            if (text := texts[column.index]) is not None
        }
        frame = sheet.to_polars()
    except fastexcel.FastExcelError as error:
        raise ImportRefused(f"{file_name} could not be read as an Excel workbook ({error}).") from None
    if len(names) > 1:
        others = ", ".join(repr(n) for n in names[1:])
        warnings.append(f"{file_name}: only the first sheet, {names[0]!r}, was read; not read: {others}.")
    frame = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("_row"))
    return frame, headers


# Validation ---------------------------------------------------------------------------------------------


def grade_aliases(scale: GradeScale) -> dict[str, str]:
    """Every accepted spelling of the scale's grades, normalised as _key, to the grade's slug."""
    aliases = {}
    for grade in scale.grades:
        aliases[_key(grade["slug"])] = grade["slug"]
        aliases[_key(grade["label"])] = grade["slug"]
    if scale.slug == "ofsted-4":
        aliases |= {k: v for k, v in _OFSTED_ALIASES.items() if v in scale.slugs and k not in aliases}
    return aliases


def _key(text: str) -> str:
    return "".join(c for c in text.lower() if c.isascii() and c.isalnum())


def _grade_column(text: pl.Expr, aliases: dict[str, str]) -> pl.Expr:
    key = text.str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    return key.replace_strict(aliases, default=None, return_dtype=pl.Utf8)


def _validate(table: AuditTable, scale: GradeScale, today: date, result: AuditHistoryResult) -> pl.DataFrame:
    """The valid rows, typed (cohort and grades as slugs, audit_date as pl.Date); every bad cell goes to
    `result.errors` and every bad row to the rejected counts."""
    frame = table.frame
    aliases = grade_aliases(scale)
    labels = [g["label"] for g in scale.grades]
    not_a_grade = f"not a grade on the {scale.name}: use {', '.join(labels[:-1])} or {labels[-1]}"
    cohort = cohort_column(pl.col("cohort"))
    auditor_grade = _grade_column(pl.col("auditor_grade"), aliases)
    moderated_grade = _grade_column(pl.col("moderated_grade"), aliases)
    child_id, graded = pl.col("child_id"), pl.col("auditor_grade").is_not_null()
    rules: list[tuple[str, pl.Expr, str]] = [
        ("child_id", child_id.is_null(), "a Child Unique ID is required"),
        (
            "child_id",
            child_id.is_not_null() & ~child_id.str.contains(CHILD_ID_PATTERN),
            "a Child Unique ID is letters and digits (and _ . / -), never a name or a formula",
        ),
        ("child_id", child_id.str.len_chars() > CHILD_ID_MAX_LENGTH, f"longer than {CHILD_ID_MAX_LENGTH}"),
        ("cohort", pl.col("cohort").is_null(), "a cohort is required"),
        (
            "cohort",
            pl.col("cohort").is_not_null() & cohort.is_null(),
            "not a cohort: use care-leaver, looked-after, child-protection, child-in-need or early-help",
        ),
        ("audit_date", pl.col("audit_date").is_null(), "the date of the audit is required"),
        (
            "auditor_grade",
            ~graded & pl.col("moderated_grade").is_null(),
            "the auditor's grade is required",
        ),
        (
            "auditor_grade",
            ~graded & pl.col("moderated_grade").is_not_null(),
            "a moderated grade without the auditor's grade: the auditor's grade is required beside it",
        ),
        ("auditor_grade", graded & auditor_grade.is_null(), not_a_grade),
        ("moderated_grade", pl.col("moderated_grade").is_not_null() & moderated_grade.is_null(), not_a_grade),
    ]
    checks = [
        (column, frame.select(pl.when(failing).then(pl.lit(reason)).alias(column)).to_series())
        for column, failing, reason in rules
    ]
    typed, date_reasons = date_columns(
        frame.with_columns(
            cohort.alias("cohort"),
            auditor_grade.alias("auditor_grade"),
            moderated_grade.alias("moderated_grade"),
        ),
        ["audit_date"],
    )
    checks.extend(date_reasons.items())
    audit_date = pl.col("audit_date")
    checks.append(
        (
            "audit_date",
            typed.select(
                pl.when(audit_date > today)
                .then(pl.lit(f"in the future (today is {today:%d/%m/%Y})"))
                .alias("audit_date")
            ).to_series(),
        )
    )
    # Which of two results for one child on one day is right cannot be known: both rows are refused.
    twice = (
        child_id.is_not_null() & audit_date.is_not_null() & pl.struct(child_id, audit_date).is_duplicated()
    )
    rows = pl.col("_row").cast(pl.Utf8).str.join(", ").over("child_id", "audit_date")
    checks.append(
        (
            "child_id",
            typed.select(
                pl.when(twice)
                .then(
                    pl.format(
                        "audited twice on {} in the file (rows {})", audit_date.dt.strftime("%d/%m/%Y"), rows
                    )
                )
                .alias("child_id")
            ).to_series(),
        )
    )
    bad = _record_errors(frame, checks, table.labels, result)
    _count_rejected(typed.filter(bad), result)
    return typed.filter(~bad)


def _record_errors(
    text_rows: pl.DataFrame,
    checks: list[tuple[str, pl.Series]],
    labels: dict[str, dict[str, str]],
    result: AuditHistoryResult,
) -> pl.Series:
    """Add a RowError for every failing cell (its value as the file has it) and return the bad-row mask."""
    checks = [(column, reasons) for column, reasons in checks if reasons.null_count() < len(reasons)]
    if not checks:
        return pl.repeat(False, text_rows.height, dtype=pl.Boolean, eager=True)
    reasons = pl.DataFrame(
        {f"{i}": series for i, (_, series) in enumerate(checks)},
        schema={f"{i}": pl.Utf8 for i in range(len(checks))},
    )
    bad = reasons.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
    columns = [column for column, _ in checks]
    result.errors.extend(row_errors(text_rows.filter(bad), reasons.filter(bad), columns, labels))
    result.errors.sort(key=lambda error: (error.source, error.row))
    return bad


def _count_rejected(rejected: pl.DataFrame, result: AuditHistoryResult) -> None:
    grouped = rejected.group_by(
        pl.col("audit_date").dt.year().alias("year"), pl.col("cohort").fill_null("unknown")
    ).len()
    for year, cohort, number in grouped.iter_rows():
        result.counts(year, cohort).rejected += number


# Planning -----------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    create: pl.DataFrame  # rows to insert; case_id null for a child who gets a historical case
    update: pl.DataFrame  # rows to write over the existing audit `audit_id`
    new_cases: pl.DataFrame  # child_id, cohort, closed_on


_EXISTING_SCHEMA = {
    "audit_id": pl.Int64,
    "case_id": pl.Int64,
    "audit_date": pl.Date,
    "old_cycle_id": pl.Int64,
    "old_auditor_id": pl.Int64,
    "old_status": pl.Utf8,
    "old_auditor_grade": pl.Utf8,
    "old_moderated_grade": pl.Utf8,
    "old_grade_scale_id": pl.Int64,
    "old_template_id": pl.Int64,
}


def _plan(valid: pl.DataFrame, table: AuditTable, scale: GradeScale, result: AuditHistoryResult) -> _Plan:
    """Match the valid rows to cycles, users, cases and existing audits, and sort them into audits to create,
    update or leave alone. Rows that would break a rule the database holds become row errors."""
    frame = valid.with_columns(
        pl.when(pl.col("moderated_grade").is_null())
        .then(pl.lit(AuditStatus.SUBMITTED.value))
        .otherwise(pl.lit(AuditStatus.MODERATED.value))
        .alias("status"),
        _cycle_ids(valid, result.warnings).alias("cycle_id"),
        _auditor_ids(valid, result.warnings).alias("auditor_id"),
        _case_ids(valid).alias("case_id"),
    )
    existing = _existing_audits(frame["case_id"].drop_nulls().unique().to_list())
    on_date = existing.filter(pl.col("audit_date").is_not_null()).sort("audit_id")
    frame = frame.join(
        on_date.unique(["case_id", "audit_date"], keep="first"),
        on=["case_id", "audit_date"],
        how="left",
        maintain_order="left",
    )

    scale_matches = pl.lit(False) if scale.pk is None else pl.col("old_grade_scale_id").eq_missing(scale.pk)
    as_before = (
        (pl.col("old_auditor_grade") == pl.col("auditor_grade"))
        & (pl.col("old_moderated_grade") == pl.col("moderated_grade").fill_null(""))
        & (pl.col("old_status") == pl.col("status"))
        & scale_matches
        # A file that names no auditor or cycle leaves the audit's own as they are.
        & (pl.col("auditor_id").is_null() | pl.col("auditor_id").eq_missing(pl.col("old_auditor_id")))
        & (pl.col("cycle_id").is_null() | pl.col("cycle_id").eq_missing(pl.col("old_cycle_id")))
    )
    frame = frame.with_columns(
        pl.when(pl.col("audit_id").is_null())
        .then(pl.lit("created"))
        .when(as_before.fill_null(False))
        .then(pl.lit("unchanged"))
        .otherwise(pl.lit("updated"))
        .alias("action")
    )
    in_cycle = existing.filter(pl.col("old_cycle_id").is_not_null()).select(
        "case_id", pl.col("old_cycle_id").alias("cycle_id"), pl.col("audit_id").alias("cycle_audit_id")
    )
    frame = frame.join(in_cycle, on=["case_id", "cycle_id"], how="left", maintain_order="left")

    action, cycle_id = pl.col("action"), pl.col("cycle_id")
    twice_in_cycle = cycle_id.is_not_null() & pl.struct("child_id", cycle_id).is_duplicated()
    rows_in_cycle = pl.col("_row").cast(pl.Utf8).str.join(", ").over("child_id", "cycle_id")
    checks = [
        (
            # An audit done in caseaudit has its own history of grades and moderation to keep.
            "auditor_grade",
            pl.when((action == "updated") & pl.col("old_template_id").is_not_null()).then(
                pl.format(
                    "an audit of this child completed on {} was done in caseaudit (audit {}) with other "
                    "grades; a spreadsheet never overwrites it",
                    pl.col("audit_date").dt.strftime("%d/%m/%Y"),
                    pl.col("audit_id"),
                )
            ),
        ),
        (
            "cycle",
            pl.when(twice_in_cycle).then(
                pl.format("the child is audited more than once in this cycle (rows {})", rows_in_cycle)
            ),
        ),
        (
            "cycle",
            pl.when(
                (action != "unchanged")
                & pl.col("cycle_audit_id").is_not_null()
                & ~pl.col("cycle_audit_id").eq_missing(pl.col("audit_id"))
            ).then(
                pl.format(
                    "the child already has an audit in this cycle (audit {}): one audit per case per cycle",
                    pl.col("cycle_audit_id"),
                )
            ),
        ),
    ]
    reasons = [(column, frame.select(expr.alias(column)).to_series()) for column, expr in checks]
    text_rows = frame.select("_row").join(table.frame, on="_row", how="left", maintain_order="left")
    bad = _record_errors(text_rows, reasons, table.labels, result)
    _count_rejected(frame.filter(bad), result)
    frame = frame.filter(~bad)

    counted = frame.group_by(pl.col("audit_date").dt.year().alias("year"), "cohort", "action").len()
    for year, cohort, name, number in counted.iter_rows():
        setattr(result.counts(year, cohort), name, getattr(result.counts(year, cohort), name) + number)

    create = frame.filter(action == "created")
    # A child the register does not know gets a closed case, in the cohort of their latest audit.
    new_cases = (
        create.filter(pl.col("case_id").is_null())
        .sort("audit_date")
        .group_by("child_id", maintain_order=True)
        .agg(pl.col("cohort").last(), pl.col("audit_date").last().alias("closed_on"))
    )
    result.cases_created = new_cases.height
    return _Plan(create=create, update=frame.filter(action == "updated"), new_cases=new_cases)


def _name_key(name: pl.Expr) -> pl.Expr:
    return name.str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()


def _py_name_key(name: str) -> str:
    return " ".join(name.split()).lower()


def _cycle_ids(frame: pl.DataFrame, warnings: list[str]) -> pl.Series:
    known = {_py_name_key(name): pk for pk, name in Cycle.objects.values_list("id", "name")}
    ids = frame.select(_name_key(pl.col("cycle")).replace_strict(known, default=None, return_dtype=pl.Int64))
    unknown = frame.filter(pl.col("cycle").is_not_null() & ids.to_series().is_null())["cycle"]
    if not unknown.is_empty():
        names = unknown.unique(maintain_order=True).to_list()
        warnings.append(
            f"{len(names)} cycle name(s) are not cycles in caseaudit, so their {len(unknown)} audit(s) are "
            f"kept without a cycle: {_listed(names)}."
        )
    return ids.to_series()


def _auditor_ids(frame: pl.DataFrame, warnings: list[str]) -> pl.Series:
    """A user whose username or full name is the name given; a name two users share matches no one."""
    users: dict[str, int | None] = {}
    for pk, username, first, last in User.objects.values_list("id", "username", "first_name", "last_name"):
        for name in {_py_name_key(username), _py_name_key(f"{first} {last}")}:
            if name:
                users[name] = pk if users.get(name, pk) == pk else None
    ids = frame.select(
        _name_key(pl.col("auditor")).replace_strict(users, default=None, return_dtype=pl.Int64)
    ).to_series()
    unmatched = frame.filter(pl.col("auditor").is_not_null() & ids.is_null())["auditor"]
    if not unmatched.is_empty():
        names = unmatched.unique(maintain_order=True).to_list()
        warnings.append(
            f"{len(names)} auditor name(s) match no single caseaudit user, so their {len(unmatched)} "
            f"audit(s) are kept without an auditor: {_listed(names)}."
        )
    return ids


def _case_ids(frame: pl.DataFrame) -> pl.Series:
    known: dict[str, int] = {}
    for chunk in _chunks(frame["child_id"].unique().to_list()):
        known.update(Case.objects.filter(child_id__in=chunk).values_list("child_id", "id"))
    return frame["child_id"].replace_strict(known, default=None, return_dtype=pl.Int64)


def _existing_audits(case_ids: list[int]) -> pl.DataFrame:
    fields = (
        "id",
        "case_id",
        "completed_on",
        "cycle_id",
        "auditor_id",
        "status",
        "auditor_grade",
        "moderated_grade",
        "grade_scale_id",
        "template_id",
    )
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(case_ids):
        rows.extend(Audit.objects.filter(case_id__in=chunk).values_list(*fields))
    return pl.DataFrame(rows, schema=_EXISTING_SCHEMA, orient="row")


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def _listed(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# Writing ------------------------------------------------------------------------------------------------


def _write(plan: _Plan, scale: GradeScale) -> None:
    Case.objects.bulk_create(
        [
            Case(child_id=child_id, cohort=cohort, closed_on=closed_on)
            for child_id, cohort, closed_on in plan.new_cases.iter_rows()
        ],
        batch_size=_BATCH,
    )
    new_case_ids = dict(
        zip(
            plan.new_cases["child_id"].to_list(),
            _case_ids(plan.new_cases).to_list(),
            strict=True,
        )
    )
    Audit.objects.bulk_create(
        [
            Audit(
                case_id=row["case_id"] or new_case_ids[row["child_id"]],
                cohort=row["cohort"],
                cycle_id=row["cycle_id"],
                auditor_id=row["auditor_id"],
                status=row["status"],
                reason="",
                completed_on=row["audit_date"],
                grade_scale=scale,
                auditor_grade=row["auditor_grade"],
                moderated_grade=row["moderated_grade"] or "",
            )
            for row in plan.create.iter_rows(named=True)
        ],
        batch_size=_BATCH,
    )
    now = timezone.now()  # bulk_update does not touch auto_now fields itself
    Audit.objects.bulk_update(
        [
            Audit(
                pk=row["audit_id"],
                cycle_id=row["cycle_id"] or row["old_cycle_id"],
                auditor_id=row["auditor_id"] or row["old_auditor_id"],
                status=row["status"],
                grade_scale=scale,
                auditor_grade=row["auditor_grade"],
                moderated_grade=row["moderated_grade"] or "",
                updated_at=now,
            )
            for row in plan.update.iter_rows(named=True)
        ],
        ["cycle", "auditor", "status", "grade_scale", "auditor_grade", "moderated_grade", "updated_at"],
        batch_size=_BATCH,
    )
