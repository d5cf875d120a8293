"""The words of the committee paper that the QA lead writes, as a council paper carries them: its front matter
(authority, committee, meeting, report of, author and contact, classification), the recommendation to
members, the summary, the findings in brief, the conclusion, what the method says of who audited, why the
focus cohort and the feedback received, and the implications (financial, legal, equalities, safeguarding).

caseaudit drafts each from the data, in plain words; the QA lead edits the draft on the web
(reports/story_views.py) and it is kept with the cycle (reports.PaperStory). A text the QA lead has written
stays as written; one left as drafted follows the data. Texts are plain, with simple lists: a line starting
"- " is a bullet, and a blank line starts a new paragraph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from caseaudit.core.grade_tables import GradeRow

from .model import Block, Bullets, Paragraphs
from .words import audits, good_or_better, plural, sentence_list

Group = Literal["details", "words", "implications"]


@dataclass(frozen=True)
class StoryText:
    key: str
    label: str
    hint: str
    group: Group
    one_line: bool = False


STORY: tuple[StoryText, ...] = (
    StoryText("authority", "Authority", "The council the paper is for.", "details", one_line=True),
    StoryText(
        "committee", "Committee", "For example, Corporate Parenting Panel or Scrutiny.", "details", True
    ),
    StoryText("report_of", "Report of", "Whose report it is: a post, not a person's name.", "details", True),
    StoryText(
        "author",
        "Author and contact",
        "The officer members may ask, and how to reach them: a post and a team address is enough.",
        "details",
        True,
    ),
    StoryText("classification", "Classification", "Public, unless the paper is exempt.", "details", True),
    StoryText(
        "recommendation",
        "Recommendation to members",
        "What members are asked to do.",
        "words",
    ),
    StoryText("summary", "Summary", "The paper in a few sentences.", "words"),
    StoryText(
        "audited_by",
        "Who did the audits",
        "In house, or an external provider by name.",
        "words",
    ),
    StoryText(
        "focus_reason",
        "Why this focus cohort",
        "Why the cohort with the larger share of the sample was chosen this time, as given when the cycle "
        "was planned (printed only when the cycle has a focus cohort).",
        "words",
    ),
    StoryText(
        "feedback",
        "Feedback from children, young people and carers",
        "What was heard from them, in the method section.",
        "words",
    ),
    StoryText("findings", "Findings in brief", "Before the tables: what they show.", "words"),
    StoryText("conclusion", "Conclusion", "What the committee should take away.", "words"),
    StoryText("financial", "Financial implications", "", "implications"),
    StoryText("legal", "Legal implications", "", "implications"),
    StoryText("equalities", "Equalities implications", "", "implications"),
    StoryText("safeguarding", "Safeguarding implications", "", "implications"),
)
KEYS = tuple(text.key for text in STORY)
LABELS = {text.key: text.label for text in STORY}


@dataclass(frozen=True)
class StoryFigures:
    """What the drafts are drawn from: counts only."""

    council: str  # the council's name, or "" where none is configured
    cycle_name: str
    summary: tuple[str, ...]  # the summary the data gives, sentence by sentence
    cycle_row: GradeRow | None  # this cycle's all-cohorts row of grades
    auditors: int  # people who completed the cycle's audits
    unattributed: int  # completed audits with no auditor or provider recorded
    feedback: Mapping[str, int]  # respondent ("young-person", "carer") -> responses to the cycle's audits
    feedback_audits: int  # audits with any feedback
    done: int
    concerns: int  # safeguarding concerns raised in the cycle's audits
    recommendations: int
    strongest: str  # the theme with most strengths, when one leads; else ""
    weakest: str  # the theme with most process issues, when one leads; else ""
    focus_reason: str = ""  # why the focus cohort was chosen, as the planner said
    organisations: Sequence[tuple[str, int]] = ()  # external providers of past audits, and how many


def drafts(figures: StoryFigures) -> dict[str, str]:
    """Each text of the story as caseaudit drafts it from the figures."""
    return {
        "authority": figures.council,
        "committee": "",
        "report_of": "Director of Children's Services",
        "author": "",
        "classification": "Public",
        "recommendation": "Members are asked to note the report.",
        "summary": "\n\n".join(figures.summary),
        "audited_by": _audited_by(figures),
        "focus_reason": figures.focus_reason,
        "feedback": _feedback(figures),
        "findings": _findings(figures),
        "conclusion": _conclusion(figures),
        "financial": (
            "There are no direct financial implications. The audits are done within the service's "
            "existing resources."
        ),
        "legal": (
            "The council has duties to children in need and children in its care under the Children Act "
            "1989 and the Children Act 2004, and follows the statutory guidance Working Together to "
            "Safeguard Children. Auditing case files is one way it checks that it meets them."
        ),
        "equalities": (
            "The sample is drawn at random within each cohort, without regard to any protected "
            "characteristic, so that every child's case has the same chance of being audited. The "
            "equalities appendix compares the grades and timescales of children by sex, ethnic group, "
            "disability and age."
        ),
        "safeguarding": _safeguarding(figures),
    }


# Who gave feedback, one and several.
RESPONDENTS = {
    "young-person": ("a child or young person", "children or young people"),
    "carer": ("a parent or carer", "parents or carers"),
}


def _audited_by(figures: StoryFigures) -> str:
    said = []
    if figures.auditors:
        said.append(
            f"The audits were done in house, by {plural(figures.auditors, 'auditor', with_count=True)} of "
            "the council's children's services, none auditing a case they manage."
        )
    said += [
        f"{audits(n)} {'was' if n == 1 else 'were'} done by {name}." for name, n in figures.organisations
    ]
    if n := figures.unattributed:
        said.append(
            f"{audits(n)} {'was' if n == 1 else 'were'} loaded from earlier records, which do not say who "
            f"did {'it' if n == 1 else 'them'}."
        )
    return " ".join(said) or "The audits are done in house by the service's auditors."


def _feedback(figures: StoryFigures) -> str:
    received = [(key, figures.feedback[key]) for key in RESPONDENTS if figures.feedback.get(key)]
    if not received:
        return "No feedback from children, young people or carers was recorded for this cycle's audits."
    who = sentence_list(f"{n} from {RESPONDENTS[key][n != 1]}" for key, n in received)
    total = sum(n for _, n in received)
    return (
        f"{plural(total, 'response', with_count=True)} {'was' if total == 1 else 'were'} received ({who}), "
        f"about {figures.feedback_audits} of the {audits(figures.done)} completed."
    )


def _findings(figures: StoryFigures) -> str:
    row = figures.cycle_row
    if row is None or not row.total:
        return "No audit in this cycle has been graded yet."
    outstanding, good = row.count("outstanding"), row.count("good")
    improve, inadequate = row.count("requires-improvement"), row.count("inadequate")
    texts = [
        f"Of the {audits(row.total)} graded in {figures.cycle_name}, {outstanding} "
        f"{'was' if outstanding == 1 else 'were'} outstanding, {good} good, {improve} required improvement "
        f"and {inadequate} {'was' if inadequate == 1 else 'were'} inadequate ({good_or_better(row)}% good "
        "or better)."
    ]
    if figures.strongest:
        texts.append(f"Strengths were found most often in {figures.strongest.lower()}.")
    if figures.weakest:
        texts.append(f"Process issues were found most often in {figures.weakest.lower()}.")
    return " ".join(texts)


def _conclusion(figures: StoryFigures) -> str:
    row = figures.cycle_row
    if row is None or not row.total:
        return "The audits of this cycle are not yet graded: the next paper will report them."
    text = f"{good_or_better(row)}% of the audited cases were good or better in {figures.cycle_name}."
    if figures.recommendations:
        text += (
            f" The {plural(figures.recommendations, 'recommendation', with_count=True)} above "
            f"{'is' if figures.recommendations == 1 else 'are'} followed up by the improvement meeting, "
            "and the next paper reports their progress."
        )
    return text


def _safeguarding(figures: StoryFigures) -> str:
    text = (
        "An auditor who finds a child at risk of harm raises a safeguarding concern with the team manager "
        "the same day; it never waits for this report."
    )
    if figures.concerns:
        n = figures.concerns
        were = "was" if n == 1 else "were"
        text += f" {plural(n, 'concern', with_count=True)} {were} raised in this cycle's audits."
    else:
        text += " None was raised in this cycle's audits."
    return text


def resolved(written: Mapping[str, str], drafted: Mapping[str, str]) -> dict[str, str]:
    """Each text as the paper prints it: what the QA lead wrote, or else the draft."""
    return {key: (written.get(key) or "").strip() or drafted.get(key, "") for key in KEYS}


def kept(submitted: Mapping[str, str], drafted: Mapping[str, str]) -> dict[str, str]:
    """What to keep of a submitted story: the texts that differ from their draft. A text left as drafted,
    or emptied, is not kept, so it follows the data when the paper is drawn again."""
    found = {}
    for key in KEYS:
        text = _normalised(submitted.get(key, ""))
        if text and text != _normalised(drafted.get(key, "")):
            found[key] = text
    return found


def _normalised(text: str) -> str:
    """Line endings as a browser may send them, and spaces at the ends of lines, do not count as a change."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def text_blocks(text: str) -> tuple[Block, ...]:
    """Plain text as the paper's blocks: paragraphs, which a blank line ends, and bullets, the lines that
    start with "- " or "* "."""
    runs: list[tuple[str, list[str]]] = []  # ("paragraphs" or "bullets", their texts), in order
    lines: list[str] = []  # the paragraph being read

    def add(kind: str, item: str) -> None:
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(item)
        else:
            runs.append((kind, [item]))

    def end_paragraph() -> None:
        if lines:
            add("paragraphs", " ".join(lines))
            lines.clear()

    for line in _normalised(text).split("\n"):
        stripped = line.strip()
        if not stripped:
            end_paragraph()
        elif stripped[:2] in ("- ", "* "):
            end_paragraph()
            add("bullets", stripped[2:].strip())
        else:
            lines.append(stripped)
    end_paragraph()
    return tuple(
        Paragraphs(tuple(items)) if kind == "paragraphs" else Bullets(tuple(items)) for kind, items in runs
    )
