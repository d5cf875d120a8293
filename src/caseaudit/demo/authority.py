"""A synthetic authority for the demo, tests and benchmarks: teams, workers, cases in every cohort with key
dates (some overdue, some missing) and one demo account per role.

Everything is generated from `random.Random(seed)`, so the same seed and date give the same authority. No
child has a name: children are Child Unique IDs like `DEMO0483917`. Staff names are made up from common
first names and surnames; they name adults doing a job, as a case management system would.

`generate_register_rows` needs no database: a benchmark can write a million rows straight to a CSV.
`build_demo_authority` writes the same rows (for the same arguments) to the database."""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from caseaudit import policy
from caseaudit.accounts.changes import record_change
from caseaudit.accounts.models import Role, User
from caseaudit.cases.models import Case, Staff, Team
from caseaudit.core.cohorts import COHORT_SLUGS
from caseaudit.core.register import CODED_COLUMNS, COLUMNS, DATE_COLUMNS
from caseaudit.notifications.models import Preference

DEFAULT_SEED = 2018
DEFAULT_CASES = 240
# Printed by `caseaudit demo-data --sign-ins`. Demo data is refused outside demo, debug and test settings.
DEMO_PASSWORD = "caseaudit-demo"  # noqa: S105 - a published demo password, by design
CHILD_ID_PREFIX = "DEMO"

NORTH = "Children and Families North"
SOUTH = "Children and Families South"
IN_CARE = "Children in Care"
LEAVING_CARE = "Leaving Care"
EARLY_HELP = "Early Help Hub"
DISABLED = "Disabled Children's Service"


@dataclass(frozen=True)
class _TeamSpec:
    name: str
    kind: str  # what its workers are: social workers, personal advisers, early help workers
    caseload: int  # open cases per worker, for sizing the team to the register


_TEAMS = (
    _TeamSpec(NORTH, "social workers", 16),
    _TeamSpec(SOUTH, "social workers", 16),
    _TeamSpec(IN_CARE, "social workers", 15),
    _TeamSpec(DISABLED, "social workers", 14),
    _TeamSpec(LEAVING_CARE, "personal advisers", 20),
    _TeamSpec(EARLY_HELP, "early help workers", 22),
)
_MAX_WORKERS_PER_TEAM = 400
# A team manager supervises about eight workers: a team of 400 has 50 (a service's teams, as one here).
_WORKERS_PER_MANAGER = 8
# Beyond the default register, one more auditor for each 1,000 more cases, so that the auditors' workloads
# stay in proportion: at 100,000 cases, about a hundred QA officers (and never more than 200).
_CASES_PER_EXTRA_AUDITOR = 1_000
_MAX_EXTRA_AUDITORS = 200

# Shares of the open register, roughly as in an English authority's returns (CIN census, SSDA903): early
# help and child in need are the bulk; care leavers are the demo's focus cohort, as in
# docs/domain.md#focus-cohort.
_COHORT_WEIGHTS = (
    ("care-leaver", 0.14),
    ("looked-after", 0.22),
    ("child-protection", 0.12),
    ("child-in-need", 0.30),
    ("early-help", 0.22),
)
_TEAMS_BY_COHORT = {
    "care-leaver": ((LEAVING_CARE, 1.0),),
    "looked-after": ((IN_CARE, 0.85), (DISABLED, 0.15)),
    "child-protection": ((NORTH, 0.5), (SOUTH, 0.5)),
    "child-in-need": ((NORTH, 0.4), (SOUTH, 0.4), (DISABLED, 0.2)),
    "early-help": ((EARLY_HELP, 1.0),),
}
_CLOSED_SHARE = 0.04
_UNALLOCATED_SHARE = 0.015
_MISSING_SHARE = 0.04  # a key date left blank in the case management system

