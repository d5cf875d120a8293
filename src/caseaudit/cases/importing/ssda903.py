"""The SSDA903 return (children looked after and care leavers) as a source of the case register: its CSV
tables read, checked cell by cell, and turned into one register row per child for the same validation,
plan and write as caseaudit's CSV and Annex A (docs/domain.md#returns).

The return carries what Annex A only summarises: every episode of care, with its start, end, legal status
and placement, and every review. From them a child's case takes:

- the cohort: looked after while an episode is open; a care leaver once no episode is open and the OC3
  table follows the young person up; otherwise a looked after case closed when the last episode ended;
- the period of care's start (the latest episode that started a period, reason "S") as the date the
  case opened and the child became looked after (a later year's return may hold no "S" for a child long in
  care: its first episode then gives way to the start the register holds);
- the current placement's start: the latest episode that began a placement (every reason but a change of
  legal status alone, "L");
- the latest episode's legal status and placement type, the latest review, the date care ended;
- the child's sex, ethnicity and month of birth from the Header table, and whether they came to care as an
  unaccompanied asylum-seeking child from the UASC table.

A return only changes the register columns it holds: an import of it never wipes the team, worker or the
dates another source brought, and closes no case it does not name (docs/domain.md#one-register)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from caseaudit.core.characteristics import ETHNICITIES
from caseaudit.core.looked_after import LEGAL_STATUSES, PLACEMENT_TYPES
from caseaudit.core.register import CHILD_ID_MAX_LENGTH, CHILD_ID_PATTERN, COLUMNS
from caseaudit.readers.csv_text import read_text_csv
from caseaudit.readers.table import ImportRefused, RawTable, RowError

from .sources import PERIOD_KNOWN, settle_with_register, with_first_reviews

# The tables caseaudit reads, each known by the columns it must have.
TABLES: dict[str, tuple[str, ...]] = {
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC"),
    "Reviews": ("CHILD", "REVIEW"),
    "UASC": ("CHILD", "DUC"),
    "OC3": ("CHILD", "IN_TOUCH", "ACTIV", "ACCOM"),
    "Missing": ("CHILD", "MISSING", "MIS_START"),
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC"),
    # Checked like the others, and not kept: nothing caseaudit shows or checks comes from them yet.
    "OC2": ("CHILD", "SDQ_SCORE"),
    "PrevPerm": ("CHILD", "PREV_PERM"),
    "PlacedAdoption": ("CHILD", "DATE_PLACED"),
}
CHECKED_ONLY = ("OC2", "PrevPerm", "PlacedAdoption")
# The return's other tables, known so that they are named rather than refused as strange files.
OTHER_TABLES: dict[str, str] = {"DATE_INT": "AD1", "SW_ID": "SocialWorker"}
REASONS_FOR_NEW_EPISODE = ("S", "L", "P", "T", "U", "B")
# A new period of care starts with "S"; every reason but "L" (a change of legal status alone) moves the
# child to a new placement.
STARTED = "S"
LEGAL_STATUS_ONLY = "L"
SEX_CODES = {"1": "M", "2": "F"}
IN_TOUCH_CODES = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
DATE_FORMAT = "%d/%m/%Y"
NOT_A_DATE = "not a date: write it as dd/mm/yyyy"
NOT_AN_ID = "a child's ID is letters and digits (and _ . / -), at most 40 of them"
MOST_ERRORS_SHOWN = 20


@dataclass(frozen=True)
class ReturnRead:
    """A return as read: the register's rows, and the history its tables hold (by child), which the
    import keeps beside the cases (`cases.actions.import_return`)."""

    raw: RawTable
    # A return without one of these tables holds none of that history; the census holds none at all.
    # child_id, starts_on, ends_on, reason, legal_status, placement_type:
    episodes: pl.DataFrame = field(default_factory=lambda: _episodes(None))
    reviews: pl.DataFrame = field(default_factory=lambda: _reviews(None))  # child_id, held_on
    missing: pl.DataFrame = field(
        default_factory=lambda: _missing(None)
    )  # child_id, kind, starts_on, ends_on
    extracted_on: date | None = None  # as the file says (the census's header); None: it does not


@dataclass(frozen=True)
class CollectionYear:
    """A return's year: 1 April to 31 March, named by the year it ends in (2026 is 2025-26)."""

    ends: int

    @property
    def last_day(self) -> date:
        return date(self.ends, 3, 31)


