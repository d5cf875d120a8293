"""The paper's sections after the summary: background and method, the tables and the chart, auditor
against moderated grades, themes, timeliness, compliance with timescales, actions and recommendations,
caveats and the appendix of intervals. Each builds one Section from counts: nothing here names a child or a
person."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from caseaudit.core.audit_types import CASE_FILE, audit_type_label
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.comparability import sampling_words
from caseaudit.core.grade_tables import OFSTED_GRADES, GradeRow, cell_text, rounding_note
from caseaudit.cycles.models import Cycle, SampleRule
from caseaudit.reports.charts import chart_alt_text
from caseaudit.reports.grades import GRADE_LABELS, GradeSource, GradeTable, cohort_label

from . import queries
from .compliance import ComplianceRow
from .model import Block, Bullets, Chart, Facts, Paragraphs, Recommendation, Section, Subheading, Table
from .story import text_blocks
from .words import (
    GRADE_SOURCE_WORDS,
    audits,
    kappa_words,
    long_date,
    percent,
    plural,
    sentence_list,
)

# Background and method ---------------------------------------------------------------------------------


def method_section(
    cycle: Cycle,
    grade_source: GradeSource,
    figures: queries.CycleFigures,
    agreement: queries.AgreementRow,
    counts: queries.StoryCounts,
    story: Mapping[str, str],
) -> Section:
    sample = sentence_list(
        f"{COHORT_LABELS.get(slug, slug).lower()} {n}"
        for slug, n in sorted(figures.sample_by_cohort.items(), key=lambda item: (-item[1], item[0]))
    )
    focus = COHORT_LABELS.get(cycle.focus_cohort, "None") if cycle.focus_cohort else "None"
    if cycle.focus_cohort and story["focus_reason"]:
        focus += f": {story['focus_reason']}"
    kind = audit_type_label(cycle.audit_type) + (f": {cycle.theme}" if cycle.theme else "")
    facts = (
        ("Kind of audit", kind),
        ("Audit window", f"{long_date(cycle.starts_on)} to {long_date(cycle.ends_on)}"),
        ("Open cases", f"{counts.open_cases:,} on {long_date(cycle.starts_on)}"),
        ("Sampling", _sampling(cycle)),
        ("Cases in the sample", f"{figures.planned}" + (f" ({sample})" if sample else "")),
        (
            "Cases audited",
            f"{figures.done}: {percent(figures.done, counts.open_cases)} of the open cases"
            if counts.open_cases
            else f"{figures.done}",
        ),
        ("Focus cohort", focus) if cycle.audit_type == CASE_FILE else ("Cases in scope", _scope(cycle)),
        ("Audit tool", _named(figures.tools, "Not recorded (audits loaded from earlier records)")),
        ("Grade scale", _named(figures.scales, "Not recorded")),
        ("Grades in the tables", GRADE_SOURCE_WORDS[grade_source].capitalize()),
    )
    texts = [METHOD_WORDS.get(cycle.audit_type, METHOD_WORDS[CASE_FILE])]
    if figures.not_triangulated:
        texts.append(
            f"{figures.not_triangulated} of the {audits(figures.done)} completed "
            f"{'was' if figures.not_triangulated == 1 else 'were'} not triangulated: "
            f"{'it rests' if figures.not_triangulated == 1 else 'they rest'} on the case record alone."
        )
    elif figures.done:
        texts.append("No completed audit was flagged as not triangulated.")
    if figures.without_evidence:
        texts.append(
            f"{audits(figures.without_evidence)} {'has' if figures.without_evidence == 1 else 'have'} no "
            "evidence sources recorded (audits loaded from earlier records keep none)."
        )
    if counts.implausible:
        texts.append(
            f"The case register's dates, on which the sample and the timescales rest, are not all plausible: "
            f"{counts.implausible}. They are counted as the register holds them; the quality assurance lead "
            "has them listed to be put right in the case management system."
        )
    blocks: list[Block] = [Facts(facts), Paragraphs(tuple(texts))]
    # A table of zeros says nothing that the sentence above has not said.
    if any(n for _, n in figures.evidence):
        blocks.append(
            Table(
                "Evidence sources used in the completed audits",
                ("Source", "Audits", "Share of completed audits"),
                tuple((label, str(n), percent(n, figures.done)) for label, n in figures.evidence),
            )
        )
    moderation = [
        f"{figures.moderated} of the {audits(figures.done)} completed "
        f"{'was' if figures.moderated == 1 else 'were'} moderated: a moderator from the quality assurance "
        "team agreed the auditor's grade or changed it with a reason."
    ]
    if agreement.n:
        moderation.append(
            f"The moderator agreed the grade in {agreement.agreed} of {audits(agreement.n)} "
            f"({percent(agreement.agreed, agreement.n)}), moved it up in {agreement.moved_up} and down "
            f"in {agreement.moved_down}."
        )
    if figures.moderated_alone:
        moderation.append(_not_recorded(figures.moderated_alone))
    blocks.append(Paragraphs(tuple(moderation)))
    blocks += [Subheading("Who did the audits"), *text_blocks(story["audited_by"])]
    blocks += [Subheading("Feedback from children, young people and carers"), *text_blocks(story["feedback"])]
    return Section("method", "Background and method", tuple(blocks))


# How each kind of audit gathers its evidence, for the method section.
METHOD_WORDS: dict[str, str] = {
    CASE_FILE: "Each audit reads the child's case record and, where possible, talks to the allocated worker "
    "and their manager and asks the child or carer for feedback. An audit on the record alone is not "
    "triangulated.",
    "practice-observation": "Each observation watches a piece of practice as it happens (a home visit, a "
    "supervision or a meeting), then records the worker's reflection on it. An observation with no other "
    "source of evidence is not triangulated.",
    "multi-agency": "Each audit reads the child's case record and records what each partner agency (health, "
    "education, the police and others) contributed to the help the child had. An audit on the record alone "
    "is not triangulated.",
}


def _sampling(cycle: Cycle) -> str:
    if cycle.sample_rule == SampleRule.EVERY_CASE:
        return "Every open case in scope"
    if cycle.sample_rule == SampleRule.BY_HAND:
        return "Cases chosen by the quality assurance team, each with a reason"
    return sampling_words(fraction=cycle.fraction, size=cycle.size).capitalize()


def _scope(cycle: Cycle) -> str:
    cohort = COHORT_LABELS.get(cycle.scope_cohort, "") if cycle.scope_cohort else "Every cohort"
    team = cycle.scope_team.name if cycle.scope_team else "every team"
    return f"{cohort}, {team}" if cycle.scope_cohort or cycle.scope_team else "Every open case"


def _named(counts: list[tuple[str, int]], missing: str) -> str:
    if not counts:
        return missing
    if len(counts) == 1:
        return counts[0][0]
    return "; ".join(f"{name}: {audits(n)}" for name, n in counts)


# The tables and the chart ------------------------------------------------------------------------------


def _grade_header(first: tuple[str, ...]) -> tuple[str, ...]:
    return (*first, "Audited", *(GRADE_LABELS[g] for g in GRADE_LABELS))


def _cells(row: GradeRow) -> tuple[str, ...]:
    if not row.total:  # a cohort nobody audited in the period: said so, not a row of noughts
        return ("None audited", *("—" for _ in row.counts))
    percentages = row.percentages or (None,) * len(row.counts)
    return (str(row.total), *(cell_text(c, p) for c, p in zip(row.counts, percentages, strict=True)))


def oldest_first(table: GradeTable) -> list[GradeRow]:
    """The table's rows with its periods oldest first, the way the chart runs from left to right; the
    cohorts in their order within each."""
    order = {period: index for index, period in enumerate(reversed(table.periods))}
    return sorted(table.rows, key=lambda row: order.get(row.period, -1))


def tables_section(
    cycle: Cycle, grade_source: GradeSource, by_year: GradeTable, this_cycle: GradeTable, findings: str
) -> Section:
    source = GRADE_SOURCE_WORDS[grade_source]
    years = Table(
        f"Audits by year and cohort to {long_date(cycle.ends_on)}: count (percentage) at each grade, "
        f"{source}",
        _grade_header(("Year", "Cohort")),
        tuple((row.period, cohort_label(row.cohort), *_cells(row)) for row in oldest_first(by_year)),
        label_columns=2,
    )
    cohorts = Table(
        f"{cycle.name}: audits by cohort, count (percentage) at each grade, {source}",
        _grade_header(("Cohort",)),
        tuple((cohort_label(row.cohort), *_cells(row)) for row in this_cycle.rows),
    )
    intro: tuple[str, ...] = (
        "Percentages are whole numbers, rounded so that a row adds up to 100 (the largest remainder method) "
        "and equal counts show equal percentages. A grade nobody was given shows 0.",
    )
    if note := rounding_note([*by_year.rows, *this_cycle.rows]):
        intro += (note,)
    heading = "Findings: audits by year and cohort"
    if not by_year.rows:
        return Section("tables", heading, (*text_blocks(findings), Paragraphs(("No graded audits yet.",))))
    return Section("tables", heading, (*text_blocks(findings), Paragraphs(intro), years, cohorts))


def chart_section(by_year: GradeTable) -> Section:
    if not by_year.rows:
        return Section("chart", "Grades by year", (Paragraphs(("No graded audits to chart yet.",)),))
    chart = Chart(
        by_year,
        caption="Share of audits at each grade by year, all cohorts (count and percentage in each segment)",
        alt=chart_alt_text(by_year),
    )
    return Section("chart", "Grades by year", (chart,))


def _not_recorded(n: int) -> str:
    """Agreement over audits loaded with their moderated grade alone: not recorded, never "agreed"."""
    return (
        f"For {audits(n)} loaded from earlier records, which kept only the moderated grade, the auditor's "
        "grade and so the agreement between auditor and moderator are not recorded: they are left out of "
        "the agreement figures."
    )


def moderation_section(cycle: Cycle, figures: queries.CycleFigures) -> Section:
    counts = queries.cross_counts(cycle)
    heading = "Auditors' grades and moderated grades"
    if not counts:
        text = (
            _not_recorded(figures.moderated_alone)
            if figures.moderated_alone
            else "No audit in this cycle is moderated yet."
        )
        return Section("moderation", heading, (Paragraphs((text,)),))
    grades = list(GRADE_LABELS)
    rows = []
    for auditor in grades:
        cells = [counts.get((auditor, moderated), 0) for moderated in grades]
        rows.append((GRADE_LABELS[auditor], *map(str, cells), str(sum(cells))))
    column_totals = [sum(counts.get((a, m), 0) for a in grades) for m in grades]
    rows.append(("All moderated audits", *map(str, column_totals), str(sum(column_totals))))
    agreed = sum(counts.get((g, g), 0) for g in grades)
    total = sum(counts.values())
    table = Table(
        f"{cycle.name}: moderated audits by the auditor's grade (rows) and the moderated grade (columns)",
        ("Auditor's grade", *(GRADE_LABELS[g] for g in grades), "Total"),
        tuple(rows),
    )
    note = (
        f"The auditor and the moderator gave the same grade in {agreed} of {audits(total)} "
        f"({percent(agreed, total)}): the cells where the row and the column name the same grade."
    )
    notes = (note, _not_recorded(figures.moderated_alone)) if figures.moderated_alone else (note,)
    return Section("moderation", heading, (Paragraphs(notes), table))


# Themes, timeliness, compliance, actions ---------------------------------------------------------------


def themes_section(themes: list[queries.ThemeCount], figures: queries.CycleFigures) -> Section:
    heading = "Strengths and process issues by theme"
    if not themes:
        return Section("themes", heading, (Paragraphs(("No findings recorded in this cycle's audits.",)),))
    table = Table(
        f"Findings in the {audits(figures.done)} completed, by theme (most findings first)",
        ("Theme", "Strengths", "Process issues", "All findings"),
        tuple((t.theme, str(t.strengths), str(t.issues), str(t.total)) for t in themes),
    )
    texts = []
    if top := queries.leading(themes, "strengths"):
        texts.append(f"Strengths were most often found in {top.theme.lower()} ({top.strengths}).")
    if top := queries.leading(themes, "issues"):
        texts.append(f"Process issues were most often found in {top.theme.lower()} ({top.issues}).")
    return Section("themes", heading, (Paragraphs(tuple(texts)), table))


def timeliness_section(cycle: Cycle, figures: queries.CycleFigures, today: date) -> Section:
    pending = figures.planned - figures.done
    deadline = long_date(cycle.ends_on)
    if today <= cycle.ends_on:
        text = (
            f"The deadline is {deadline}. So far {figures.on_time} of {figures.planned} audits are submitted "
            f"and {pending} {'is' if pending == 1 else 'are'} still to do."
        )
    else:
        text = (
            f"{figures.on_time} of {figures.planned} audits ({percent(figures.on_time, figures.planned)}) "
            f"were submitted by the deadline of {deadline}; {figures.late} after it"
            + (f"; {pending} {'is' if pending == 1 else 'are'} not yet submitted." if pending else ".")
        )
    return Section("timeliness", "Timeliness", (Paragraphs((text,)),))


def compliance_section(rows: list[ComplianceRow], *, as_of: date, ends_on: date) -> Section:
    """A short table, statutory and local checks labelled, and a sentence for each thing in it worth
    saying: the check most often out of timescale, how many were met for every case, and where the sample
    is not typical of the register."""
    heading = "Compliance with timescales"
    rows = [row for row in rows if row.applies]
    if not rows:
        text = "None of the open cases in this cycle's sample has a timescale to check."
        return Section("compliance", heading, (Paragraphs((text,)),))
    day = long_date(as_of) + (", the cycle's last day" if as_of == ends_on else "")
    intro = (
        f"The open cases in this cycle's sample, checked against the timescales as at {day}, from the dates "
        "in the case register. Statutory timescales are set by regulations and statutory guidance; local "
        "ones by the council. A one-off event done after its deadline, such as a late initial conference, "
        "is within timescale now and counted as done late."
    )
    table = Table(
        f"Timescales as at {long_date(as_of)}: open cases in the sample to which each check applies, and the "
        "share overdue across the whole register",
        (
            "Check",
            "Timescale",
            "Cohort",
            "Cases",
            "Within timescale",
            "Overdue",
            "Done late",
            "Date missing",
            "Whole register: overdue",
        ),
        tuple(
            (
                row.check,
                row.kind,
                row.cohort,
                str(row.applies),
                str(row.compliant),
                str(row.overdue),
                str(row.done_late),
                str(row.data_missing),
                _share(row.register_overdue, row.register_applies),
            )
            for row in rows
        ),
        label_columns=3,
    )
    blocks: list[Block] = [Paragraphs((intro, *_compliance_findings(rows))), table]
    # Each check once, with the regulation or local standard it comes from.
    sources = dict.fromkeys(f"{row.check} ({row.kind.lower()}): {row.source}" for row in rows if row.source)
    if sources:
        blocks += [Paragraphs(("Where each timescale comes from:",)), Bullets(tuple(sources))]
    return Section("compliance", heading, tuple(blocks))


# A sample whose share overdue differs from the register's by this many points or more is not typical.
UNTYPICAL_POINTS = 20


def _compliance_findings(rows: list[ComplianceRow]) -> list[str]:
    texts = []
    overdue = [row for row in rows if row.overdue]
    if overdue:
        worst = max(overdue, key=lambda row: (row.overdue / row.applies, row.overdue))
        texts.append(
            f"Most often out of timescale: {worst.check.lower()} for {worst.cohort.lower()} cases, "
            f"{worst.overdue} of {worst.applies}."
        )
    met = sum(1 for row in rows if not row.overdue)
    texts.append(
        "Every check was within its timescale for every case it applies to, or its date is missing."
        if met == len(rows)
        else f"{met} of the {len(rows)} checks were within timescale for every case they apply to."
    )
    late = [row for row in rows if row.done_late]
    if late:
        listed = sentence_list(f"{row.check.lower()} ({row.cohort.lower()}) {row.done_late}" for row in late)
        texts.append(
            "Done, but after the deadline (counted as within timescale now, the missed date still a "
            f"breach): {listed}."
        )
    for row in rows:
        if not row.register_applies:
            continue
        sample, register = 100 * row.overdue / row.applies, 100 * row.register_overdue / row.register_applies
        if abs(sample - register) >= UNTYPICAL_POINTS:
            texts.append(
                f"The sample is not typical for {row.check.lower()} ({row.cohort.lower()}): {round(sample)}% "
                f"overdue, against {round(register)}% across the register."
            )
    return texts


def _share(part: int, whole: int) -> str:
    """ "12 of 140 (9%)": the register's figure beside the sample's."""
    return f"{part} of {whole} ({round(100 * part / whole)}%)" if whole else "none apply"


def actions_section(actions: queries.ActionCounts, recommendations: list[Recommendation]) -> Section:
    blocks: list[Block] = []
    if actions.total:
        blocks.append(
            Paragraphs(
                (
                    f"The audits agreed {plural(actions.total, 'action', with_count=True)} for the "
                    f"children's cases: {actions.still_open} still open, of which {actions.overdue} "
                    "past the due date.",
                )
            )
        )
        blocks.append(
            Table(
                "Actions from this cycle's audits by status",
                ("Status", "Actions"),
                tuple((label, str(n)) for label, n in actions.by_status),
            )
        )
    else:
        blocks.append(Paragraphs(("No actions were recorded in this cycle's audits.",)))
    if recommendations:
        blocks.append(
            Table(
                "Recommendations",
                ("Recommendation", "Due", "Status"),
                tuple((r.description, long_date(r.due_on), r.status) for r in recommendations),
                figures_numeric=False,
            )
        )
    else:
        blocks.append(Paragraphs(("No recommendations are recorded for this cycle yet.",)))
    return Section("actions", "Actions and recommendations", tuple(blocks))


def teams_section(
    grades: dict[str, Counter[str]], actions: list[queries.TeamActions], grade_source: GradeSource
) -> Section:
    """The officers' version's tables by team: grades and actions. Team names only, never a person's."""
    heading = "By team (officers' version)"
    intro = (
        "This section is in the officers' version of the paper only: the members' version gives the "
        "authority's figures, not each team's. Teams with few audits give shares that move a lot with one "
        "audit; read the counts.",
    )
    blocks: list[Block] = [Paragraphs(intro)]
    if grades:
        rows = [
            GradeRow("", team, OFSTED_GRADES, tuple(c[g] for g in OFSTED_GRADES))
            for team, c in grades.items()
        ]
        source = GRADE_SOURCE_WORDS[grade_source]
        blocks.append(
            Table(
                f"Completed audits by team: count (percentage) at each grade, {source}",
                _grade_header(("Team",)),
                tuple((row.cohort, *_cells(row)) for row in rows),
            )
        )
    else:
        blocks.append(Paragraphs(("No completed audit has a grade in these grades yet.",)))
    if actions:
        blocks.append(
            Table(
                "Actions from this cycle's audits by team",
                ("Team", "Actions", "Still open", "Overdue"),
                tuple((t.team, str(t.total), str(t.still_open), str(t.overdue)) for t in actions),
            )
        )
    return Section("teams", heading, tuple(blocks))


