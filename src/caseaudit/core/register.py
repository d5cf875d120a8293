"""caseaudit's own CSV layout of the case register: what `import-cases` reads and `export-cases` writes."""

from __future__ import annotations

REQUIRED_COLUMNS = ("child_id", "cohort")
TEXT_COLUMNS = ("team", "worker", "manager")
# The key dates that the timescale checks anchor on, in the order the export writes them.
KEY_DATE_COLUMNS = (
    "latest_pathway_plan",
    "latest_contact",
    "looked_after_since",
    "placement_start",
    "initial_health_assessment",
    "latest_statutory_review",
    "last_social_work_visit",
    "last_health_assessment",
    "last_dental_check",
    "latest_pep",
    "strategy_discussion",
    "initial_conference",
    "first_core_group",
    "cp_plan_start",
    "last_statutory_visit",
    "latest_review_conference",
    "referral_date",
    "assessment_start",
    "assessment_completed",
    "last_seen",
    "cin_plan_start",
    "latest_cin_plan_review",
    # Supervision and recording apply to every cohort (docs/domain.md#timescales: supervision at least every
    # 4 weeks; case recording written up within 5 working days). Annex A has no such columns: only the CSV
    # brings them.
    "last_supervision",
    "recording_backlog_since",
)
# The key dates every cohort's checks anchor on, whatever the cohort.
ALL_COHORT_KEY_DATES = ("last_supervision", "recording_backlog_since")
# The key dates each cohort's timescale checks anchor on (docs/domain.md#timescales).
COHORT_KEY_DATES: dict[str, tuple[str, ...]] = {
    "care-leaver": ("latest_pathway_plan", "latest_contact", *ALL_COHORT_KEY_DATES),
    "looked-after": (
        "looked_after_since",
        "placement_start",
        "initial_health_assessment",
        "latest_statutory_review",
        "last_social_work_visit",
        "last_health_assessment",
        "last_dental_check",
        "latest_pep",
        *ALL_COHORT_KEY_DATES,
    ),
    "child-protection": (
        "strategy_discussion",
        "initial_conference",
        "first_core_group",
        "cp_plan_start",
        "last_statutory_visit",
        "latest_review_conference",
        *ALL_COHORT_KEY_DATES,
    ),
    "child-in-need": (
        "referral_date",
        "assessment_start",
        "assessment_completed",
        "last_seen",
        "cin_plan_start",
        "latest_cin_plan_review",
        *ALL_COHORT_KEY_DATES,
    ),
    "early-help": ("assessment_start", "assessment_completed", *ALL_COHORT_KEY_DATES),
}

DATE_COLUMNS = ("opened_on", "closed_on", *KEY_DATE_COLUMNS)
# Dates caseaudit works out from the history a statutory return brings, never read from a register file:
# the first looked after review of the current period of care, which tells whether the latest review was
# the first (the next due within 3 months) or a later one (within 6), where the register alone cannot.
HISTORY_DATE_COLUMNS = ("first_looked_after_review",)
MONTH_COLUMNS = ("birth_month",)
# The child's sex, ethnicity and disability, as DfE codes (caseaudit.core.characteristics), for the
# equality tables.
CHARACTERISTIC_COLUMNS = ("sex", "ethnicity", "disability")
# Yes-or-no answers the timescale rules read, kept as "Y" or "N" (empty: the register does not say).
# Whether the current placement is intended to last until the child is 18: after the placement's first
# year, social work visits are then due every 3 months rather than every 6 weeks (reg 28).
ANSWER_COLUMNS = ("placement_intended_until_18",)
# The answers each cohort's timescale checks depend on.
COHORT_ANSWERS: dict[str, tuple[str, ...]] = {"looked-after": ANSWER_COLUMNS}
# What the case page says of a cohort's cases besides their dates: its answers, and a looked after
# child's legal status, placement type and asylum-seeking status.
COHORT_FACTS: dict[str, tuple[str, ...]] = {
    "looked-after": (*ANSWER_COLUMNS, "legal_status", "placement_type", "uasc")
}
# A looked after child's legal status and placement type, as codes of the children looked after return
# (caseaudit.core.looked_after), and whether they came to care as an unaccompanied asylum-seeking child
# ("Y" or "N"): from Annex A's List 8, shown on the case page.
STATUS_COLUMNS = ("legal_status", "placement_type", "uasc")
# The columns kept as codes: read through aliases, refused when unreadable.
CODED_COLUMNS = (*CHARACTERISTIC_COLUMNS, *ANSWER_COLUMNS, *STATUS_COLUMNS)
COLUMNS = (
    *REQUIRED_COLUMNS,
    *TEXT_COLUMNS,
    "opened_on",
    "closed_on",
    "birth_month",
    *CHARACTERISTIC_COLUMNS,
    *KEY_DATE_COLUMNS,
    *ANSWER_COLUMNS,
    *STATUS_COLUMNS,
)

CHILD_ID_MAX_LENGTH = 40
NAME_MAX_LENGTH = 120
# Child Unique IDs are pseudonymous system identifiers: letters, digits and a little punctuation. Anything
# else (a name, a formula) is refused rather than stored.
CHILD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_./-]*$"
# A spreadsheet program treats a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Prefix a value a spreadsheet would run as a formula with a quote, so it stays text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def restore_formula_text(text: str) -> str:
    """Undo `neutralise_formula`, so that an exported register imports unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text