def read_ssda903(paths: Sequence[Path], *, year: CollectionYear | None = None) -> ReturnRead:
    """The return's tables as register rows, one per child, with their history. Raises ImportRefused,
    naming the file, row, column, value and reason of every bad cell it lists (all or nothing), when a
    file is not a table of the return or a table caseaudit needs is missing."""
    tables, warnings = _tables(paths)
    if "Episodes" not in tables and "OC3" not in tables:
        raise ImportRefused(
            "An SSDA903 return needs its Episodes table (or OC3, for care leavers): none of the files given "
            f"is one ({', '.join(p.name for p in paths)})."
        )
    errors: list[RowError] = []
    checked = {name: _check(name, frame, source, errors, year) for name, (frame, source) in tables.items()}
    if errors:
        raise refusal(errors, "the SSDA903 return")
    for name in CHECKED_ONLY:
        if name in tables:
            warnings.append(
                f"{tables[name][1]} is the {name} table: checked, and nothing in it is kept, as caseaudit "
                "neither shows nor checks what it holds."
            )
    frame, held = _register_rows(checked)
    episodes, reviews = _episodes(checked.get("Episodes")), _reviews(checked.get("Reviews"))
    settled = settle_with_register(frame)
    if "Episodes" in checked:
        settled = with_first_reviews(settled, episodes, reviews)
    raw = RawTable(
        frame=settled,
        kind="ssda903",
        warnings=warnings,
        merge_lists=False,
        absent=frozenset(c for c in COLUMNS if c not in held),
    )
    return ReturnRead(raw, episodes, reviews, _missing(checked.get("Missing")))


def _episodes(episodes: pl.DataFrame | None) -> pl.DataFrame:
    columns = {
        "CHILD": "child_id",
        "DECOM": "starts_on",
        "DEC": "ends_on",
        "RNE": "reason",
        "LS": "legal_status",
        "PLACE": "placement_type",
    }
    if episodes is None:
        dates = ("starts_on", "ends_on")
        return pl.DataFrame(schema={name: pl.Date if name in dates else pl.Utf8 for name in columns.values()})
    return episodes.select(*(pl.col(k).alias(v) for k, v in columns.items())).sort("child_id", "starts_on")


def _missing(missing: pl.DataFrame | None) -> pl.DataFrame:
    if missing is None:
        return pl.DataFrame(
            schema={"child_id": pl.Utf8, "kind": pl.Utf8, "starts_on": pl.Date, "ends_on": pl.Date}
        )
    return missing.select(
        pl.col("CHILD").alias("child_id"),
        pl.col("MISSING").alias("kind"),
        pl.col("MIS_START").alias("starts_on"),
        pl.col("MIS_END").alias("ends_on"),
    ).unique(["child_id", "starts_on"], keep="last")


def _reviews(reviews: pl.DataFrame | None) -> pl.DataFrame:
    if reviews is None:
        return pl.DataFrame(schema={"child_id": pl.Utf8, "held_on": pl.Date})
    return reviews.select(pl.col("CHILD").alias("child_id"), pl.col("REVIEW").alias("held_on")).unique()


def refusal(errors: Sequence[RowError], what: str) -> ImportRefused:
    """Every problem found in a return, the first MOST_ERRORS_SHOWN of them listed: nothing is imported."""
    shown = "\n".join(str(error) for error in errors[:MOST_ERRORS_SHOWN])
    more = f"\n... and {len(errors) - MOST_ERRORS_SHOWN} more" if len(errors) > MOST_ERRORS_SHOWN else ""
    return ImportRefused(f"{len(errors)} problem(s) in {what}: nothing was imported.\n{shown}{more}")


# Reading the files -----------------------------------------------------------------------------------------


def _tables(paths: Sequence[Path]) -> tuple[dict[str, tuple[pl.DataFrame, str]], list[str]]:
    found: dict[str, tuple[pl.DataFrame, str]] = {}
    warnings: list[str] = []
    for path in _files(paths):
        frame = read_text_csv(path, path.name, warnings)
        name = _identify(frame.columns)
        if name is None:
            other = next((table for key, table in OTHER_TABLES.items() if key in frame.columns), None)
            if other is None:
                starts = ", ".join(c for c in frame.columns[:6] if c != "_row")
                raise ImportRefused(
                    f"{path.name} is not a table of the SSDA903 return: its header ({starts}...) is none of "
                    f"{', '.join(TABLES)}."
                )
            warnings.append(f"{path.name} is the {other} table, which caseaudit does not read yet: ignored.")
            continue
        if name in found:
            raise ImportRefused(
                f"{path.name} and {found[name][1]} are both the {name} table: give one of each."
            )
        found[name] = (frame, path.name)
    return found, warnings