def follow_up_section(progress: queries.Progress) -> Section:
    """What the follow-up audits found, and how the improvement meeting's actions moved, since the last
    paper: whether what the audits asked for got done."""
    since = long_date(progress.since)
    when = "the last committee paper was issued on" if progress.since_paper else "the cycle began on"
    texts = [f"Since {when} {since}, across every cycle's actions."]
    done, checked, reopened = progress.found_done, progress.checked, progress.found_not_done
    if checked:
        audits_done = plural(progress.follow_ups, "follow-up audit", with_count=True)
        they = "it" if progress.follow_ups == 1 else "they"
        texts.append(
            f"{audits_done} found {done} of the {checked} actions {they} checked done "
            f"({percent(done, checked)}); {reopened} {'was' if reopened == 1 else 'were'} reopened."
        )
    else:
        texts.append("No follow-up audit was completed in this time.")
    table = Table(
        f"Follow-up audits and actions since {since}",
        ("", "Number"),
        (
            ("Follow-up audits completed", str(progress.follow_ups)),
            ("Actions they checked", str(checked)),
            ("Found done, and verified", str(done)),
            ("Found not done, and reopened", str(reopened)),
            ("Follow-up audits still to do", str(progress.follow_ups_waiting)),
            ("Actions marked done by their owners", str(progress.marked_done)),
            ("Actions verified", str(progress.verified)),
            ("Actions overdue today", str(progress.overdue)),
        ),
    )
    heading = "Follow-up and progress since the last paper"
    return Section("follow-up", heading, (Paragraphs(tuple(texts)), table))


