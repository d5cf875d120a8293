"""Synthetic statutory returns written from the register's own cases, for the demo and the tests: the
SSDA903 return's Header, Episodes and Reviews tables for the looked after children and its OC3 table for
the care leavers, and the Children in Need census for the children in need and on a plan, laid out as
their specifications lay them out. Nothing in them is real: the children are the demo's.

A looked after child's episodes are one started when care began ("S") and, where the placement began
later, a change of placement ("P"); their reviews run back from the latest as the regulations space them
(6 months, then 3 months before the second, the first 15 days after care began)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from django.db.models import QuerySet
from lxml import etree

from caseaudit.cases.models import Case
from caseaudit.core.dates import add_months

from .authority import CHILD_ID_PREFIX

_GENDER = {"M": "1", "F": "2"}
# (IN_TOUCH, ACTIV, ACCOM): in touch or not; in education, training or work (F1, F2, P1...) or not (G4,
# G6); where they live (U: independent living, Z: with former foster carers, B: with parents, R: not
# known), suitably (1) or not (2).
_CARE_LEAVER_OUTCOMES = (
    ("YES", "F2", "U1"),
    ("YES", "F1", "Z1"),
    ("YES", "G4", "B1"),
    ("YES", "P1", "U1"),
    ("NO", "G6", "R2"),
)


class NotTheDemo(Exception):
    """The register holds children who are not the demo's: their data is never written out here."""


def write_demo_returns(folder: Path, *, seed: int = 903) -> tuple[Path, Path]:
    """Write `folder`/ssda903/*.csv and `folder`/cin.xml from the open cases of the register; return both
    paths. Refused (NotTheDemo) unless every case is the demo's synthetic child: the files are written
    unlogged, which real children's records never are."""
    if Case.objects.exclude(child_id__startswith=CHILD_ID_PREFIX).exists():
        raise NotTheDemo(
            "The register holds children who are not the demo's: demo-returns writes only the demo's "
            "synthetic children. Export real records with the logged exports."
        )
    rng = random.Random(seed)
    ssda903 = folder / "ssda903"
    ssda903.mkdir(parents=True, exist_ok=True)
    # The return's Header has no code for a sex not known: a child whose sex the register does not record
    # is left out of it, as no real return could hold them.
    looked_after = (
        Case.objects.filter(cohort="looked-after", closed_on__isnull=True)
        .exclude(looked_after_since=None)
        .exclude(sex=None)
        .exclude(sex="U")
    )
    header, episodes, reviews = [], [], []
    for case in looked_after.order_by("child_id").iterator(chunk_size=5000):
        since, placed = case.looked_after_since, case.placement_start
        assert since is not None  # excluded above
        born = case.birth_month or since - timedelta(days=365 * 8)
        header.append((case.child_id, _GENDER[case.sex or ""], _dmy(born), case.ethnicity or "NOBT"))
        status, place = case.legal_status or "C2", case.placement_type or "U4"
        if placed and placed > since:
            episodes.append((case.child_id, _dmy(since), "S", status, "N1", place, _dmy(placed)))
            episodes.append((case.child_id, _dmy(placed), "P", status, "N1", place, ""))
        else:
            episodes.append((case.child_id, _dmy(since), "S", status, "N1", place, ""))
        reviews += [
            (case.child_id, _dmy(born), _dmy(held), "PN1")
            for held in _reviews(since, case.latest_statutory_review, rng)
        ]
    # Care leavers the leaving care service follows up: the OC3 table (in touch, in education or work,
    # suitably housed), with their Header row.
    leavers = (
        Case.objects.filter(cohort="care-leaver", closed_on__isnull=True).exclude(sex=None).exclude(sex="U")
    )
    oc3 = []
    for case in leavers.order_by("child_id").iterator(chunk_size=5000):
        born = case.birth_month or date(2006, 1, 1)
        header.append((case.child_id, _GENDER[case.sex or ""], _dmy(born), case.ethnicity or "NOBT"))
        oc3.append((case.child_id, _dmy(born), *rng.choice(_CARE_LEAVER_OUTCOMES)))
    pl.DataFrame(oc3, schema=["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"], orient="row").write_csv(
        ssda903 / "OC3.csv"
    )
    pl.DataFrame(header, schema=["CHILD", "SEX", "DOB", "ETHNIC"], orient="row").write_csv(
        ssda903 / "Header.csv"
    )
    pl.DataFrame(
        episodes, schema=["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "DEC"], orient="row"
    ).write_csv(ssda903 / "Episodes.csv")
    pl.DataFrame(reviews, schema=["CHILD", "DOB", "REVIEW", "REVIEW_CODE"], orient="row").write_csv(
        ssda903 / "Reviews.csv"
    )
    census = folder / "cin.xml"
    in_need = Case.objects.filter(cohort__in=("child-in-need", "child-protection"), closed_on__isnull=True)
    census.write_bytes(_census(in_need))
    return ssda903, census


def _reviews(since: date, latest: date | None, rng: random.Random) -> list[date]:
    """Reviews from the first to `latest`, spaced as the regulations space them, a few days early each."""
    if latest is None or latest < since:
        return []
    held = [latest]
    while True:
        earlier = add_months(held[-1], -6) + timedelta(days=rng.randint(0, 10))
        if earlier <= add_months(since, 3):
            break
        held.append(earlier)
    first = since + timedelta(days=15)
    if first < held[-1]:
        held.append(first)
    return sorted(held)


def _census(cases: QuerySet[Case]) -> bytes:
    message = etree.Element("Message")
    details = etree.SubElement(etree.SubElement(message, "Header"), "CollectionDetails")
    _add(details, "Collection", "CIN")
    children = etree.SubElement(message, "Children")
    for case in cases.order_by("child_id").iterator(chunk_size=5000):
        referred = case.referral_date or case.opened_on or case.cp_plan_start
        if referred is None:
            continue
        child = etree.SubElement(children, "Child")
        identifiers = etree.SubElement(child, "ChildIdentifiers")
        _add(identifiers, "LAchildID", case.child_id)
        _add(identifiers, "PersonBirthDate", case.birth_month or referred - timedelta(days=365 * 8))
        _add(identifiers, "GenderCurrent", _GENDER.get(case.sex or "", "0"))
        _add(etree.SubElement(child, "ChildCharacteristics"), "Ethnicity", case.ethnicity or "NOBT")
        need = etree.SubElement(child, "CINdetails")
        _add(need, "CINreferralDate", referred)
        if case.assessment_start or case.assessment_completed:
            assessment = etree.SubElement(need, "Assessments")
            _add(assessment, "AssessmentActualStartDate", case.assessment_start)
            _add(assessment, "AssessmentAuthorisationDate", case.assessment_completed)
        if case.strategy_discussion or case.initial_conference:
            enquiry = etree.SubElement(need, "Section47")
            _add(enquiry, "S47ActualStartDate", case.strategy_discussion)
            _add(enquiry, "DateOfInitialCPC", case.initial_conference)
        if case.cohort == "child-protection" and case.cp_plan_start:
            plan = etree.SubElement(need, "ChildProtectionPlans")
            _add(plan, "CPPstartDate", case.cp_plan_start)
            if case.latest_review_conference:
                _add(etree.SubElement(plan, "Reviews"), "CPPreviewDate", case.latest_review_conference)
    return etree.tostring(message, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _add(parent: etree._Element, tag: str, value: date | str | None) -> None:
    """An element of `value` (a date as the census writes it), or none where there is no value."""
    if value is not None:
        etree.SubElement(parent, tag).text = value.isoformat() if isinstance(value, date) else value


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")