def _files(paths: Sequence[Path]) -> list[Path]:
    """The CSV files given, a folder standing for the CSV files in it."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise ImportRefused(f"{path}: no such file or folder.")
        files.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    if not files:
        raise ImportRefused("No CSV files given: an SSDA903 return is a set of CSV tables.")
    return files


def _identify(columns: Sequence[str]) -> str | None:
    """The table a header belongs to. Episodes first: its CHILD and dates would also pass for others."""
    present = {c.strip().upper() for c in columns}
    return next((name for name, needed in TABLES.items() if set(needed) <= present), None)


# Checking each cell ----------------------------------------------------------------------------------------

_ETHNIC_CODES = [code for code, _, _ in ETHNICITIES]
OC2_FLAGS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)
SDQ_SCORES = range(0, 41)
_CODES: dict[tuple[str, str], tuple[Sequence[str], str]] = {
    ("Episodes", "RNE"): (REASONS_FOR_NEW_EPISODE, "not a reason for a new episode: use S, L, P, T, U or B"),
    ("Episodes", "LS"): ([c for c, _ in LEGAL_STATUSES], "not a legal status: use C1, C2, E1, V2..."),
    ("Episodes", "PLACE"): ([c for c, _ in PLACEMENT_TYPES], "not a placement type: use U1 to U6, K2, P1..."),
    ("Header", "SEX"): (list(SEX_CODES), "not a sex: use 1 (male) or 2 (female)"),
    ("Header", "ETHNIC"): (_ETHNIC_CODES, "not an ethnicity: use the four-letter code, such as WBRI"),
    ("OC3", "IN_TOUCH"): (IN_TOUCH_CODES, "not an answer: use YES, NO, DIED, REFU, NREQ or RHOM"),
    ("Missing", "MISSING"): (
        ("M", "A"),
        "not a kind of absence: use M (missing) or A (away without authorisation)",
    ),
    ("OC3", "ACTIV"): (
        ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"),
        "not an activity: use F1, P1, F2, P2, F4, P4, F5, P5, G4, G5, G6 or 0",
    ),
    ("OC3", "ACCOM"): (
        ("0", *(f"{kind}{suitable}" for kind in "BCDEGHKRSTUVWXYZ" for suitable in "12")),
        "not an accommodation: use a letter and 1 (suitable) or 2 (not), such as U1, or 0",
    ),
    ("OC2", "SDQ_REASON"): (
        ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"),
        "not a reason for no SDQ score: use SDQ1 to SDQ5",
    ),
    **{("OC2", flag): (("0", "1"), "not an answer: use 1 (yes) or 0 (no)") for flag in OC2_FLAGS},
    ("PrevPerm", "PREV_PERM"): (
        ("P1", "P2", "P3", "P4", "Z1"),
        "not a previous permanence option: use P1 to P4, or Z1 (none or not known)",
    ),
    ("PlacedAdoption", "REASON_PLACED_CEASED"): (
        ("RD1", "RD2", "RD3", "RD4"),
        "not a reason the adoptive placement ended: use RD1 to RD4",
    ),
}
_DATES: dict[str, tuple[str, ...]] = {
    "Episodes": ("DECOM", "DEC"),
    "Reviews": ("REVIEW",),
    "UASC": ("DUC",),
    "Missing": ("MIS_START", "MIS_END"),
    "Header": ("DOB",),
    "OC2": ("DOB",),
    "PrevPerm": ("DOB", "DATE_PERM"),
    "PlacedAdoption": ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
}
# Dates that may lie outside the collection year: a birth, the day a young person stops being an asylum
# seeker (their 18th birthday), a permanence order made before the child came to care.
_ANY_YEAR = ("DOB", "DUC", "DATE_PERM")
_REQUIRED: dict[str, tuple[str, ...]] = {
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE"),
    "Reviews": ("CHILD", "REVIEW"),
    "UASC": ("CHILD",),
    "OC3": ("CHILD", "IN_TOUCH"),
    "Missing": ("CHILD", "MISSING", "MIS_START"),
    "Header": ("CHILD", "SEX", "DOB"),
    "OC2": ("CHILD",),
    "PrevPerm": ("CHILD", "PREV_PERM"),
    "PlacedAdoption": ("CHILD", "DATE_PLACED"),
}


def _check(
    name: str, frame: pl.DataFrame, source: str, errors: list[RowError], year: CollectionYear | None
) -> pl.DataFrame:
    """The table with its codes upper-cased and its dates parsed, every bad cell added to `errors`."""
    frame = frame.rename({c: c.strip().upper() for c in frame.columns if c != "_row"})
    problems: list[tuple[str, pl.Expr, pl.Expr]] = []  # (column, failing, reason)
    for column in _REQUIRED[name]:
        problems.append((column, pl.col(column).is_null(), pl.lit(f"{column} is required")))
    child = pl.col("CHILD")
    unlike_an_id = ~child.str.contains(CHILD_ID_PATTERN) | (child.str.len_chars() > CHILD_ID_MAX_LENGTH)
    problems.append(("CHILD", child.is_not_null() & unlike_an_id, pl.lit(NOT_AN_ID)))
    # A table may leave out a column it need not fill (an older return's OC2 has fewer health answers).
    codes = {
        c: pl.col(c).str.strip_chars().str.to_uppercase()
        for (table, c) in _CODES
        if table == name and c in frame.columns
    }
    for (table, column), (allowed, reason) in _CODES.items():
        if table == name and column in codes:
            unknown = codes[column].is_not_null() & ~codes[column].is_in(list(allowed))
            problems.append((column, unknown, pl.lit(reason)))
    dates = {c: _date(c) for c in _DATES.get(name, ()) if c in frame.columns}
    for column, parsed in dates.items():
        problems.append((column, pl.col(column).is_not_null() & parsed.is_null(), pl.lit(NOT_A_DATE)))
        if year is not None and column not in _ANY_YEAR:
            problems.append(
                (
                    column,
                    parsed > year.last_day,
                    pl.lit(f"after the collection year, which ends on {year.last_day:%-d %B %Y}"),
                )
            )
    if name == "Episodes":
        problems.append(("DEC", dates["DEC"] < dates["DECOM"], pl.lit("the episode ends before it starts")))
    if name == "PlacedAdoption" and "DATE_PLACED_CEASED" in dates:
        ended_early = dates["DATE_PLACED_CEASED"] < dates["DATE_PLACED"]
        problems.append(("DATE_PLACED_CEASED", ended_early, pl.lit("the placement ends before it starts")))
    if name == "OC2" and "SDQ_SCORE" in frame.columns:
        score = pl.col("SDQ_SCORE").str.strip_chars()
        not_a_score = score.is_not_null() & ~score.is_in([str(n) for n in SDQ_SCORES])
        problems.append(("SDQ_SCORE", not_a_score, pl.lit("not an SDQ score: a whole number from 0 to 40")))
    for column, failing, why in problems:
        bad = frame.filter(failing.fill_null(False)).select(
            "_row", pl.col(column).fill_null(""), why.alias("reason")
        )
        errors.extend(
            RowError(source, int(row), column, value, reason) for row, value, reason in bad.iter_rows()
        )
    return frame.with_columns(
        *(e.alias(c) for c, e in codes.items()), *(e.alias(c) for c, e in dates.items())
    )


def _date(column: str) -> pl.Expr:
    """A dd/mm/yyyy date. A permanence order's day may be unknown, written "zz": it counts from the
    first of its month."""
    text = pl.col(column).str.strip_chars()
    if column == "DATE_PERM":
        text = text.str.replace(r"^(?i)zz/", "01/")
    return text.str.to_date(DATE_FORMAT, strict=False)


# Building the register's rows ------------------------------------------------------------------------------


def _register_rows(tables: dict[str, pl.DataFrame]) -> tuple[pl.DataFrame, set[str]]:
    """One row per child, and the register columns the return held."""
    held: set[str] = {"child_id", "cohort"}
    children: pl.DataFrame | None = None
    if "Episodes" in tables:
        children = _from_episodes(tables["Episodes"])
        held |= {"opened_on", "closed_on", "looked_after_since", "placement_start"}
        held |= {"legal_status", "placement_type"}
    if "OC3" in tables:
        # Care leavers: young people whose care ended, often years before the return's episodes.
        leavers = tables["OC3"].select(pl.col("CHILD").unique(), pl.lit(True).alias("_leaver"))
        children = (
            leavers if children is None else children.join(leavers, on="CHILD", how="full", coalesce=True)
        )
    assert children is not None  # Episodes or OC3 is there (read_ssda903)
    if "Reviews" in tables:
        latest = (
            tables["Reviews"].group_by("CHILD").agg(pl.col("REVIEW").max().alias("latest_statutory_review"))
        )
        children = children.join(latest, on="CHILD", how="left")
        held.add("latest_statutory_review")
    if "UASC" in tables:
        uasc = tables["UASC"].select(pl.col("CHILD").unique(), pl.lit("Y").alias("uasc"))
        children = children.join(uasc, on="CHILD", how="left")
        held.add("uasc")
    if "Header" in tables:
        header = (
            tables["Header"]
            .unique("CHILD", keep="last")
            .select(
                "CHILD",
                pl.col("SEX").replace_strict(SEX_CODES, default=None).alias("sex"),
                pl.col("ETHNIC").alias("ethnicity"),
                pl.col("DOB").dt.month_start().alias("birth_month"),
            )
        )
        # The Header names every child of the return: only those with an episode or OC3 become cases.
        children = children.join(header, on="CHILD", how="left")
        held |= {"sex", "ethnicity", "birth_month"}
    open_episode = pl.col("_open").fill_null(False)
    leaver = pl.col("_leaver").fill_null(False) if "_leaver" in children.columns else pl.lit(False)
    children = children.with_columns(
        pl.when(open_episode)
        .then(pl.lit("looked-after"))
        .when(leaver)
        .then(pl.lit("care-leaver"))
        .otherwise(pl.lit("looked-after"))
        .alias("cohort"),
        # A care leaver's case stays open: the leaving care service follows them up.
        pl.when(~open_episode & leaver).then(None).otherwise(pl.col("closed_on")).alias("closed_on")
        if "closed_on" in children.columns
        else pl.lit(None, dtype=pl.Date).alias("closed_on"),
    )
    return _as_register(children.rename({"CHILD": "child_id"})), held


def _from_episodes(episodes: pl.DataFrame) -> pl.DataFrame:
    ordered = episodes.sort("CHILD", "DECOM")
    started = pl.col("RNE") == STARTED
    return (
        ordered.group_by("CHILD", maintain_order=True)
        .agg(
            # The current period of care: from its latest "S" (the first episode, where the return has none).
            pl.col("DECOM")
            .filter(started)
            .max()
            .fill_null(pl.col("DECOM").min())
            .alias("looked_after_since"),
            # Without an "S", the period began before the return's year: its first episode is a guess,
            # which gives way to a start the register already holds (`sources`).
            started.any().alias(PERIOD_KNOWN),
            pl.col("DECOM").filter(pl.col("RNE") != LEGAL_STATUS_ONLY).max().alias("placement_start"),
            pl.col("LS").last().alias("legal_status"),
            pl.col("PLACE").last().alias("placement_type"),
            pl.col("DEC").last().alias("closed_on"),
            pl.col("DEC").last().is_null().alias("_open"),
            pl.col("_row").last().alias("_row"),
        )
        .with_columns(pl.col("looked_after_since").alias("opened_on"))
    )


def _as_register(children: pl.DataFrame) -> pl.DataFrame:
    """Every register column as the readers give them (text, or dates), with `_source` and `_row`."""

    def column(name: str) -> pl.Expr:
        if name not in children.columns:
            return pl.lit(None, dtype=pl.Utf8).alias(name)
        value = pl.col(name)
        as_text = value.dt.strftime("%Y-%m-%d") if children.schema[name] == pl.Date else value.cast(pl.Utf8)
        return as_text.alias(name)

    # A care leaver known only from OC3 has no episode's row to point to.
    row = pl.col("_row").fill_null(0) if "_row" in children.columns else pl.lit(0)
    # Null for a child without an episode in the return (a care leaver known from OC3 alone).
    known = pl.col(PERIOD_KNOWN) if PERIOD_KNOWN in children.columns else pl.lit(None, pl.Boolean)
    return children.select(
        *(column(c) for c in COLUMNS),
        pl.lit("SSDA903").alias("_source"),
        row.cast(pl.Int64).alias("_row"),
        known.alias(PERIOD_KNOWN),
    )