def caveats_section(
    cycle: Cycle,
    grade_source: GradeSource,
    figures: queries.CycleFigures,
    by_year: GradeTable,
    this_cycle: GradeTable,
) -> Section:
    """The tables' own caveats, each said once, in full, and placed: the table by year, then this cycle's
    table where it says something the first has not. The summary says its comparison's caveat itself."""
    notes: list[str] = []

    def add(prefix: str, note: str) -> None:
        if note and note not in {n.split(": ", 1)[-1] for n in notes}:
            notes.append(f"{prefix}: {note}")

    for note in by_year.notes:
        add("The table by year", note)
    # This cycle's small rows are usually its year's rows again: named once, under the table by year.
    small_in_years = {(row.cohort, row.total) for row in by_year.rows if row.is_small}
    small_here = {(row.cohort, row.total) for row in this_cycle.rows if row.is_small}
    for note in this_cycle.notes:
        if not (note.startswith("Small samples") and small_here <= small_in_years):
            add(f"The table of {cycle.name}", note)
    if grade_source == "auditor":
        notes.append("The tables use the auditors' grades, before moderation.")
    if figures.disposed:
        n = figures.disposed
        notes.append(
            f"{n} audit{'' if n == 1 else 's'} of {cycle.name} {'was' if n == 1 else 'were'} disposed of "
            "under the retention schedule: the totals and grade tables count "
            f"{'it' if n == 1 else 'them'} from the figures kept, but the evidence, themes, moderation "
            "and actions no longer can."
        )
    if not notes:
        notes.append("None: every period was sampled and graded alike, and no sample is small.")
    return Section("caveats", "Caveats", (Bullets(tuple(notes)),))


