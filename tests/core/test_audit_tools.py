"""The audit tool (template) document: the shipped default parses, and each validation rule has its own
test, naming the file, the line and the key."""

from __future__ import annotations

import textwrap
from importlib import resources

import pytest

from caseaudit.core.audit_tools import (
    CASE_FILE_SOURCES,
    MAX_TEMPLATE_CHARS,
    AuditTool,
    TemplateError,
    applicable_sections,
    parse_template,
)
from caseaudit.core.audit_types import AUDIT_TYPES, DEFAULT_TOOLS
from caseaudit.core.cohorts import COHORT_SLUGS


def shipped_text(slug: str) -> str:
    return resources.files("caseaudit.audits").joinpath("data", f"{slug}.yaml").read_text("utf-8")


SHIPPED = shipped_text("ofsted-default")

# A small valid template; line numbers in the tests below count from its first line.
MINIMAL = textwrap.dedent(
    """\
    slug: mini
    version: 1
    name: Mini tool
    grade_scale:
      slug: two-point
      version: 1
      name: Two points
      grades:
        - slug: not-yet
          label: Not yet
          descriptor: Practice is not yet good enough.
        - slug: good
          label: Good
          descriptor: Practice is good.
    sections:
      - slug: voice
        title: Voice
        guidance: Is the child heard?
        questions:
          - slug: seen
            text: Was the child seen?
            kind: yes-no
      - slug: pathway
        title: Pathway plan
        guidance: Is the plan live?
        cohorts: [care-leaver]
        questions:
          - slug: reviewed
            text: When was it reviewed?
            kind: date
    """
)


def problems(text: str, source: str = "mini.yaml") -> list[str]:
    with pytest.raises(TemplateError) as caught:
        parse_template(text, source)
    return [str(p) for p in caught.value.problems]


def edit(old: str, new: str, text: str = MINIMAL) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_the_shipped_default_tool_parses():
    tool = parse_template(SHIPPED, "ofsted-default.yaml")
    assert (tool.slug, tool.version) == ("ofsted-default", 1)
    assert tool.grade_scale.slug == "ofsted-4" and tool.grade_scale.version == 1
    assert tool.grade_scale.slugs == ["inadequate", "requires-improvement", "good", "outstanding"]
    assert tool.grade_scale.grades[1].label == "Requires improvement to be good"
    assert tool.evidence_sources == list(CASE_FILE_SOURCES)
    assert (tool.audit_type, tool.required_evidence) == ("case-file", "record-review")
    every = [s.slug for s in tool.sections if s.cohorts is None]
    assert len(every) == 7  # docs/domain.md#sections: seven for every case
    for section in tool.sections:
        assert 2 <= len(section.questions) <= 4, section.slug


def test_the_shipped_tool_has_sections_for_care_leavers_looked_after_and_child_protection():
    tool = parse_template(SHIPPED, "ofsted-default.yaml")
    assert len(applicable_sections(tool, "care-leaver")) > 7
    assert len(applicable_sections(tool, "looked-after")) == 8
    assert len(applicable_sections(tool, "child-protection")) == 8
    assert len(applicable_sections(tool, "early-help")) == 7


def test_a_minimal_template_parses_with_defaults():
    tool = parse_template(MINIMAL, "mini.yaml")
    assert isinstance(tool, AuditTool)
    assert tool.description == "" and tool.sections[0].questions[0].guidance == ""
    # A tool that names no kind or sources is a case file audit's, resting on the record review.
    assert tool.evidence_sources == list(CASE_FILE_SOURCES)
    assert (tool.audit_type, tool.required_evidence) == ("case-file", "record-review")


def test_applicable_sections_keep_the_tools_order_and_skip_other_cohorts():
    tool = parse_template(MINIMAL, "mini.yaml")
    assert [s.slug for s in applicable_sections(tool, "care-leaver")] == ["voice", "pathway"]
    for cohort in COHORT_SLUGS[1:]:
        assert [s.slug for s in applicable_sections(tool, cohort)] == ["voice"]
    with pytest.raises(ValueError, match="not a cohort"):
        applicable_sections(tool, "care leavers")


