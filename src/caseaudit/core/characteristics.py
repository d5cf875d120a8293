"""A child's sex, ethnicity and disability as the register keeps them, and the groups the equality tables
count them in.

The codes are the Department for Education's, as the Children in Need census, the SSDA903 return and
Annex A use them, so a register exported from the case management system reads without translation. Each
is kept as its code; people see its label. Cases whose characteristic is not recorded are counted as such,
never guessed.

Django-free."""

from __future__ import annotations

import re
from datetime import date

SEXES: tuple[tuple[str, str], ...] = (
    ("M", "Male"),
    ("F", "Female"),
    ("U", "Not known or not stated"),
)

# The DfE's main ethnicity codes, each with its description and its group. The groups are the five of the
# GOV.UK ethnicity standard (the 2021 census), in its order, with "not known" last.
ETHNICITIES: tuple[tuple[str, str, str], ...] = (
    ("WBRI", "White British", "White"),
    ("WIRI", "White Irish", "White"),
    ("WIRT", "Traveller of Irish heritage", "White"),
    ("WROM", "Gypsy or Roma", "White"),
    ("WOTH", "Any other White background", "White"),
    ("MWBC", "White and Black Caribbean", "Mixed or multiple ethnic groups"),
    ("MWBA", "White and Black African", "Mixed or multiple ethnic groups"),
    ("MWAS", "White and Asian", "Mixed or multiple ethnic groups"),
    ("MOTH", "Any other mixed background", "Mixed or multiple ethnic groups"),
    ("AIND", "Indian", "Asian or Asian British"),
    ("APKN", "Pakistani", "Asian or Asian British"),
    ("ABAN", "Bangladeshi", "Asian or Asian British"),
    ("CHNE", "Chinese", "Asian or Asian British"),
    ("AOTH", "Any other Asian background", "Asian or Asian British"),
    ("BCRB", "Black Caribbean", "Black, Black British, Caribbean or African"),
    ("BAFR", "Black African", "Black, Black British, Caribbean or African"),
    ("BOTH", "Any other Black background", "Black, Black British, Caribbean or African"),
    ("OOTH", "Any other ethnic group", "Other ethnic group"),
    ("REFU", "Refused", "Not known"),
    ("NOBT", "Information not yet obtained", "Not known"),
)
ETHNIC_GROUPS = tuple(dict.fromkeys(group for _, _, group in ETHNICITIES))
ETHNIC_GROUP_OF = {code: group for code, _, group in ETHNICITIES}

DISABILITIES: tuple[tuple[str, str], ...] = (("Y", "Disabled"), ("N", "Not disabled"))
YES_NO: tuple[tuple[str, str], ...] = (("Y", "Yes"), ("N", "No"))

# Age on a given day, in the bands the DfE's children-in-care statistics use, with care leavers' own band,
# and "unborn" for a child not yet born on the day (a pre-birth assessment or child protection plan).
UNBORN = "Unborn"
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (-1, UNBORN),
    (0, "Under 1"),
    (1, "1 to 4"),
    (5, "5 to 9"),
    (10, "10 to 15"),
    (16, "16 to 17"),
    (18, "18 and over"),
)
NOT_RECORDED = "Not recorded"


# Annex A's drop-down answers carry a letter: "a) Male", "b) Yes".
LETTERED_ANSWER = r"^\s*[A-Za-z]\)\s*"


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _answer_key(text: str) -> str:
    return _key(re.sub(LETTERED_ANSWER, "", text))


# What registers hold, after `_key`: the codes, their descriptions, and the census's numeric sex codes
# (1 male, 2 female, 0 not known, 9 not specified).
SEX_ALIASES: dict[str, str] = {
    **{_key(code): code for code, _ in SEXES},
    **{_key(label): code for code, label in SEXES},
    "1": "M",
    "2": "F",
    "0": "U",
    "9": "U",
    "boy": "M",
    "girl": "F",
    "unknown": "U",
    "notknown": "U",
    "notstated": "U",
    "notrecorded": "U",
    "notspecified": "U",
    "notstatedrecorded": "U",
    "notstatedrecordedunborn": "U",
    "indeterminate": "U",
    "neither": "U",
}
ETHNICITY_ALIASES: dict[str, str] = {
    **{_key(code): code for code, _, _ in ETHNICITIES},
    **{_key(description): code for code, description, _ in ETHNICITIES},
    # Common longer forms in case management systems' extracts.
    **{_key(f"{group} - {description}"): code for code, description, group in ETHNICITIES},
    "anyotherwhite": "WOTH",
    "gypsyroma": "WROM",
    "informationnotobtained": "NOBT",
    "notobtained": "NOBT",
    "refusedinformation": "REFU",
}
# A yes-or-no answer, as registers write one.
YES_NO_ALIASES: dict[str, str] = {
    "y": "Y",
    "yes": "Y",
    "true": "Y",
    "1": "Y",
    "n": "N",
    "no": "N",
    "false": "N",
    "0": "N",
}
DISABILITY_ALIASES: dict[str, str] = {**YES_NO_ALIASES, "disabled": "Y", "notdisabled": "N"}

SEX_LABELS = dict(SEXES)
ETHNICITY_LABELS = {code: description for code, description, _ in ETHNICITIES}
DISABILITY_LABELS = dict(DISABILITIES)

NOT_A_SEX = "not a sex: use M (male), F (female) or U (not known)"
NOT_AN_ETHNICITY = "not an ethnicity: use the DfE's four-letter code, such as WBRI, MWBC, AIND or NOBT"
NOT_A_DISABILITY = "not a disability answer: use Y (disabled) or N (not disabled)"
NOT_YES_OR_NO = "not a yes-or-no answer: use Y (yes) or N (no), or leave it empty where not known"


def parse_sex(text: str) -> str | None:
    return SEX_ALIASES.get(_answer_key(text))


def parse_ethnicity(text: str) -> str | None:
    return ETHNICITY_ALIASES.get(_answer_key(text))


def parse_disability(text: str) -> str | None:
    return DISABILITY_ALIASES.get(_answer_key(text))


def ethnic_group(code: str | None) -> str:
    return ETHNIC_GROUP_OF.get(code or "", NOT_RECORDED)


def age_band(birth_month: date | None, on: date) -> str:
    """The band of the child's age on `on`, from the first of the birth month (the register keeps no more)."""
    if birth_month is None:
        return NOT_RECORDED
    if birth_month > on:
        return UNBORN
    years = on.year - birth_month.year - ((on.month, on.day) < (birth_month.month, birth_month.day))
    return next(label for start, label in reversed(AGE_BANDS) if years >= start)
