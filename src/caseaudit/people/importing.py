"""Reading a spreadsheet of accounts (CSV, or the first sheet of an .xlsx workbook, with the columns
username, name, email, role, team, staff, capacity) and working out what importing it would change,
writing nothing: who would be added, who changed, who is as the file says, and, when asked, who would be
deactivated for being missing from it. `actions.import_accounts` writes the plan.

Read as the register and the history imports read their files (caseaudit.readers): the same file checks,
every cell as text, the spreadsheet's row numbers, and the same rule: one bad row and nothing is written,
every bad row listed by row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

from caseaudit.accounts.models import User
from caseaudit.readers.columns import normalise_csv_header
from caseaudit.readers.csv_text import read_text_csv
from caseaudit.readers.files import FileLimits, detect_kind
from caseaudit.readers.table import ImportRefused, RowError
from caseaudit.readers.workbook import header_texts

from .checking import AccountFields, check_fields
from .fields import FIELDS, values_of

REQUIRED = ("username", "name", "role")
# An accounts file is a few hundred rows at most.
LIMITS = FileLimits(max_bytes=5 * 1024 * 1024)


@dataclass
class AccountPlan:
    """What importing a file would change. `changed` pairs each account with its new fields and `changes`
    says which fields differ, old and new, for the preview."""

    file_name: str
    added: list[AccountFields] = field(default_factory=list)
    changed: list[tuple[User, AccountFields]] = field(default_factory=list)
    changes: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[User] = field(default_factory=list)
    still_deactivated: list[str] = field(default_factory=list)  # in the file, but switched off
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "deactivated": len(self.deactivated),
        }

    @property
    def changes_nothing(self) -> bool:
        return not (self.added or self.changed or self.deactivated)

    def fingerprint(self) -> list[Any]:
        """What the person confirmed, to compare with the plan made again when they confirm."""
        return [
            sorted(f.username for f in self.added),
            sorted([u.username, sorted(self.changes[u.username])] for u, _ in self.changed),
            sorted(u.username for u in self.deactivated),
        ]


def read_rows(path: Path, file_name: str | None = None) -> tuple[list[dict[str, Any]], list[str], str]:
    """The rows of the file as text, each with its spreadsheet row number as `_row`; warnings; the name."""
    name = file_name or path.name
    kind = detect_kind(path, LIMITS, name)
    warnings: list[str] = []
    if kind == "annex-a":  # any workbook: the readers call every .xlsx that
        frame, headers = _first_sheet(path, name, warnings)
    else:
        frame = read_text_csv(path, name, warnings)
        headers = {c: c for c in frame.columns if c != "_row"}
    columns: dict[str, str] = {}
    for column, header in headers.items():
        normal = normalise_csv_header(header)
        if normal in FIELDS:
            if normal in columns.values():
                raise ImportRefused(f"{name}: two columns are {normal!r}.")
            columns[column] = normal
        elif header.strip():
            warnings.append(f"{name}: column {header!r} is not used.")
    missing = [c for c in REQUIRED if c not in columns.values()]
    if missing:
        raise ImportRefused(
            f"{name} has no {' or '.join(repr(c) for c in missing)} column. The first row must name the "
            f"columns: {','.join(FIELDS)} (email, team, staff and capacity may be left empty)."
        )
    rows = []
    for raw in frame.iter_rows(named=True):
        row = {normal: (raw[column] or "").strip() for column, normal in columns.items()}
        if any(row.values()):  # blank rows a spreadsheet pads itself with are not people
            rows.append({**{f: "" for f in FIELDS}, **row, "_row": int(raw["_row"])})
    if not rows:
        raise ImportRefused(f"{name} has no rows of people: nothing to import.")
    return rows, warnings, name


def _first_sheet(path: Path, name: str, warnings: list[str]) -> tuple[pl.DataFrame, dict[str, str]]:
    try:
        reader = fastexcel.read_excel(path)
        sheet = reader.load_sheet(0, header_row=0, dtypes="string")
        texts = header_texts(sheet.available_columns())
        headers = {c.name: t for c in sheet.selected_columns if (t := texts[c.index]) is not None}
        frame = sheet.to_polars()
    except fastexcel.FastExcelError as error:
        raise ImportRefused(f"{name} could not be read as an Excel workbook ({error}).") from None
    if len(reader.sheet_names) > 1:
        warnings.append(f"{name}: only the first sheet, {reader.sheet_names[0]!r}, was read.")
    return frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("_row")), headers


def plan_accounts(
    rows: list[dict[str, Any]],
    file_name: str,
    *,
    deactivate_missing: bool = False,
    acting_user: object = None,
) -> AccountPlan:
    """Check every row and compare it with the accounts there are now."""
    plan = AccountPlan(file_name=file_name)
    existing = {u.username.lower(): u for u in User.objects.select_related("staff__team")}
    seen: dict[str, int] = {}
    staff_rows: dict[str, int] = {}
    for row in rows:
        number = row["_row"]
        key = row["username"].lower()
        account = existing.get(key)
        fields, problems = check_fields(row, account)
        if key and key in seen:
            problems["username"] = f"also on row {seen[key]}: one row a person"
        seen.setdefault(key, number)
        if fields and fields.placement.staff:
            staff_key = fields.placement.staff.lower()
            if staff_key in staff_rows:
                problems["staff"] = (
                    f"also on row {staff_rows[staff_key]}: one account a person in the register"
                )
            staff_rows.setdefault(staff_key, number)
        if problems:
            plan.errors += [
                RowError(file_name, number, c, str(row.get(c, "")), r) for c, r in problems.items()
            ]
            continue
        assert fields is not None
        if account is None:
            plan.added.append(fields)
            continue
        differences = _differences(account, fields)
        if differences:
            plan.changed.append((account, fields))
            plan.changes[account.username] = differences
        else:
            plan.unchanged.append(account.username)
        if not account.is_active:
            plan.still_deactivated.append(account.username)
    if plan.still_deactivated:
        plan.warnings.append(
            f"In the file but deactivated, and left so: {', '.join(plan.still_deactivated)}. "
            "Reactivate them on their account pages or with `caseaudit users reactivate`."
        )
    if deactivate_missing:
        me = getattr(acting_user, "pk", None)
        plan.deactivated = [
            u for k, u in sorted(existing.items()) if k not in seen and u.is_active and u.pk != me
        ]
    plan.errors.sort(key=lambda e: e.row)
    return plan


def _differences(account: User, fields: AccountFields) -> dict[str, tuple[Any, Any]]:
    """Which of the account's fields the row changes. An empty team leaves the team as it is."""
    now = values_of(account)
    wanted = fields.as_values()
    if not wanted["team"]:
        wanted["team"] = now["team"] if wanted["staff"] == now["staff"] else ""
    return {k: (now[k], wanted[k]) for k in FIELDS if now[k] != wanted[k]}