def test_an_unknown_key_is_rejected_with_its_line():
    text = edit("    title: Pathway plan\n", "    title: Pathway plan\n    titel: typo\n")
    assert problems(text) == [
        "mini.yaml line 25: sections.1.titel: unknown key (allowed here: slug, title, guidance, cohorts, "
        "questions)"
    ]


def test_an_unknown_top_level_key_is_rejected():
    assert problems(MINIMAL + "owner: QA team\n") == [
        "mini.yaml line 31: owner: unknown key (allowed here: slug, version, name, description, "
        "grade_scale, sections, audit_type, evidence_sources, required_evidence)"
    ]


@pytest.mark.parametrize(
    ("slug", "audit_type", "required", "partners"),
    [
        ("thematic-dip-sample", "thematic", "record-review", False),
        ("practice-observation", "practice-observation", "observation", False),
        ("management-oversight", "management-oversight", "record-review", False),
        ("multi-agency", "multi-agency", "record-review", True),
    ],
)
def test_every_kind_of_audit_ships_a_tool_on_the_ofsted_scale(slug, audit_type, required, partners):
    tool = parse_template(shipped_text(slug), f"{slug}.yaml")
    default = parse_template(SHIPPED, "ofsted-default.yaml")
    assert (tool.slug, tool.audit_type, tool.required_evidence) == (slug, audit_type, required)
    # Word for word the case file audit's scale, so that one stored scale serves every tool.
    assert tool.grade_scale == default.grade_scale
    partner_sources = {"health-partner", "education-partner", "police-partner", "other-partner"}
    assert bool(partner_sources & set(tool.evidence_sources)) is partners
    assert len(applicable_sections(tool, "early-help")) == len(tool.sections) >= 4


def test_the_default_tool_for_each_kind_is_shipped():
    assert set(DEFAULT_TOOLS) == set(AUDIT_TYPES)
    for slug in DEFAULT_TOOLS.values():
        assert parse_template(shipped_text(slug), f"{slug}.yaml").slug == slug


def test_a_required_source_the_tool_does_not_offer_is_refused_with_its_line():
    text = MINIMAL + "required_evidence: observation\n"
    assert problems(text) == [
        "mini.yaml line 1: evidence_sources: 'observation' must be one of the evidence sources: every audit "
        "on this tool rests on it (required_evidence)"
    ]


def test_an_unknown_key_in_a_grade_is_rejected():
    text = edit("      label: Good\n", "      label: Good\n      colour: green\n")
    assert problems(text) == [
        "mini.yaml line 14: grade_scale.grades.1.colour: unknown key (allowed here: slug, label, descriptor)"
    ]


def test_record_review_must_be_an_evidence_source():
    text = MINIMAL + "evidence_sources: [worker-interview, child-feedback]\n"
    [problem] = problems(text)
    assert problem.startswith("mini.yaml line 31: evidence_sources: 'record-review' must be one of")


def test_an_unknown_evidence_source_is_rejected():
    [problem] = problems(MINIMAL + "evidence_sources: [record-review, gut-feeling]\n")
    assert problem.startswith("mini.yaml line 31: evidence_sources.1: Input should be 'record-review'")
    assert "(got 'gut-feeling')" in problem


def test_a_cohort_must_be_a_cohort_slug():
    text = edit("cohorts: [care-leaver]", "cohorts: [care leavers]")
    assert problems(text) == [
        "mini.yaml line 26: sections.1.cohorts.0: 'care leavers' is not a cohort (did you mean "
        "care-leaver? use care-leaver, looked-after, child-protection, child-in-need, early-help)"
    ]


def test_an_empty_cohort_list_is_refused():
    [problem] = problems(edit("cohorts: [care-leaver]", "cohorts: []"))
    assert problem.startswith("mini.yaml line 26: sections.1.cohorts: List should have at least 1 item")


def test_a_section_slug_is_unique():
    text = edit("  - slug: pathway\n", "  - slug: voice\n")
    assert problems(text) == [
        "mini.yaml line 23: sections.1.slug: section 'voice' is used twice (items 0 and 1)"
    ]


def test_a_question_slug_is_unique_within_its_section():
    text = edit(
        "        kind: yes-no\n",
        "        kind: yes-no\n      - slug: seen\n        text: Again?\n        kind: text\n",
    )
    assert problems(text) == [
        "mini.yaml line 23: sections.0.questions.1.slug: question 'seen' is used twice (items 0 and 1)"
    ]


