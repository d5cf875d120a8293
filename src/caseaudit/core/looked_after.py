"""A looked after child's legal status and placement type, as the codes of the children looked after
return (SSDA903) have them and Annex A's List 8 gives them, and whether the child came to care as an
unaccompanied asylum-seeking child. The labels are caseaudit's own short words for each code.

A register gives the code ("C2"), the code with its description ("C2 - Full care order"; Annex A's
drop-down lists letter it, "f) U6: Foster placement") or the description alone: each is read as the
code. Django-free."""

from __future__ import annotations

import re

from .characteristics import LETTERED_ANSWER

LEGAL_STATUSES: tuple[tuple[str, str], ...] = (
    ("C1", "Interim care order"),
    ("C2", "Full care order"),
    ("D1", "Freeing order granted"),
    ("E1", "Placement order granted"),
    ("V2", "Accommodated under section 20: a single period"),
    ("V3", "Short breaks, recorded episode by episode"),
    ("V4", "Short breaks, recorded by agreement"),
    ("L1", "Under police protection, in local authority accommodation"),
    ("L2", "Emergency protection order"),
    ("L3", "Child assessment order, in local authority accommodation"),
    ("J1", "Remanded to local authority or youth detention accommodation"),
    ("J2", "In local authority accommodation under PACE"),
    ("J3", "Youth rehabilitation order with a residence or fostering requirement"),
)

PLACEMENT_TYPES: tuple[tuple[str, str], ...] = (
    ("A3", "Placed for adoption with consent, with the current foster carers"),
    ("A4", "Placed for adoption with consent, not with the current foster carers"),
    ("A5", "Placed for adoption under a placement order, with the current foster carers"),
    ("A6", "Placed for adoption under a placement order, not with the current foster carers"),
    ("H5", "Supported accommodation"),
    ("K1", "Secure children's home"),
    ("K2", "Children's home"),
    ("P1", "Placed with parents or others with parental responsibility"),
    ("P2", "Independent living"),
    ("P3", "Residential employment"),
    ("R1", "Residential care home"),
    ("R2", "NHS or health trust establishment"),
    ("R3", "Family centre or mother and baby unit"),
    ("R5", "Young offender institution or prison"),
    ("S1", "Residential school"),
    ("T0", "Temporary move"),
    ("T1", "Temporary period in hospital"),
    ("T2", "Temporary absence on holiday"),
    ("T3", "Temporary placement while the foster carers are on holiday"),
    ("T4", "Temporary placement of 7 days or less"),
    ("U1", "Fostered by relatives or friends, long term"),
    ("U2", "Fostered by relatives or friends who are approved adopters"),
    ("U3", "Fostered by relatives or friends, not long term"),
    ("U4", "Fostered by other foster carers, long term"),
    ("U5", "Fostered by other foster carers who are approved adopters"),
    ("U6", "Fostered by other foster carers, not long term"),
    ("Z1", "Other placement"),
)

# A code at the start of a cell, before its description: "C2 - Full care order", "U4: Foster...".
# Dashes as spreadsheets write them: hyphen, en dash, em dash.
LEADING_CODE = r"^\s*([A-Za-z][0-9])(?:[\s\-:\u2013\u2014).,]|$)"

NOT_A_LEGAL_STATUS = "not a legal status: use a code of the children looked after return, such as C2 or V2"
NOT_A_PLACEMENT_TYPE = (
    "not a placement type: use a code of the children looked after return, such as U4 or K2"
)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def aliases(codes: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Every way of writing a code that is read as it, after lowercase letters and digits alone: the code
    and caseaudit's label. A description with its code in front is read by `LEADING_CODE`."""
    return {**{_key(code): code for code, _ in codes}, **{_key(label): code for code, label in codes}}


LEGAL_STATUS_ALIASES = aliases(LEGAL_STATUSES)
PLACEMENT_TYPE_ALIASES = aliases(PLACEMENT_TYPES)
LEGAL_STATUS_LABELS = dict(LEGAL_STATUSES)
PLACEMENT_TYPE_LABELS = dict(PLACEMENT_TYPES)
# As the case page and the export's readers see them: the code, then its words ("C2: Full care order").
LEGAL_STATUS_CHOICES = [(code, f"{code}: {label}") for code, label in LEGAL_STATUSES]
PLACEMENT_TYPE_CHOICES = [(code, f"{code}: {label}") for code, label in PLACEMENT_TYPES]


def parse_code(text: str, codes: dict[str, str]) -> str | None:
    """The code a cell holds, or None: the twin of `readers.columns.leading_code_column`."""
    text = re.sub(LETTERED_ANSWER, "", text)
    found = re.match(LEADING_CODE, text)
    if found and found.group(1).upper() in {code for code in codes.values()}:
        return found.group(1).upper()
    return codes.get(_key(text))