# Fewer moderated audits than this, and a kappa says more about chance than about agreement.
KAPPA_FROM = 20


def appendix_section(by_year: GradeTable, agreement: queries.AgreementRow) -> Section:
    intro = (
        "How sure each share is: the 95% Wilson interval, the range the true share could well lie in "
        "given the number of audits. Small samples give wide intervals.",
    )
    rows = []
    for row in oldest_first(by_year):
        if not row.total or row.percentages is None or row.intervals is None:
            continue
        rows.append(
            (
                row.period,
                cohort_label(row.cohort),
                str(row.total),
                *(
                    f"{p}% ({round(100 * low)}% to {round(100 * high)}%)"
                    for p, (low, high) in zip(row.percentages, row.intervals, strict=True)
                ),
            )
        )
    table = Table(
        "Share at each grade with its 95% interval, by year and cohort",
        _grade_header(("Year", "Cohort")),
        tuple(rows),
        label_columns=2,
    )
    return Section(
        "appendix",
        "Appendix: how sure the figures are",
        (Paragraphs(intro), table, Subheading("Agreement beyond chance"), Paragraphs((_kappa(agreement),))),
    )


def _kappa(agreement: queries.AgreementRow) -> str:
    if not agreement.n:
        return "Agreement beyond chance (Cohen's kappa) is not given: no audit of this cycle has both grades."
    if agreement.n >= KAPPA_FROM and agreement.kappa is not None:
        return (
            f"Over the {audits(agreement.n)} moderated in this cycle, agreement between auditors and "
            f"moderators beyond what chance would give (Cohen's weighted kappa, linear weights) was "
            f"{agreement.kappa:.2f}: {kappa_words(agreement.kappa)}."
        )
    return (
        f"Agreement beyond chance (Cohen's kappa) is given from {KAPPA_FROM} moderated audits; this cycle "
        f"has {agreement.n}, too few for it to mean much. The method section gives the agreement in words."
    )