def test_a_grade_slug_is_unique():
    text = edit("    - slug: good\n", "    - slug: not-yet\n")
    assert problems(text) == [
        "mini.yaml line 12: grade_scale.grades.1.slug: grade 'not-yet' is used twice (items 0 and 1)"
    ]


def test_a_scale_has_at_least_two_grades():
    text = edit("    - slug: good\n      label: Good\n      descriptor: Practice is good.\n", "")
    [problem] = problems(text)
    assert problem.startswith("mini.yaml line 8: grade_scale.grades: List should have at least 2 items")


@pytest.mark.parametrize("value", ["'1'", "1.5", "one", "true"])
def test_a_version_is_a_whole_number(value):
    [problem] = problems(edit("version: 1\nname", f"version: {value}\nname"))
    assert problem.startswith("mini.yaml line 2: version: a version is a whole number from 1")


def test_a_version_starts_at_one():
    [problem] = problems(edit("version: 1\nname", "version: 0\nname"))
    assert problem == "mini.yaml line 2: version: Input should be greater than or equal to 1 (got 0)"


def test_a_question_kind_is_text_yes_no_or_date():
    [problem] = problems(edit("kind: date", "kind: number"))
    assert problem == (
        "mini.yaml line 30: sections.1.questions.0.kind: Input should be 'text', 'yes-no' or 'date' "
        "(got 'number')"
    )


def test_a_missing_key_names_the_mapping_it_is_missing_from():
    text = edit("    guidance: Is the plan live?\n", "")
    assert problems(text) == ["mini.yaml line 23: sections.1.guidance: this key is required but missing"]


def test_a_slug_is_lower_case_with_dashes():
    [problem] = problems(edit("  - slug: voice\n", "  - slug: Child's voice\n"))
    assert problem.startswith('mini.yaml line 16: sections.0.slug: "Child\'s voice" is not a slug')


def test_a_section_has_at_least_one_question():
    text = edit(
        "    questions:\n      - slug: reviewed\n        text: When was it reviewed?\n        kind: date\n",
        "    questions: []\n",
    )
    [problem] = problems(text)
    assert problem.startswith("mini.yaml line 27: sections.1.questions: List should have at least 1 item")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("", "empty"), ("- a\n- b\n", "a list"), ("just words\n", "a str"), ("42\n", "a int")],
)
def test_a_document_that_is_not_a_mapping_is_refused(text, kind):
    [problem] = problems(text)
    assert f"the document is {kind}: a template is a mapping of keys" in problem


def test_a_duplicate_key_is_refused_with_both_lines():
    text = edit("name: Mini tool\n", "name: Mini tool\nname: Another name\n")
    assert problems(text) == [
        "mini.yaml line 4: the key 'name' appears twice in the same mapping (first on line 3)"
    ]


def test_aliases_are_refused():
    text = MINIMAL.replace("guidance: Is the child heard?", "guidance: &g Is the child heard?").replace(
        "guidance: Is the plan live?", "guidance: *g"
    )
    assert problems(text) == ["mini.yaml line 25: aliases (*name) are not allowed in a template"]


def test_a_yaml_syntax_error_names_its_line():
    [problem] = problems(edit("cohorts: [care-leaver]", "cohorts: [care-leaver"))
    assert problem.startswith("mini.yaml line ") and "flow sequence" in problem


def test_more_than_one_document_is_refused():
    [problem] = problems(MINIMAL + "---\nslug: second\n")
    assert "expected a single document" in problem


def test_a_huge_document_is_refused_before_parsing():
    [problem] = problems("#" * (MAX_TEMPLATE_CHARS + 1))
    assert "too big for a template" in problem


def test_every_problem_is_reported_sorted_by_line():
    text = edit("version: 1\nname", "version: x\nname")
    text = edit("kind: date", "kind: number", text)
    found = problems(text)
    assert [p.split(":")[0] for p in found] == ["mini.yaml line 2", "mini.yaml line 30"]
    with pytest.raises(TemplateError) as caught:
        parse_template(text, "mini.yaml")
    assert str(caught.value) == "\n".join(found)
