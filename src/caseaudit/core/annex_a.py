"""Ofsted's Annex A lists, as caseaudit reads them: which sheet is which list, and which header feeds which
register column.

Annex A is the set of lists every English local authority hands Ofsted at the start of an inspection of
local authority children's services (ILACS); one sheet a list, one row a child. caseaudit reads the lists
that name open cases: 2 (early help), 6 (children in need), 7 (child protection), 8 (children in care) and
9 (care leavers). Header texts differ between Annex A versions and between the case management systems'
extracts: the official text ("Date of Latest Statutory Review"), CamelCase renderings from SQL extracts
(`LatestStatutoryReviewDate`), older or local wordings. Headers are compared after `normalise_header`, and
each column lists the spellings seen in public extract specifications:

- the Annex A column specifications in Social Finance's `liia-tools` (annex_a_pipeline/spec), which give
  the official texts and a few variants ("Allocated Personal Advisor", "Latest Pathway Plan Review Date",
  "Latest Date of Contact", "LA in Touch");
- the Standard Safeguarding Dataset's Annex A SQL extract (Data to Insight), which names columns in
  CamelCase, some of them differently (`DateChildLastSeen`, `DateOfLatestReviewConf`,
  `LoookedAfterStartDate`, `CeasedLookedAfterDate`, `AllocatedPersonalAdvisor`, `HasDisability`);
- `sfdata-annexa-clean`, which identifies a list by the number in its sheet name.

Django-free: pure functions and frozen dataclasses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .register import KEY_DATE_COLUMNS

CHILD_ID_HEADER = "Child Unique ID"


def normalise_header(text: str) -> str:
    """A header reduced to lowercase letters and digits, so that "Date of Latest Statutory Review",
    "DateOfLatestStatutoryReview" and " date of latest  statutory review " compare equal.

    Compatibility-normalised and case-folded first (Unicode NFKC, then `str.casefold`), so full-width
    letters, ligatures and non-breaking spaces in exported headers do not stop a match."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class AnnexAColumn:
    """One Annex A column that caseaudit stores.

    `name` is the official header text; `feeds` the register columns it fills (a start date can open the
    case and be a key date too); `aliases` other header texts for the same column. `official` is False
    for columns caseaudit accepts but that the list's official layout does not have, so their absence is
    not worth a warning."""

    name: str
    feeds: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    required: bool = False
    official: bool = True

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(normalise_header(text) for text in (self.name, *self.aliases))


@dataclass(frozen=True)
class ListSpec:
    """How caseaudit reads one Annex A list.

    `columns` are in order of preference: where two columns feed the same register column (List 9's
    personal adviser and allocated worker), the earlier one wins and the later one fills the rows where
    the earlier is blank. `ignored` are Annex A headers caseaudit knows and deliberately does not store
    (age, legal status...): they are never reported as unknown."""

    number: int
    title: str
    cohort: str  # "" for a list of events (referrals, assessments, enquiries), not of open cases
    columns: tuple[AnnexAColumn, ...]
    ignored: tuple[str, ...] = ()
    # A list of events: the cohorts whose cases its dates go to (empty: every cohort).
    fills: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"List {self.number}"

    @property
    def supplementary(self) -> bool:
        """A list of events whose dates are joined to the cases of the children on the lists of open
        cases, never cases of their own."""
        return not self.cohort

    @cached_property
    def ignored_keys(self) -> frozenset[str]:
        return frozenset(normalise_header(text) for text in self.ignored)

    @cached_property
    def lookup(self) -> dict[str, int]:
        """Normalised header -> position of its column in `columns`."""
        return {key: position for position, column in enumerate(self.columns) for key in column.keys}

    @property
    def register_columns(self) -> tuple[str, ...]:
        """Every register column this list can fill, in first-seen order."""
        return tuple(dict.fromkeys(target for column in self.columns for target in column.feeds))


