"""The paper's equalities appendix: the cycle's grades and its sample's timescales by sex, ethnic group,
disability and age band, from the register's codes, with groups of fewer than 5 children kept from view
(caseaudit.core.equalities). Counts only: the children are read as codes and a month of birth, never as
an ID or a name."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseaudit.audits.models import DONE, Audit
from caseaudit.cases.models import Case
from caseaudit.compliance.queries import of_cases, register_results
from caseaudit.core.equalities import SMALLEST_SHOWN, Child, EqualityTable, equality_tables
from caseaudit.core.grade_tables import OFSTED_GRADES
from caseaudit.core.timescales import Status
from caseaudit.cycles.models import Cycle

from .model import Block, Paragraphs, Section, Subheading, Table
from .words import GRADE_SOURCE_WORDS, long_date

_CHILD = ("case__sex", "case__ethnicity", "case__disability", "case__birth_month")


def cycle_equalities(cycle: Cycle, grade_source: str, *, as_of: date) -> list[EqualityTable]:
    """The equality tables of `cycle`: its completed audits with a grade, and the open cases of its sample
    checked as at `as_of` (the day the compliance section uses), ages as on that day."""
    field = "moderated_grade" if grade_source == "moderated" else "auditor_grade"
    graded = Audit.objects.filter(cycle=cycle, status__in=DONE, **{f"{field}__in": OFSTED_GRADES})
    audits = [(Child(*row[:4]), row[4]) for row in graded.values_list(*_CHILD, field).order_by()]

    sample = Audit.objects.filter(cycle=cycle).values_list("case_id", flat=True)
    results = of_cases(register_results(as_of), sample)
    late = set(results.filter(pl.col("status") == Status.OVERDUE.value)["case_id"].unique().to_list())
    checked = results["case_id"].unique().to_list()
    children = Case.objects.filter(pk__in=checked).values_list("pk", *(name[6:] for name in _CHILD))
    open_cases = [(Child(*row[1:]), row[0] in late) for row in children.order_by()]
    return equality_tables(audits, open_cases, on=as_of)


def equalities_section(tables: list[EqualityTable], grade_source: str, *, as_of: date) -> Section:
    heading = "Appendix: equalities"
    if not any(table.recorded for table in tables):
        text = (
            "The case register records none of the audited children's sex, ethnicity or disability, nor "
            "their month of birth, so the grades cannot be compared between groups. They come with the "
            "register's Annex A lists or its sex, ethnicity and disability columns."
        )
        return Section("equalities", heading, (Paragraphs((text,)),))
    grades, day = GRADE_SOURCE_WORDS[grade_source], long_date(as_of)
    intro = (
        "Whether the children audited this cycle fared alike, whatever their sex, ethnic group, disability "
        f"or age: the share of completed audits graded good or outstanding ({grades}) and the share of the "
        f"sample's open cases with a timescale overdue as at {day}, by group, from the case register's "
        "records. Ages are as on that day.",
        f"A group of fewer than {SMALLEST_SHOWN} children is not shown, so that no child can be recognised; "
        "where the total would give that group away, the next smallest is not shown either. Differences "
        "between small groups are more likely to be chance than a pattern: read them with the counts.",
    )
    blocks: list[Block] = [Paragraphs(intro)]
    for table in tables:
        blocks.append(Subheading(table.characteristic))
        if not table.recorded:
            blocks.append(
                Paragraphs((f"The register does not record this ({table.characteristic.lower()}).",))
            )
            continue
        blocks.append(
            Table(
                f"{table.characteristic}: completed audits graded good or outstanding, and open cases with a "
                "timescale overdue",
                (
                    table.characteristic,
                    "Audits",
                    "Good or outstanding",
                    "Open cases",
                    "With a timescale overdue",
                ),
                tuple((row.group, *row.grades.text(), *row.timescales.text()) for row in table.rows),
            )
        )
    return Section("equalities", heading, tuple(blocks))