_FIRST_NAMES = (
    "Aisha", "Alan", "Amara", "Amir", "Andrew", "Angela", "Bethan", "Bilal", "Carl", "Catherine", "Chloe",
    "Chris", "Claire", "Daniel", "David", "Deborah", "Dylan", "Eleanor", "Emeka", "Emma", "Fatima", "Fiona",
    "Gareth", "Grace", "Hannah", "Harpreet", "Helen", "Ian", "Imran", "Jade", "James", "Jasmine", "Joanne",
    "Jonathan", "Karen", "Kate", "Kwame", "Laura", "Leanne", "Lee", "Lucy", "Mark", "Martin", "Mei",
    "Michelle", "Mohammed", "Nadia", "Natalie", "Neil", "Nicola", "Olu", "Patrick", "Paul", "Priya",
    "Rachel", "Rebecca", "Richard", "Ruth", "Sadia", "Samantha", "Sarah", "Simon", "Sinead", "Sophie",
    "Stephen", "Tariq", "Thomas", "Tom", "Vanessa", "Wendy", "Yasmin", "Zoe",
)  # fmt: skip
_SURNAMES = (
    "Adeyemi", "Ahmed", "Ali", "Allen", "Bailey", "Baker", "Begum", "Bell", "Brown", "Campbell", "Carter",
    "Chen", "Clarke", "Collins", "Cooper", "Davies", "Edwards", "Evans", "Fisher", "Fletcher", "Green",
    "Griffiths", "Hall", "Harris", "Hughes", "Hussain", "Jackson", "James", "Johnson", "Jones", "Kaur",
    "Kelly", "Khan", "King", "Lewis", "Lloyd", "Martin", "Mason", "Mensah", "Mitchell", "Moore", "Morgan",
    "Murphy", "Nowak", "Okafor", "Owen", "Parker", "Patel", "Phillips", "Price", "Rahman", "Roberts",
    "Robinson", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward",
    "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip


@dataclass(frozen=True)
class DemoTeam:
    name: str
    kind: str
    manager: str
    workers: tuple[str, ...]
    # The other managers of a large team: each supervises the workers after the first manager's, in turn.
    deputies: tuple[str, ...] = ()

    @property
    def managers(self) -> tuple[str, ...]:
        return (self.manager, *self.deputies)

    def manager_of(self, worker: int) -> str:
        """The manager of the worker at index `worker`."""
        return self.managers[min(worker // _WORKERS_PER_MANAGER, len(self.managers) - 1)]


@dataclass(frozen=True)
class DemoRoster:
    """The authority's people, decided before any case: teams with a manager and workers, and the adults
    behind the demo accounts that are not allocated cases (auditors, QA, senior leader)."""

    teams: tuple[DemoTeam, ...]
    auditors: tuple[str, str, str]  # internal QA officer, peer practice manager in SOUTH, external auditor
    others: dict[str, str]  # username -> name, for accounts without a Staff record
    # More QA officers for a register larger than the default (none for the default demo).
    extra_auditors: tuple[str, ...] = ()

    def team(self, name: str) -> DemoTeam:
        return next(t for t in self.teams if t.name == name)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    sees: str  # what the account can see, for the sign-ins table


# One account per role; three independent auditors. What each sees follows docs/domain.md#roles.
DEMO_USERS = (
    DemoUser(
        "qa-lead",
        Role.QA_LEAD,
        "everything: all cases, audits, cycles, actions and reports; imports the register",
    ),
    DemoUser("moderator", Role.MODERATOR, "all cases and audits; moderates, plans cycles, reads reports"),
    DemoUser("auditor", Role.AUDITOR, "the audits allocated to them (internal QA officer, no team)"),
    DemoUser(
        "auditor-2",
        Role.AUDITOR,
        f"the audits allocated to them (practice manager in {SOUTH}: never that team's cases)",
    ),
    DemoUser("auditor-3", Role.AUDITOR, "the audits allocated to them (external independent auditor)"),
    DemoUser("team-manager", Role.TEAM_MANAGER, "their team's cases, audits and actions"),
    DemoUser("social-worker", Role.SOCIAL_WORKER, "audits of their own cases; actions assigned to them"),
    DemoUser("senior-leader", Role.SENIOR_LEADER, "aggregate reports only, no child-level data"),
    DemoUser(
        "administrator", Role.ADMINISTRATOR, "accounts only (IT): adds and deactivates people, no child data"
    ),
)


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    today: date
    cases: int
    open_cases: int
    by_cohort: dict[str, int]  # open cases per cohort slug, highest need first
    teams: int
    staff: int
    users_created: tuple[str, ...]
    users_skipped: tuple[str, ...]  # usernames that already existed and were left alone
    roster: DemoRoster | None = None

    @property
    def closed_cases(self) -> int:
        return self.cases - self.open_cases

    @classmethod
    def of(
        cls,
        *,
        seed: int,
        today: date,
        cases: int,
        open_by_cohort: Counter[str],
        roster: DemoRoster,
        staff: int,
        users: tuple[tuple[str, ...], tuple[str, ...]],
    ) -> DemoSummary:
        """What was built: `open_by_cohort` counts the open cases, `users` the accounts made and left."""
        created, skipped = users
        return cls(
            seed=seed,
            today=today,
            cases=cases,
            open_cases=sum(open_by_cohort.values()),
            by_cohort={c: open_by_cohort[c] for c in COHORT_SLUGS},
            teams=len(roster.teams),
            staff=staff,
            users_created=created,
            users_skipped=skipped,
            roster=roster,
        )


def plan_roster(cases: int, rng: random.Random) -> DemoRoster:
    """Teams sized to the register (a caseload per worker, at least two workers), with unique names."""
    weights = dict(_COHORT_WEIGHTS)
    team_share: dict[str, float] = {}
    for cohort, options in _TEAMS_BY_COHORT.items():
        for team_name, share in options:
            team_share[team_name] = team_share.get(team_name, 0.0) + weights[cohort] * share
    sizes = [
        min(_MAX_WORKERS_PER_TEAM, max(2, math.ceil(cases * team_share[spec.name] / spec.caseload)))
        for spec in _TEAMS
    ]
    managers = [math.ceil(size / _WORKERS_PER_MANAGER) for size in sizes]
    extra_auditors = min(_MAX_EXTRA_AUDITORS, max(0, cases - DEFAULT_CASES) // _CASES_PER_EXTRA_AUDITOR)
    others = ("qa-lead", "moderator", "senior-leader", "administrator")
    needed = sum(sizes) + sum(managers) + 3 + extra_auditors + len(others)
    picks = rng.sample(range(len(_FIRST_NAMES) * len(_SURNAMES)), needed)
    names = iter(f"{_FIRST_NAMES[p // len(_SURNAMES)]} {_SURNAMES[p % len(_SURNAMES)]}" for p in picks)
    teams = tuple(
        DemoTeam(
            spec.name,
            spec.kind,
            next(names),
            tuple(next(names) for _ in range(size)),
            tuple(next(names) for _ in range(count - 1)),
        )
        for spec, size, count in zip(_TEAMS, sizes, managers, strict=True)
    )
    auditors = (next(names), next(names), next(names))
    others_named = {username: next(names) for username in others}
    extra = tuple(next(names) for _ in range(extra_auditors))
    return DemoRoster(teams, auditors, others_named, extra)


@lru_cache(maxsize=20_000)
def _day(ordinal: int) -> date:
    return date.fromordinal(ordinal)


@lru_cache(maxsize=20_000)
def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


@lru_cache(maxsize=4096)
def _iso_month(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()[:7]


@lru_cache(maxsize=1024)
def _month_index(ordinal: int) -> int:
    day = date.fromordinal(ordinal)
    return day.year * 12 + day.month - 1


@lru_cache(maxsize=4096)
def _month_start(index: int) -> int:
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1).toordinal()


def _cumulative(weights: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    names, cuts, total = [], [], 0.0
    for name, weight in weights:
        total += weight
        names.append(name)
        cuts.append(total)
    cuts[-1] = total + 1e-9  # so that bisect never runs past the last name
    return names, cuts


def _child_ids(n: int, rng: random.Random) -> Iterator[str]:
    """Unique, non-sequential IDs: an affine permutation of 0..10^k-1 (the multiplier is coprime with 10),
    so no list of used IDs is kept even for millions of cases."""
    width = max(7, len(str(n)) + 1)
    modulus = 10**width
    # The golden ratio spreads consecutive numbers evenly over the range (Fibonacci hashing), so sorted IDs
    # never run in sequence; coprime with 10 makes it a permutation.
    multiplier = int(modulus * 0.6180339887498949) | 1
    if multiplier % 5 == 0:
        multiplier += 2
    offset = rng.randrange(modulus)
    for i in range(n):
        yield f"{CHILD_ID_PREFIX}{(i * multiplier + offset) % modulus:0{width}d}"


@dataclass(frozen=True)
class _Style:
    """How a generated row writes its values: `day` and `month` turn a date ordinal into what the
    consumer wants (ISO text, or a date), `empty` stands for a blank."""

    day: Callable[[int], object]
    month: Callable[[int], object]
    empty: object


_CSV_STYLE = _Style(day=_iso, month=_iso_month, empty="")


def _generate(n: int, seed: int, today: date, style: _Style) -> tuple[DemoRoster, Iterator[dict]]:
    """The roster and an iterator of cases as dicts of register columns, in `style`. Shared by the CSV
    rows and the database writer, so that both hold the same cases."""
    if n < 0:
        raise ValueError("the number of cases cannot be negative")
    rng = random.Random(seed)
    roster = plan_roster(n, rng)
    # Supervision and recording dates come from a stream of their own, so that adding them left every other
    # value of a seed's authority as it was.
    # So do the children's characteristics, added later still, and their placements and the dates of the
    # statutory checks added after them (initial health assessment, first core group, referral).
    oversight = random.Random(f"{seed}:oversight")
    traits = random.Random(f"{seed}:characteristics")
    statutory = random.Random(f"{seed}:statutory")
    # Last, a looked after child's legal status, placement type and asylum-seeking status.
    status = random.Random(f"{seed}:looked-after-status")
    return roster, _cases(n, rng, roster, today.toordinal(), style, oversight, traits, statutory, status)


def _cases(
    n: int,
    rng: random.Random,
    roster: DemoRoster,
    today: int,
    style: _Style,
    oversight: random.Random,
    traits: random.Random,
    statutory: random.Random,
    status: random.Random,
) -> Iterator[dict]:
    # Dates are worked out as ordinals (ints) and only turned into text or dates once, when set.
    rnd = rng.random
    day, empty = style.day, style.empty

    def between(low: int, high: int) -> int:
        return low + int(rnd() * (high - low + 1)) if high > low else low

    def recent(span: int) -> int:
        # More recent than uniform: most plans and assessments are young, a few are old.
        return int(span * rnd() ** 2)

    def put(ordinal: int | None) -> object:
        return empty if ordinal is None else day(ordinal)

    def kept(ordinal: int | None) -> object:
        # A key date left blank in the case management system.
        return empty if rnd() < _MISSING_SHARE or ordinal is None else day(ordinal)

    cohorts, cohort_cuts = _cumulative(_COHORT_WEIGHTS)

    for child_id in _child_ids(n, rng):
        cohort = cohorts[bisect(cohort_cuts, rnd() * cohort_cuts[-1])]
        team_name, worker, manager = allocate(roster, cohort, rnd)
        closed = today - between(1, 180) if rnd() < _CLOSED_SHARE else None
        at = closed or today  # dates are as at closing for a closed case
        row: dict = dict.fromkeys(COLUMNS, empty)
        row["child_id"] = child_id
        row["cohort"] = cohort
        row["team"] = team_name
        row["worker"] = worker or empty
        row["manager"] = manager
        row["closed_on"] = put(closed)

        if cohort == "care-leaver":
            age_months = 18 * 12 + 1 + (between(0, 35) if rnd() < 0.7 else between(36, 82))
        elif cohort == "child-protection" and rnd() < 0.4:
            age_months = between(0, 59)
        else:
            age_months = between(0, 17 * 12 + 11)
        birth = _month_start(_month_index(at) - age_months)
        row["birth_month"] = style.month(birth)
        age_days = at - birth

        if cohort == "care-leaver":
            opened = min(birth + between(14 * 365, 17 * 365 + 300), at - 30)
            plan = at - (between(190, 420) if rnd() < 0.18 else between(0, 175))
            contact = at - (between(64, 200) if rnd() < 0.15 else between(0, 55))
            row["latest_pathway_plan"] = kept(max(plan, opened))
            row["latest_contact"] = kept(max(contact, opened))
        elif cohort == "looked-after":
            span = max(5, min(age_days, 8 * 365))
            since = at - (between(5, min(span, 90)) if rnd() < 0.15 else between(5, span))
            since = max(since, birth)
            opened = max(birth, since - (0 if rnd() < 0.5 else between(0, 400)))
            row["looked_after_since"] = put(since)
            days_in = at - since
            first_year = days_in < 365
            review = None
            if days_in >= 28:
                if rnd() < 0.15 and days_in > 210:
                    review = at - between(190, min(days_in - 20, 400))
                else:
                    review = at - between(0, min(days_in - 10, 85 if days_in < 270 else 170))
            row["latest_statutory_review"] = kept(review)
            visit_limit = 38 if first_year else 85
            if rnd() < 0.15 and days_in > visit_limit + 12:
                visit = at - between(visit_limit + 12, min(days_in, visit_limit + 120))
            else:
                visit = at - between(0, min(days_in, visit_limit))
            row["last_social_work_visit"] = kept(visit)
            placed, long_term = _placement(statutory.random, since, visit, at)
            row["placement_start"] = put(placed)
            row["placement_intended_until_18"] = empty if long_term is None else long_term
            row["legal_status"], row["placement_type"], row["uasc"] = _status(status.random, long_term)
            # 20 working days are at least 28 calendar days: within 27 is on time, from 30 late.
            row["initial_health_assessment"] = put(_one_off(statutory.random, since, at, (5, 27), (30, 70)))
            if 5 * 365 <= age_days < 16 * 365 and days_in >= 28:
                row["latest_pep"] = put(_pep_review(statutory.random, at, days_in))
            health_limit = 175 if age_days < 5 * 365 else 355
            if rnd() < 0.12 and days_in > health_limit + 15:
                health = at - between(health_limit + 15, min(days_in, health_limit + 200))
            else:
                health = at - between(0, min(days_in, health_limit))
            row["last_health_assessment"] = kept(health)
            if age_days >= 365:
                if rnd() < 0.12 and days_in > 370:
                    dental = at - between(370, min(days_in, 600))
                else:
                    dental = at - between(0, min(days_in, 355))
                row["last_dental_check"] = kept(dental)
        elif cohort == "child-protection":
            strategy = at - (7 + recent(540))
            strategy = max(strategy, birth)
            opened = max(birth, strategy - (0 if rnd() < 0.5 else between(1, 200)))
            row["strategy_discussion"] = kept(strategy)
            conference = None
            if at - strategy >= 21:
                # 15 working days never fit in fewer than 19 calendar days, and 26 always exceed them.
                late = rnd() < 0.12 and at - strategy > 40
                conference = strategy + (between(26, 40) if late else between(5, 19))
            row["initial_conference"] = kept(conference)
            row["cp_plan_start"] = put(conference)
            if conference is not None:
                # 10 working days are at least 14 calendar days: within 13 is on time, from 16 late.
                row["first_core_group"] = put(_one_off(statutory.random, conference, at, (2, 13), (16, 30)))
                on_plan = at - conference
                if rnd() < 0.2 and on_plan > 17:
                    visit = at - between(17, min(on_plan, 50))
                else:
                    visit = at - between(0, min(on_plan, 11))
                row["last_statutory_visit"] = kept(visit)
                if on_plan >= 90:
                    if rnd() < 0.12:
                        review = at - between(190, on_plan - 60) if on_plan > 260 else None
                    else:
                        review = at - between(0, min(on_plan - 60, 170))
                    row["latest_review_conference"] = put(review)
        else:  # child in need and early help: an assessment, then the work
            opened = max(birth, at - recent(700 if cohort == "child-in-need" else 400))
            start = min(at, opened + (between(0, 3) if cohort == "child-in-need" else between(0, 10)))
            row["assessment_start"] = kept(start)
            running = at - start
            completed = None
            # 45 working days are at least 63 calendar days: within 58 is on time, from 72 is late.
            if rnd() < 0.15 and running >= 72:
                completed = start + between(72, min(running, 120)) if rnd() < 0.7 else None
            elif running >= 10 and (running >= 63 or rnd() < 0.5):
                completed = start + between(5, min(running, 58))
            row["assessment_completed"] = put(completed)
            if cohort == "child-in-need":
                seen = at - (between(45, 150) if rnd() < 0.15 else between(0, 28))
                row["last_seen"] = kept(max(seen, opened))
                # Referred the day the case opened; the plan reviewed about every 3 months since.
                row["referral_date"] = put(opened)
                # The child in need plan starts once the assessment is completed: none while it is under way.
                row["cin_plan_start"] = put(completed)
                row["latest_cin_plan_review"] = put(_plan_review(statutory.random, opened, at))
        row["opened_on"] = put(opened)
        supervision, backlog = _oversight_dates(oversight.random, opened, at)
        row["last_supervision"] = put(supervision)
        row["recording_backlog_since"] = put(backlog)
        row["sex"], row["ethnicity"], row["disability"] = _characteristics(traits.random, team_name, empty)
        yield row


_TEAM_PICKS = {cohort: _cumulative(options) for cohort, options in _TEAMS_BY_COHORT.items()}


def allocate(roster: DemoRoster, cohort: str, rnd: Callable[[], float]) -> tuple[str, str | None, str]:
    """A case of `cohort` allocated as the demo's register allocates: to one of the cohort's teams, one of
    its workers (a few cases to nobody yet) and that worker's manager. Team, worker and manager by name."""
    team_names, team_cuts = _TEAM_PICKS[cohort]
    team = roster.team(team_names[bisect(team_cuts, rnd() * team_cuts[-1])])
    if rnd() < _UNALLOCATED_SHARE:
        return team.name, None, team.manager
    index = int(rnd() * len(team.workers))
    return team.name, team.workers[index], team.manager_of(index)


_SEX_WEIGHTS = (("M", 0.555), ("F", 0.44), ("U", 0.005))
# Roughly the ethnicity of children looked after in England (DfE, 2024): about 7 in 10 White.
_ETHNICITY_WEIGHTS = (
    ("WBRI", 0.64),
    ("WIRI", 0.005),
    ("WIRT", 0.005),
    ("WROM", 0.01),
    ("WOTH", 0.05),
    ("MWBC", 0.035),
    ("MWBA", 0.015),
    ("MWAS", 0.015),
    ("MOTH", 0.035),
    ("AIND", 0.01),
    ("APKN", 0.015),
    ("ABAN", 0.01),
    ("CHNE", 0.003),
    ("AOTH", 0.017),
    ("BCRB", 0.015),
    ("BAFR", 0.035),
    ("BOTH", 0.015),
    ("OOTH", 0.04),
    ("REFU", 0.005),
    ("NOBT", 0.016),
)
_SEXES = _cumulative(_SEX_WEIGHTS)
_ETHNICITIES = _cumulative(_ETHNICITY_WEIGHTS)
_CHARACTERISTIC_MISSING_SHARE = 0.02


def _characteristics(
    rnd: Callable[[], float], team_name: str, empty: object
) -> tuple[object, object, object]:
    """Sex, ethnicity and disability codes: about 1 child in 6 disabled, half of them known
    to the disabled children's team; now and then one left blank, as case management systems have them."""

    def pick(choices: tuple[list[str], list[float]]) -> object:
        codes, cuts = choices
        return empty if rnd() < _CHARACTERISTIC_MISSING_SHARE else codes[bisect(cuts, rnd() * cuts[-1])]

    sex, ethnicity = pick(_SEXES), pick(_ETHNICITIES)
    disabled_share = 0.9 if team_name == DISABLED else 0.08
    disability = empty if rnd() < _CHARACTERISTIC_MISSING_SHARE else ("Y" if rnd() < disabled_share else "N")
    return sex, ethnicity, disability


def _placement(rnd: Callable[[], float], since: int, visit: int, at: int) -> tuple[int, str | None]:
    """The current placement's start and whether it is intended to last until 18 ("Y", "N" or None, not
    said). Most children are in their first placement; a later one started before the last visit, so that
    the visits drawn for the child still count. Visits further apart than 6 weeks after the first year are
    mostly those of long-term placements, where 3 months is the rule."""
    first_year_ends = at - 365
    gap = at - visit
    placed = since
    if rnd() < 0.35:
        # A move: in the first year of a placement, visits are due every 6 weeks, so a child visited less
        # often moves only into a placement more than a year old.
        latest = min(visit, first_year_ends) if gap > 42 else visit
        if latest > since:
            placed = since + int(rnd() * (latest - since + 1))
    if at - placed < 365:
        return placed, "N" if rnd() < 0.7 else None
    long_term = 0.9 if gap > 42 else 0.5
    answer = rnd()
    return placed, "Y" if answer < long_term else ("N" if answer < 0.93 else None)


# Shares of the children in care by legal status, roughly as the national statistics have them.
_LEGAL_STATUSES = (("C2", 0.62), ("V2", 0.16), ("E1", 0.08), ("C1", 0.12), ("J1", 0.02))


def _status(rnd: Callable[[], float], long_term: str | None) -> tuple[str, str, str]:
    """A looked after child's legal status, a placement type that fits whether the placement is meant to
    last until 18 (long-term fostering, a children's home, placed with parents...), and whether they came
    to care as an unaccompanied asylum-seeking child (about 1 in 15)."""
    draw, legal = rnd(), "C2"
    for code, share in _LEGAL_STATUSES:
        if draw < share:
            legal = code
            break
        draw -= share
    kinship = rnd() < 0.2
    if rnd() < 0.12:
        placement = "K2"
    elif rnd() < 0.06:
        placement = "P1"
    elif long_term == "Y":
        placement = "U1" if kinship else "U4"
    else:
        placement = "U3" if kinship else "U6"
    return legal, placement, "Y" if rnd() < 1 / 15 else "N"


def _one_off(
    rnd: Callable[[], float], start: int, at: int, on_time: tuple[int, int], late: tuple[int, int]
) -> int | None:
    """A one-off event some days after `start` (days counted as `on_time`, or one time in eight as `late`),
    or None while it has not happened by `at`, or was never recorded."""
    low, high = late if rnd() < 0.125 else on_time
    day = start + low + int(rnd() * (high - low + 1))
    return None if day > at or rnd() < 0.03 else day


def _pep_review(rnd: Callable[[], float], at: int, days_in: int) -> int:
    """The latest review of a school-age child's personal education plan: each term, so within the last 4
    months, or one time in eight longer ago."""
    back = 125 + int(rnd() * 120) if rnd() < 0.12 else int(rnd() * 115)
    return at - min(back, days_in - 5)


def _plan_review(rnd: Callable[[], float], opened: int, at: int) -> int | None:
    """The latest child in need plan review: none in the plan's first months, else within the last 3
    months, or one time in seven older."""
    running = at - opened
    if running < 80:
        return None
    back = 95 + int(rnd() * 60) if rnd() < 1 / 7 and running > 160 else int(rnd() * 85)
    return at - min(back, running - 10)


def _oversight_dates(rnd: Callable[[], float], opened: int, at: int) -> tuple[int | None, int | None]:
    """The latest supervision that discussed the case and the oldest event not yet written up, as ordinals.

    Supervision is due at least every 4 weeks: most cases were discussed within 27 days, about one in
    seven longer ago, a few never recorded. Recording is due within 5 working days (at least 7 calendar
    days): most cases have nothing waiting (None), about three in ten an event from the last 6 days, about
    one in nine an event waiting longer than the rule allows."""

    def between(low: int, high: int) -> int:
        return low + int(rnd() * (high - low + 1))

    draw = rnd()
    if draw < _MISSING_SHARE:
        supervision = None
    else:
        supervision = max(opened, at - (between(32, 120) if draw < _MISSING_SHARE + 0.14 else between(0, 27)))
    draw = rnd()
    if draw < 0.11:
        backlog: int | None = max(opened, at - between(10, 75))
    elif draw < 0.40:
        backlog = max(opened, at - between(0, 6))
    else:
        backlog = None
    return supervision, backlog


def generate_register_rows(n: int, seed: int = DEFAULT_SEED, today: date | None = None) -> Iterator[dict]:
    """`n` synthetic cases as dicts of register CSV columns (`core.register.COLUMNS`), all values text:
    ISO dates, `YYYY-MM` birth months, "" for empty. Same arguments, same rows; nothing is stored."""
    _, rows = _generate(n, seed, today or date.today(), _CSV_STYLE)
    return rows


class DemoDataRefused(Exception):
    """The database is not in a state to take demo data (it already has cases)."""


def build_demo_authority(
    *,
    cases: int = DEFAULT_CASES,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    batch_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Write a synthetic authority to the database: teams, staff, `cases` cases (the rows
    `generate_register_rows(cases, seed, today)` yields) and the demo accounts, in one transaction.

    Refuses (DemoDataRefused) if the database already has cases. Existing accounts with a demo username are
    left alone. `progress`, if given, is called with the number of cases written after each batch."""
    today = today or date.today()
    if Case.objects.exists():
        raise DemoDataRefused("the database already has cases; demo data goes into an empty register")
    # SQLite keeps dates as ISO text; handing it text spares an adapter call per cell.
    on_sqlite = connection.vendor == "sqlite"
    style = _Style(day=_iso if on_sqlite else _day, month=_iso if on_sqlite else _day, empty=None)
    roster, rows = _generate(cases, seed, today, style)
    with transaction.atomic():
        teams = ensure_teams(roster)
        staff = ensure_staff(roster, teams)
        by_cohort: Counter[str] = Counter()
        caseloads: Counter[str] = Counter()
        written = 0
        pending: list[tuple] = []
        insert = _CaseInserter(
            {name: team.pk for name, team in teams.items()},
            {name: person.pk for name, person in staff.items()},
        )
        for row in rows:
            if row["closed_on"] is None:
                by_cohort[row["cohort"]] += 1
                if row["worker"]:
                    caseloads[row["worker"]] += 1
            pending.append(insert.values(row))
            if len(pending) >= batch_size:
                written += insert.write(pending, progress, written)
        written += insert.write(pending, progress, written)
        users = ensure_users(roster, staff, caseloads)
        record_change(
            policy.SYSTEM,
            "demo.built",
            ("demo-data", None),
            new={"cases": written, "seed": seed, "as_of": today},
        )
    return DemoSummary.of(
        seed=seed,
        today=today,
        cases=written,
        open_by_cohort=by_cohort,
        roster=roster,
        staff=len(staff),
        users=users,
    )


class _CaseInserter:
    """Cases straight into the table with executemany, as the importer writes them: Django's bulk_create
    spends most of its time building model instances (see `importing/write.py`)."""

    _COLUMNS = (
        "child_id",
        "cohort",
        "team_id",
        "worker_id",
        "manager_id",
        "birth_month",
        *CODED_COLUMNS,
        *DATE_COLUMNS,
    )

    def __init__(self, teams: dict[str, int], staff: dict[str, int]) -> None:
        self.teams = teams
        self.staff = staff
        self.stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        columns = ", ".join((*self._COLUMNS, "updated_at"))
        marks = ", ".join(["%s"] * (len(self._COLUMNS) + 1))
        self.sql = f"INSERT INTO {Case._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608

    def values(self, row: dict) -> tuple:
        worker = row["worker"]
        return (
            row["child_id"],
            row["cohort"],
            self.teams[row["team"]],
            self.staff[worker] if worker else None,
            self.staff[row["manager"]],
            row["birth_month"],
            *[row[c] for c in CODED_COLUMNS],
            *[row[c] for c in DATE_COLUMNS],
            self.stamp,
        )

    def write(self, pending: list[tuple], progress: Callable[[int], None] | None, written: int) -> int:
        count = len(pending)
        if count:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, pending)
            pending.clear()
            if progress is not None:
                progress(written + count)
        return count


def ensure_teams(roster: DemoRoster) -> dict[str, Team]:
    existing = Team.objects.in_bulk([t.name for t in roster.teams], field_name="name")
    Team.objects.bulk_create([Team(name=t.name) for t in roster.teams if t.name not in existing])
    return Team.objects.in_bulk([t.name for t in roster.teams], field_name="name")


def ensure_staff(roster: DemoRoster, teams: dict[str, Team]) -> dict[str, Staff]:
    wanted: dict[str, Team | None] = {}
    for team in roster.teams:
        for name in (*team.managers, *team.workers):
            wanted[name] = teams[team.name]
    internal, peer, external = roster.auditors
    wanted[internal] = None
    wanted[peer] = teams[SOUTH]
    wanted[external] = None
    for name in roster.extra_auditors:
        wanted[name] = None  # QA officers, in no team
    existing = Staff.objects.in_bulk(list(wanted), field_name="name")
    Staff.objects.bulk_create(
        [Staff(name=name, team=team) for name, team in wanted.items() if name not in existing]
    )
    return Staff.objects.in_bulk(list(wanted), field_name="name")


def team_usernames(team: str) -> tuple[str, str]:
    """The demo accounts of a team other than the North team (whose are `team-manager` and
    `social-worker`): its manager and its worker with the most open cases, so that actions, concerns and
    reminders about any team's cases reach someone."""
    slug = _TEAM_SLUGS[team]
    return f"manager-{slug}", f"worker-{slug}"


_TEAM_SLUGS = {
    NORTH: "north",
    SOUTH: "south",
    IN_CARE: "in-care",
    DISABLED: "disabled-children",
    LEAVING_CARE: "leaving-care",
    EARLY_HELP: "early-help",
}


def demo_email(name: str) -> str:
    """A synthetic work address on the reserved example domain, so no demo email reaches a real person."""
    local = ".".join("".join(ch for ch in part if ch.isalnum()) for part in name.lower().split())
    return f"{local}@example.gov.uk"


def ensure_users(
    roster: DemoRoster, staff: dict[str, Staff], caseloads: Counter[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    def busiest(team: DemoTeam) -> str:
        # The team's worker with the most open cases, so their view is never empty.
        return max(team.workers, key=lambda name: (caseloads[name], name))

    north = roster.team(NORTH)
    linked = {
        "auditor": roster.auditors[0],
        "auditor-2": roster.auditors[1],
        "auditor-3": roster.auditors[2],
        "team-manager": north.manager,
        "social-worker": busiest(north),
    }
    wanted: list[tuple[str, str]] = [(demo.username, demo.role) for demo in DEMO_USERS]
    for team in roster.teams:
        if team.name == NORTH:
            continue
        manager, worker = team_usernames(team.name)
        linked[manager], linked[worker] = team.manager, busiest(team)
        wanted += [(manager, Role.TEAM_MANAGER), (worker, Role.SOCIAL_WORKER)]
    existing = set(
        User.objects.filter(username__in=[username for username, _ in wanted]).values_list(
            "username", flat=True
        )
    )
    password = make_password(DEMO_PASSWORD)  # hashed once: each hash is deliberately slow
    created = []
    for username, role in wanted:
        if username in existing:
            continue
        name = linked.get(username) or roster.others[username]
        first, last = name.split(" ", 1)
        member = staff[name] if username in linked else None
        User.objects.create(
            username=username,
            password=password,
            role=role,
            staff=member,
            first_name=first,
            last_name=last,
            email=demo_email(name),
        )
        created.append(username)
    return tuple(created), tuple(username for username, _ in wanted if username in existing)


def demo_users_table() -> list[tuple[str, str, str, str]]:
    """Rows of (role, username, password, what they can see) for the demo accounts that exist, with the
    team or caseload of the team manager and social worker filled in. An account whose password is not
    the demo password (one that existed before the demo data) shows no password."""
    users = User.objects.filter(username__in=[d.username for d in DEMO_USERS]).select_related("staff__team")
    by_name = {user.username: user for user in users}
    # The demo accounts share one hash, so the deliberately slow check runs once, not once per account.
    checked: dict[str, bool] = {}
    table = []
    for demo in DEMO_USERS:
        user = by_name.get(demo.username)
        if user is None:
            continue
        sees = demo.sees
        if user.staff is not None and policy.can(user, policy.READ_TEAM_RECORDS) and user.staff.team:
            sees = f"{user.staff.team.name}: its cases, audits and actions"
        elif user.staff is not None and policy.can(user, policy.READ_OWN_RECORDS):
            count = Case.objects.filter(worker=user.staff, closed_on__isnull=True).count()
            sees = f"audits of their own {count} open cases; actions assigned to them"
        stored = user.password
        if stored not in checked:
            checked[stored] = user.check_password(DEMO_PASSWORD)
        password = DEMO_PASSWORD if checked[stored] else "(not the demo password)"
        table.append((Role(demo.role).label, demo.username, password, sees))
    return table


def demo_team_accounts() -> list[tuple[str, str]]:
    """(team, "manager-x and worker-x") for the other teams' demo accounts that exist, for the sign-ins."""
    rows = []
    for team in _TEAM_SLUGS:
        if team == NORTH:
            continue
        usernames = team_usernames(team)
        present = [u for u in usernames if User.objects.filter(username=u).exists()]
        if present:
            rows.append((team, " and ".join(present)))
    return rows


# The rest of the staff's accounts, for a register larger than the default --------------------------------
# Every team manager and worker can sign in, and the extra QA officers audit, as in a real authority where
# everyone on the register has an account. Usernames are the people's made-up names (`sophie.green`), the
# extra auditors `auditor-4`, `auditor-5`, ...; everyone shares the demo password and reads their
# notifications in the app only, so that a large demo does not fill the outbox.

FIRST_EXTRA_AUDITOR = 4  # auditor, auditor-2 and auditor-3 are the demo's own


def extra_auditor_username(index: int) -> str:
    return f"auditor-{FIRST_EXTRA_AUDITOR + index}"


def add_staff_accounts(roster: DemoRoster) -> int:
    """An account for each person of the roster who has none yet (written in bulk); returns how many."""
    wanted: list[tuple[str, str, str]] = []  # (username, role, name)
    for team in roster.teams:
        wanted += [(_username(name), Role.TEAM_MANAGER, name) for name in team.managers]
        wanted += [(_username(name), Role.SOCIAL_WORKER, name) for name in team.workers]
    wanted += [
        (extra_auditor_username(i), Role.AUDITOR, name) for i, name in enumerate(roster.extra_auditors)
    ]
    staff = Staff.objects.in_bulk([name for _, _, name in wanted], field_name="name")
    linked = set(User.objects.filter(staff__isnull=False).values_list("staff__name", flat=True))
    taken = set(User.objects.values_list("username", flat=True))
    password = make_password(DEMO_PASSWORD)  # hashed once: each hash is deliberately slow
    users = []
    for username, role, name in wanted:
        if name in linked or username in taken:
            continue
        first, last = name.split(" ", 1)
        users.append(
            User(
                username=username,
                password=password,
                role=role,
                staff=staff[name],
                first_name=first,
                last_name=last,
                email=demo_email(name),
            )
        )
    created = User.objects.bulk_create(users, batch_size=1000)
    Preference.objects.bulk_create(
        [Preference(person=user, email=False) for user in created], batch_size=1000
    )
    return len(created)


def _username(name: str) -> str:
    return demo_email(name).split("@", 1)[0]


__all__ = [
    "DEFAULT_CASES",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "DemoDataRefused",
    "DemoSummary",
    "add_staff_accounts",
    "build_demo_authority",
    "demo_email",
    "demo_team_accounts",
    "demo_users_table",
    "generate_register_rows",
    "plan_roster",
    "team_usernames",
]
