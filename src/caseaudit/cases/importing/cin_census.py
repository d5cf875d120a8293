"""The Children in Need census (XML) as a source of the case register
(docs/domain.md#the-children-in-need-census): each child's latest episode of need read for the dates the
timescale checks count from, and settled with the cases other sources made (`sources`).

The file is read as it streams, one child at a time, so a large authority's census never sits whole in
memory; and safely: no entity is expanded, no DTD loaded, nothing fetched from the network."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from lxml import etree

from caseaudit.core.characteristics import ETHNICITIES
from caseaudit.core.register import CHILD_ID_MAX_LENGTH, COLUMNS
from caseaudit.readers.table import ImportRefused, RawTable, RowError

from .sources import settle_with_register
from .ssda903 import CollectionYear, ReturnRead, refusal

# GenderCurrent: 1 male, 2 female, 0 not known, 9 not specified.
SEX_CODES = {"1": "M", "2": "F", "0": "U", "9": "U"}
_ETHNIC_CODES = {code for code, _, _ in ETHNICITIES}
# The register columns the census holds, which its import may change.
HELD = (
    "child_id",
    "cohort",
    "opened_on",
    "closed_on",
    "birth_month",
    "sex",
    "ethnicity",
    "disability",
    "referral_date",
    "assessment_start",
    "assessment_completed",
    "strategy_discussion",
    "initial_conference",
    "cp_plan_start",
    "latest_review_conference",
    "cin_plan_start",
)


@dataclass
class _Child:
    """What is read of one <Child>, and the line it starts on, for errors."""

    line: int
    values: dict[str, str | None]


def read_cin_census(
    path: Path, *, year: CollectionYear | None = None, file_name: str | None = None
) -> ReturnRead:
    """One register row per child of the census. Raises ImportRefused, naming the line, element, value and
    reason of every bad value it lists (all or nothing), or when the file is not a census. The day the
    file was extracted is read from its header (Source/DateTime), where it says."""
    name = file_name or path.name
    errors: list[RowError] = []
    header: dict[str, date] = {}
    rows = [{**child.values, "_row": child.line} for child in _children(path, name, errors, year, header)]
    if errors:
        raise refusal(errors, "the Children in Need census")
    if not rows:
        raise ImportRefused(f"{name} holds no <Child>: nothing to import.")
    frame = pl.DataFrame(rows, schema={column: pl.Utf8 for column in HELD} | {"_row": pl.Int64})
    frame = frame.select(
        *(pl.col(c) if c in HELD else pl.lit(None, dtype=pl.Utf8).alias(c) for c in COLUMNS),
        pl.lit(name).alias("_source"),
        pl.col("_row"),
    )
    raw = RawTable(
        frame=settle_with_register(frame),
        kind="cin",
        absent=frozenset(c for c in COLUMNS if c not in HELD),
    )
    return ReturnRead(raw, extracted_on=header.get("extracted_on"))


def _children(
    path: Path, name: str, errors: list[RowError], year: CollectionYear | None, header: dict[str, date]
) -> Iterator[_Child]:
    """Each <Child> of the file, in turn; the day the header says the file was made goes in `header`."""
    parser = etree.iterparse(
        str(path),
        events=("end",),
        tag=("Child", "DateTime"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    )
    seen: set[str] = set()
    try:
        for _, element in parser:
            if element.tag == "DateTime":
                _read_extracted_on(element, header)
                continue
            child = _child(element, name, errors, year)
            if child.values["child_id"] in seen:
                twice = _line_error(
                    name, child.line, "LAchildID", child.values["child_id"] or "", "named twice"
                )
                errors.append(twice)
            seen.add(child.values["child_id"] or "")
            yield child
            # Each child is forgotten once read: the tree never holds the whole file.
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise ImportRefused(
            f"{name} is not a readable XML file: {error.msg} (line {error.lineno})."
        ) from None


def _child(element: etree._Element, name: str, errors: list[RowError], year: CollectionYear | None) -> _Child:
    line = element.sourceline or 0

    def text(node: etree._Element | None, path: str) -> str | None:
        found = node.findtext(path) if node is not None else None
        return found.strip() or None if found is not None else None

    def day(node: etree._Element | None, path: str) -> date | None:
        value = text(node, path)
        if value is None:
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            where = _line(node, path, line)
            errors.append(
                _line_error(name, where, _element(node, path), value, "not a date: write it as YYYY-MM-DD")
            )
            return None
        if year is not None and path != "ChildIdentifiers/PersonBirthDate" and parsed > year.last_day:
            late = f"after the collection year, which ends on {year.last_day:%-d %B %Y}"
            errors.append(_line_error(name, _line(node, path, line), _element(node, path), value, late))
        return parsed

    child_id = text(element, "ChildIdentifiers/LAchildID")
    if child_id is None:
        errors.append(_line_error(name, line, "LAchildID", "", "every child needs their LAchildID"))
    elif len(child_id) > CHILD_ID_MAX_LENGTH:
        too_long = f"longer than {CHILD_ID_MAX_LENGTH} characters"
        errors.append(_line_error(name, line, "LAchildID", child_id, too_long))
    gender = text(element, "ChildIdentifiers/GenderCurrent")
    if gender is not None and gender not in SEX_CODES:
        errors.append(_line_error(name, line, "GenderCurrent", gender, "not a gender: use 1, 2, 0 or 9"))
    ethnicity = text(element, "ChildCharacteristics/Ethnicity")
    if ethnicity is not None and ethnicity.upper() not in _ETHNIC_CODES:
        errors.append(
            _line_error(name, line, "Ethnicity", ethnicity, "not an ethnicity: use the four-letter code")
        )
    disabilities = [
        d.text.strip().upper()
        for d in element.iterfind("ChildCharacteristics/Disabilities/Disability")
        if d.text and d.text.strip()
    ]
    born = day(element, "ChildIdentifiers/PersonBirthDate")

    # The latest episode of need decides the case; its dates are the ones the checks count from.
    episodes = [(day(e, "CINreferralDate"), e) for e in element.iterfind("CINdetails")]
    episodes = [(referred, e) for referred, e in episodes if referred is not None]
    values: dict[str, str | None] = {
        "child_id": child_id,
        "sex": SEX_CODES.get(gender or ""),
        "ethnicity": ethnicity.upper() if ethnicity else None,
        "disability": ("N" if set(disabilities) == {"NONE"} else "Y") if disabilities else None,
        "birth_month": _iso(born.replace(day=1) if born else None),
    }
    if not episodes:
        no_episode = "no episode of need with a referral date"
        errors.append(_line_error(name, line, "CINdetails", child_id or "", no_episode))
        return _Child(line, values | {"cohort": "child-in-need"})
    referred, latest = max(episodes, key=lambda pair: pair[0] or date.min)
    closed = day(latest, "CINclosureDate")
    assessments = sorted(
        (
            (day(a, "AssessmentActualStartDate"), day(a, "AssessmentAuthorisationDate"))
            for a in latest.iterfind("Assessments")
        ),
        key=lambda pair: pair[0] or date.min,
    )
    enquiries = sorted(
        ((day(s, "S47ActualStartDate"), day(s, "DateOfInitialCPC")) for s in latest.iterfind("Section47")),
        key=lambda pair: pair[0] or date.min,
    )  # fmt: skip
    plans = sorted(
        (
            (
                day(p, "CPPstartDate"),
                day(p, "CPPendDate"),
                [day(r, ".") for r in p.iterfind("Reviews/CPPreviewDate")],
            )
            for p in latest.iterfind("ChildProtectionPlans")
        ),
        key=lambda plan: plan[0] or date.min,
    )
    plan_start, plan_end, reviews = plans[-1] if plans else (None, None, [])
    # The child in need plan still running, if any: the latest to have started and not ended.
    cin_plans = sorted(
        (
            (started, day(p, "CINPlanEndDate"))
            for p in latest.iterfind("CINPlanDates")
            if (started := day(p, "CINPlanStartDate")) is not None
        ),
        key=lambda plan: plan[0],
    )
    on_plan = plan_start is not None and plan_end is None and closed is None
    values |= {
        "cohort": "child-protection" if on_plan else "child-in-need",
        "opened_on": _iso(plan_start if on_plan else referred),
        "closed_on": _iso(closed),
        "referral_date": _iso(referred),
        "assessment_start": _iso(assessments[-1][0] if assessments else None),
        "assessment_completed": _iso(assessments[-1][1] if assessments else None),
        "strategy_discussion": _iso(enquiries[-1][0] if enquiries else None),
        "initial_conference": _iso(
            (enquiries[-1][1] if enquiries else None) or day(latest, "DateOfInitialCPC")
        ),
        "cp_plan_start": _iso(plan_start),
        "latest_review_conference": _iso(max((r for r in reviews if r), default=None)),
        "cin_plan_start": _iso(cin_plans[-1][0] if cin_plans and cin_plans[-1][1] is None else None),
    }
    return _Child(line, values)


def _read_extracted_on(element: etree._Element, header: dict[str, date]) -> None:
    """The header's Source/DateTime (when the authority's system wrote the file), as the day the census
    was extracted. One that cannot be read is left out: the import day stands in for it."""
    parent = element.getparent()
    if parent is None or parent.tag != "Source" or not element.text:
        return
    try:
        header["extracted_on"] = date.fromisoformat(element.text.strip()[:10])
    except ValueError:
        return


def _line_error(source: str, line: int, element: str, value: str, reason: str) -> RowError:
    """A bad value of the census, by the line of the XML file it is on."""
    return RowError(source, line, element, value, reason, unit="line")


def _element(node: etree._Element | None, path: str) -> str:
    """The element a value was read from, as the file names it."""
    return str(node.tag) if path == "." and node is not None else path.rsplit("/", 1)[-1]


def _line(node: etree._Element | None, path: str, fallback: int) -> int:
    found = node.find(path) if node is not None else None
    return (found.sourceline if found is not None else None) or fallback


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