@dataclass(frozen=True)
class HeaderMatch:
    """How one sheet's header row maps onto the register.

    `columns`: register column -> index (0-based) of the header that feeds it; `fallbacks`: register
    column -> further indices, in order, for rows where the first is blank; `labels`: register column ->
    the header text as the sheet spells it; `unknown`: header texts neither used nor known to be ignored;
    `missing`: official names of the list's columns the sheet does not have; `missing_required`: those of
    them that are required."""

    columns: dict[str, int]
    fallbacks: dict[str, tuple[int, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)


def _date(name: str, *feeds: str, aliases: Sequence[str] = (), official: bool = True) -> AnnexAColumn:
    return AnnexAColumn(name, tuple(feeds), tuple(aliases), official=official)


# Columns every list (2, 6, 7, 8, 9) has. Allocated team and worker are on every list caseaudit reads
# except List 2, where older versions lack them; accepting them everywhere costs nothing.
_CHILD_ID = AnnexAColumn(
    CHILD_ID_HEADER,
    ("child_id",),
    ("Child ID", "Unique ID", "Child Unique Identifier", "Child Identifier", "Person ID", "LA Child ID"),
    required=True,
)
_BIRTH = AnnexAColumn("Date of Birth", ("birth_month",), ("DOB", "Birth Date", "Date of Birth (DOB)"))
_TEAM = AnnexAColumn("Allocated Team", ("team",), ("Team", "Team Name", "Allocated Team Name"))
_WORKER = AnnexAColumn(
    "Allocated Worker",
    ("worker",),
    (
        "Allocated Social Worker",
        "Allocated Worker Name",
        "Social Worker",
        "Worker",
        "Worker Name",
        "Key Worker",
        "Lead Professional",
    ),
)
# The child's characteristics, for the equality tables: codes or Annex A's lettered answers ("b) Female"),
# read by caseaudit.core.characteristics.
_CHARACTERISTICS = (
    AnnexAColumn("Gender", ("sex",), ("Sex", "Legal Sex", "Child's Gender")),
    AnnexAColumn("Ethnicity", ("ethnicity",), ("Ethnic Origin", "Ethnicity Code", "Ethnic Group")),
    AnnexAColumn(
        "Does the Child have a Disability",
        ("disability",),
        ("Does the Child have a Disability?", "Disability", "HasDisability", "Disabled"),
    ),
)
_COMMON_IGNORED = (
    # The age is worked out from the date of birth, on the day it is needed.
    "Age of Child (Years)",
    "Age of Child",
    "Age",
    "Age (Years)",
    # liia-tools adds the authority's name to every list it cleans.
    "LA",
    "Local Authority",
)

LIST_2 = ListSpec(
    number=2,
    title="Early help",
    cohort="early-help",
    columns=(
        _CHILD_ID,
        _BIRTH,
        *_CHARACTERISTICS,
        # An open early help assessment is an early help case from the day the assessment started.
        _date(
            "Assessment start date",
            "opened_on",
            "assessment_start",
            aliases=("Early Help Assessment Start Date", "EH Assessment Start Date", "Early Help Start Date"),
        ),
        _date(
            "Assessment completion date",
            "assessment_completed",
            aliases=(
                "Assessment Completed Date",
                "Date Assessment Completed",
                "Early Help Assessment Completion Date",
                "EH Assessment Completion Date",
            ),
        ),
        _TEAM,
        _WORKER,
    ),
    ignored=(
        *_COMMON_IGNORED,
        "Organisation completing assessment",
        "Organisation",
        "Completing Organisation",
    ),
)

LIST_6 = ListSpec(
    number=6,
    title="Children in need",
    cohort="child-in-need",
    columns=(
        _CHILD_ID,
        _BIRTH,
        *_CHARACTERISTICS,
        _date("CIN Start Date", "opened_on", aliases=("CIN Episode Start Date", "Child in Need Start Date")),
        _date(
            "Date Child Was Last Seen",
            "last_seen",
            aliases=("DateChildLastSeen", "Date Child Last Seen", "Date Last Seen", "Last Seen Date"),
        ),
        _date(
            "CIN Closure Date",
            "closed_on",
            aliases=("CIN End Date", "CIN Closed Date", "CIN Episode End Date", "Child in Need Closure Date"),
        ),
        _TEAM,
        _WORKER,
    ),
    ignored=(
        *_COMMON_IGNORED,
        "Primary Need Code",
        "Primary Need",
        "Category of Need",
        "Reason for Closure",
        "Closure Reason",
        "Case Status",
    ),
)

LIST_7 = ListSpec(
    number=7,
    title="Child protection",
    cohort="child-protection",
    columns=(
        _CHILD_ID,
        _BIRTH,
        *_CHARACTERISTICS,
        _date(
            "Child Protection Plan Start Date",
            "opened_on",
            "cp_plan_start",
            aliases=("CP Plan Start Date", "CPP Start Date"),
        ),
        _date(
            "Date of the Last Statutory Visit",
            "last_statutory_visit",
            aliases=(
                "Date of Last Statutory Visit",
                "Last Statutory Visit Date",
                "Last Statutory Visit",
                "Date of Last CP Visit",
            ),
        ),
        _date(
            "Date of latest review conference",
            "latest_review_conference",
            aliases=(
                "DateOfLatestReviewConf",
                "Latest Review Conference Date",
                "Date of Last Review Conference",
                "Latest Review Conference",
                "Date of Latest RCPC",
            ),
        ),
        _date(
            "Child Protection Plan End Date",
            "closed_on",
            aliases=("CP Plan End Date", "CPP End Date"),
        ),
        # Not on List 7 itself (List 5 carries section 47 enquiries), but some extracts add them, and the
        # initial conference timescale needs them.
        _date(
            "Date of Strategy Discussion",
            "strategy_discussion",
            aliases=(
                "Strategy Discussion Date",
                "Strategy discussion initiating Section 47 Enquiry Start Date",
            ),
            official=False,
        ),
        _date(
            "Date of Initial Child Protection Conference",
            "initial_conference",
            aliases=("Initial Child Protection Conference Date", "ICPC Date", "Date of ICPC"),
            official=False,
        ),
        _TEAM,
        _WORKER,
    ),
    ignored=(
        *_COMMON_IGNORED,
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Category of Abuse",
        "Was the Child Seen Alone?",
        "Child Seen Alone",
        "Seen Alone",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months",
        "ProtectionLastSixMonths",
        "Number of Previous Child Protection Plans",
        "Previous Child Protection Plans",
    ),
)

LIST_8 = ListSpec(
    number=8,
    title="Children in care",
    cohort="looked-after",
    columns=(
        _CHILD_ID,
        _BIRTH,
        *_CHARACTERISTICS,
        _date(
            "Date Started to be Looked After",
            "opened_on",
            "looked_after_since",
            aliases=(
                "Date Started Looked After",
                "Date Became Looked After",
                "Looked After Start Date",
                # Sic: the Standard Safeguarding Dataset's extract spells it with three o's.
                "LoookedAfterStartDate",
                "Date Entered Care",
            ),
        ),
        _date(
            "Start Date of Most Recent Placement",
            "placement_start",
            aliases=(
                "MostRecentPlacementStartDate",
                "Date of Most Recent Placement",
                "Placement Start Date",
                "Current Placement Start Date",
            ),
        ),
        _date(
            "Date of Latest Statutory Review",
            "latest_statutory_review",
            aliases=(
                "LatestStatutoryReviewDate",
                "Date of Last Statutory Review",
                "Latest Statutory Review",
                "Date of Latest LAC Review",
                "Date of Latest CLA Review",
            ),
        ),
        _date(
            "Date of Last Social Work Visit",
            "last_social_work_visit",
            aliases=(
                "LastSocialWorkVisitDate",
                "Date of Last Social Worker Visit",
                "Last Social Work Visit",
                "Last Social Worker Visit",
            ),
        ),
        _date(
            "Date of Last Health Assessment",
            "last_health_assessment",
            aliases=(
                "LastHealthAssessmentDate",
                "Date of Latest Health Assessment",
                "Last Health Assessment",
                "Health Assessment Date",
            ),
        ),
        _date(
            "Date of Last Dental Check",
            "last_dental_check",
            aliases=(
                "LastDentalCheckDate",
                "Date of Latest Dental Check",
                "Last Dental Check",
                "Dental Check Date",
            ),
        ),
        _date(
            "Date Ceased to be Looked After",
            "closed_on",
            aliases=("CeasedLookedAfterDate", "Date Ceased Looked After", "Date Left Care"),
        ),
        # Codes of the looked after children return, or their descriptions (caseaudit.core.looked_after).
        AnnexAColumn(
            "Child's Legal Status",
            ("legal_status",),
            ("Legal Status", "LegalStatus", "Current Legal Status", "MostRecentLegalStatus"),
        ),
        AnnexAColumn(
            "Placement Type",
            ("placement_type",),
            ("PlacementType", "Current Placement Type", "Type of Placement", "Placement Type Code"),
        ),
        AnnexAColumn(
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            ("uasc",),
            (
                "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months",
                "Unaccompanied Asylum Seeking Child",
                "UASC",
                "UASCLast12Months",
            ),
        ),
        _TEAM,
        _WORKER,
    ),
    ignored=(
        *_COMMON_IGNORED,
        "Child's Category of Need",
        "ChildCategoryOfNeed",
        "Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "SubsequentLACEpisodeLast12Months",
        "Start date of current legal status",
        "MostRecentLegalStatusStart",
        "What is the permanence plan for this child?",
        "PermanencePlan",
        "Permanence Plan",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last IRO Visit",
        "LastIROVisitDate",
        "Number of Placements in the Last 12 months",
        "PlacementsLast12Months",
        "Reason Ceased to be Looked After",
        "ReasonCeasedLookedAfter",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "PlacementURN",
        "Placement Location",
        "LA of Placement",
        "PlacementLA",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "EpisodesChildMissingFromPlacement",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "EpisodesChildAbsentFromPlacement",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "ChildOfferedReturnInterviewAfterLastMFH",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        "ChildAcceptedReturnInterviewAfterLastMFH",
    ),
)

LIST_9 = ListSpec(
    number=9,
    title="Care leavers",
    cohort="care-leaver",
    columns=(
        _CHILD_ID,
        _BIRTH,
        *_CHARACTERISTICS,
        # A care leaver's worker is their personal adviser (Children (Leaving Care) Act 2000). Older
        # versions of the list have only the allocated worker, which then stands in.
        AnnexAColumn(
            "Allocated Personal Adviser",
            ("worker",),
            (
                "Allocated Personal Advisor",
                "Personal Adviser",
                "Personal Advisor",
                "Allocated PA",
                "PA",
                "Personal Adviser Name",
            ),
        ),
        _WORKER,
        _TEAM,
        _date(
            "Latest Pathway Plan",
            "latest_pathway_plan",
            aliases=(
                "Latest Pathway Plan Review Date",
                "Latest Pathway Plan Date",
                "Date of Latest Pathway Plan",
                "Pathway Plan Review Date",
                "Pathway Plan Date",
            ),
        ),
        _date(
            "Latest Contact",
            "latest_contact",
            aliases=(
                "Latest Date of Contact",
                "Date of Latest Contact",
                "Latest Contact Date",
                "Date of Last Contact",
                "Last Contact Date",
            ),
        ),
    ),
    ignored=(
        *_COMMON_IGNORED,
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over",
        "UASC",
        "Eligibility Category",
        "Eligibility",
        "LA In Touch",
        "In Touch",
        "Type of Accommodation",
        "Accommodation",
        "Suitability of Accommodation",
        "Accommodation Suitability",
        "Activity Status",
        "Activity",
    ),
)

# Lists of events in the last 12 months, not of open cases. Only their dates are read, for the children who
# are also on a list of open cases: a referral starts the child and family assessment's 45 working days; an
# assessment's start and authorisation, and a section 47 enquiry's strategy discussion and initial
# conference, are the dates the timescale checks count from. The latest of each, where a child has several.
LIST_3 = ListSpec(
    number=3,
    title="Referrals",
    cohort="",
    columns=(
        _CHILD_ID,
        _date(
            "Date of referral", "referral_date", aliases=("Referral Date", "ReferralDate", "Date of Referral")
        ),
    ),
)
LIST_4 = ListSpec(
    number=4,
    title="Assessments",
    cohort="",
    # A statutory assessment: never an early help case's, whose own assessment List 2 gives.
    fills=("care-leaver", "looked-after", "child-protection", "child-in-need"),
    columns=(
        _CHILD_ID,
        _date(
            "Continuous Assessment Start Date",
            "assessment_start",
            aliases=(
                "Continuous Assessment Start date",
                "ContinuousAssessmentStartDate",
                "Assessment Start Date",
            ),
        ),
        _date(
            "Continuous Assessment Date of Authorisation",
            "assessment_completed",
            aliases=(
                "ContinuousAssessmentDateOfAuthorisation",
                "Date of Authorisation",
                "Assessment Authorisation Date",
                "Assessment Completion Date",
            ),
        ),
    ),
)
LIST_5 = ListSpec(
    number=5,
    title="Section 47 enquiries and initial child protection conferences",
    cohort="",
    columns=(
        _CHILD_ID,
        _date(
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "strategy_discussion",
            aliases=("Strategy Discussion Date", "Section 47 Enquiry Start Date", "S47 Start Date"),
        ),
        _date(
            "Date of Initial Child Protection Conference",
            "initial_conference",
            aliases=("Initial Child Protection Conference Date", "ICPC Date", "Date of ICPC"),
        ),
    ),
)

LISTS: dict[int, ListSpec] = {
    spec.number: spec for spec in (LIST_2, LIST_3, LIST_4, LIST_5, LIST_6, LIST_7, LIST_8, LIST_9)
}
READ_LISTS_TEXT = "Lists " + ", ".join(str(n) for n in LISTS)  # "Lists 2, 3, 4, 5, 6, 7, 8, 9"

# "List 9", "List 9 - Care leavers", "list_9", "List9", "L9 Care Leavers", "Annex A List 9", "AA_List_09":
# "list" or a lone "l", then separators, then the number, which must not run on into another digit
# (List 1 is not List 10). sfdata-annexa-clean identifies lists the same way, by the number after "list".
_SHEET_LIST = re.compile(r"(?:^|[^a-z0-9])l(?:ist)?[\s_.\-:#]*0*(\d{1,2})(?!\d)")


def list_number(sheet_name: str) -> int | None:
    """The Annex A list number a sheet name shows, whichever list it is; None if it shows none."""
    match = _SHEET_LIST.search(unicodedata.normalize("NFKC", sheet_name).casefold())
    return int(match[1]) if match else None


def identify_list(sheet_name: str) -> ListSpec | None:
    """The spec of the Annex A list a sheet holds, judged by its name ("List 9", "List 9 - Care leavers",
    "list_9", "L9 Care Leavers"); None for the lists caseaudit does not read (1, 10, 11: contacts and
    adoption) and for any other sheet."""
    number = list_number(sheet_name)
    return LISTS.get(number) if number is not None else None


def match_headers(spec: ListSpec, headers: Sequence[str | None]) -> HeaderMatch:
    """Map a sheet's header row onto the register columns of `spec`.

    Headers compare after `normalise_header`. Blank headers are skipped. When two headers name the same
    Annex A column, the first (leftmost) is used and the other counts as known, not unknown."""
    found: dict[int, int] = {}  # position in spec.columns -> header index
    unknown: list[str] = []
    for index, text in enumerate(headers):
        key = normalise_header(text) if text is not None else ""
        if not key:
            continue
        position = spec.lookup.get(key)
        if position is not None:
            found.setdefault(position, index)
        elif key not in spec.ignored_keys:
            unknown.append(str(text).strip())

    sources: dict[str, list[int]] = {}
    for position in sorted(found):
        for target in spec.columns[position].feeds:
            sources.setdefault(target, []).append(found[position])
    missing = [column for position, column in enumerate(spec.columns) if position not in found]
    return HeaderMatch(
        columns={target: indices[0] for target, indices in sources.items()},
        fallbacks={target: tuple(indices[1:]) for target, indices in sources.items() if len(indices) > 1},
        labels={target: str(headers[indices[0]]).strip() for target, indices in sources.items()},
        unknown=unknown,
        missing=[column.name for column in missing if column.official],
        missing_required=[column.name for column in missing if column.required],
    )


def find_header_row(rows: Iterable[Sequence[str | None]]) -> int | None:
    """The index of the first row that has a Child Unique ID header, else None. Annex A puts the header
    in row 1, but some extracts put a title above it."""
    keys = _CHILD_ID.keys
    for index, row in enumerate(rows):
        if any(cell is not None and normalise_header(cell) in keys for cell in row):
            return index
    return None


def missing_key_dates(spec: ListSpec, match: HeaderMatch) -> list[str]:
    """Official names of the list's key-date columns the sheet lacks: the timescale checks that anchor on
    them will report "data missing" for this list's cases."""
    return [
        column.name
        for column in spec.columns
        if column.name in match.missing and any(target in KEY_DATE_COLUMNS for target in column.feeds)
    ]
