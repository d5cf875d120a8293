"""Audit tools (templates) and grade scales as versioned data: a YAML document, validated strictly.

An audit tool is the form an auditor fills in: sections, each graded with evidence and analysis, with
questions and guidance; which cohorts a section applies to; the grade scale, with its own version; the
evidence sources an auditor may record (docs/domain.md#audit-tool, #grades and #evidence-sources). Scales and
tools change (Ofsted's 2026 and 2027 frameworks, Signs of Safety scales), so they are data, never code
(CONTRIBUTING.md, convention 4). Unknown keys are rejected, and every problem is
reported with the file and the line it is on, so the person editing the YAML can find it.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .audit_types import CASE_FILE, AuditType
from .cohorts import COHORT_SLUGS, parse_cohort

# A template is a page or two of text; anything far bigger is a mistake or an attack.
MAX_TEMPLATE_CHARS = 1_000_000

# docs/domain.md#evidence-sources. A case file audit starts from the record review; a practice observation
# from the observation itself; a multi-agency audit adds what each partner contributed.
EvidenceSource = Literal[
    "record-review",
    "worker-interview",
    "manager-discussion",
    "child-feedback",
    "carer-feedback",
    "observation",
    "worker-reflection",
    "health-partner",
    "education-partner",
    "police-partner",
    "other-partner",
]
EVIDENCE_SOURCES: tuple[EvidenceSource, ...] = typing.get_args(EvidenceSource)
# A tool that lists no sources offers the case file audit's five.
CASE_FILE_SOURCES: tuple[EvidenceSource, ...] = EVIDENCE_SOURCES[:5]
REQUIRED_EVIDENCE_SOURCE: EvidenceSource = "record-review"

QuestionKind = Literal["text", "yes-no", "date"]
QUESTION_KINDS: tuple[QuestionKind, ...] = typing.get_args(QuestionKind)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TemplateError(ValueError):
    """A template that cannot be loaded: every problem found, each with its file, line and key."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None  # 1-based; None when the problem is not tied to a line (an empty file, say)
    path: str  # the key's place in the document, e.g. "sections.2.cohorts.0"; "" for the whole document
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source} line {self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class _At(ValueError):
    """A validation error about an item inside the value being validated (the second section with the
    same slug, say), so that the error names that item's line, not the list's."""

    def __init__(self, message: str, *at: str | int) -> None:
        super().__init__(message)
        self.at = at


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a slug: use lower-case letters, digits and single dashes, "
            "such as 'childs-voice'"
        )
    return value


def _cohort(value: str) -> str:
    if value not in COHORT_SLUGS:
        guess = parse_cohort(value)
        hint = f"did you mean {guess}? " if guess else ""
        raise ValueError(f"{value!r} is not a cohort ({hint}use {', '.join(COHORT_SLUGS)})")
    return value


def _unique(items: list[Any], what: str, key: str = "slug") -> list[Any]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        value = item if isinstance(item, str) else getattr(item, key)
        if value in seen:
            where = (index,) if isinstance(item, str) else (index, key)
            raise _At(f"{what} {value!r} is used twice (items {seen[value]} and {index})", *where)
        seen[value] = index
    return items


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
Slug = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60), AfterValidator(_slug)]
# An audit stores the grade slug in a 40-character field.
GradeSlug = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), AfterValidator(_slug)]
CohortSlug = Annotated[str, AfterValidator(_cohort)]
# "1" or 1.0 is a typing slip, not a version: versions are whole numbers from 1.
Version = Annotated[int, Field(strict=True, ge=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Grade(_Strict):
    """One point of a scale, with the descriptor auditors see beside it (docs/domain.md#grade-descriptors)."""

    slug: GradeSlug
    label: Text
    descriptor: Text


def _grades_rule(grades: list[Grade]) -> list[Grade]:
    return _unique(grades, "grade")


class GradeScale(_Strict):
    """A versioned grade scale, worst grade first (docs/domain.md#grades). A scale of one grade grades
    nothing, so a scale has at least two."""

    slug: Slug
    version: Version
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    grades: Annotated[list[Grade], Field(min_length=2), AfterValidator(_grades_rule)]

    @property
    def slugs(self) -> list[str]:
        return [grade.slug for grade in self.grades]


class Question(_Strict):
    """A prompt inside a section: free text, a yes/no answer, or a date (a date of the last visit, say)."""

    slug: Slug
    text: Text
    guidance: OptionalText = ""
    kind: QuestionKind


def _questions_rule(questions: list[Question]) -> list[Question]:
    return _unique(questions, "question")


def _cohorts_rule(cohorts: list[str]) -> list[str]:
    return _unique(cohorts, "cohort")


class Section(_Strict):
    """A part of the tool that gets its own grade, evidence and analysis (docs/domain.md#sections).
    `cohorts` limits it to some cohorts (the care leaver sections, say); absent, it applies to
    every case."""

    slug: Slug
    title: Text
    guidance: Text
    # Left out: every cohort. An empty list would apply to no case at all, so it is refused.
    cohorts: Annotated[list[CohortSlug], Field(min_length=1), AfterValidator(_cohorts_rule)] | None = None
    questions: Annotated[list[Question], Field(min_length=1), AfterValidator(_questions_rule)]

    def applies_to(self, cohort: str) -> bool:
        return self.cohorts is None or cohort in self.cohorts


def _sections_rule(sections: list[Section]) -> list[Section]:
    return _unique(sections, "section")


def _evidence_rule(sources: list[str]) -> list[str]:
    return _unique(sources, "evidence source")


class AuditTool(_Strict):
    """A versioned audit tool: what an audit started on it asks, and the scale its grades are on."""

    slug: Slug
    version: Version
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: OptionalText = ""
    grade_scale: GradeScale
    sections: Annotated[list[Section], Field(min_length=1), AfterValidator(_sections_rule)]
    # The kind of audit the tool is for (core.audit_types): a cycle of that kind offers it.
    audit_type: AuditType = CASE_FILE
    evidence_sources: Annotated[list[EvidenceSource], AfterValidator(_evidence_rule)] = Field(
        default_factory=lambda: list(CASE_FILE_SOURCES)
    )
    # The source every audit on this tool rests on, without which it cannot be submitted: the review of
    # the case record for a case file audit, the observation itself for a practice observation.
    required_evidence: EvidenceSource = REQUIRED_EVIDENCE_SOURCE

    @model_validator(mode="after")
    def _requires_a_listed_source(self) -> AuditTool:
        if self.required_evidence not in self.evidence_sources:
            raise _At(
                f"{self.required_evidence!r} must be one of the evidence sources: every audit on this tool "
                "rests on it (required_evidence)",
                "evidence_sources",
            )
        return self

    def section(self, slug: str) -> Section:
        return next(s for s in self.sections if s.slug == slug)


def applicable_sections(tool: AuditTool, cohort: str) -> list[Section]:
    """The sections an audit of a case in `cohort` must complete, in the tool's order: those with no
    cohorts, and those naming the cohort (docs/domain.md#sections: cohort
    sections, such as the care leaver ones)."""
    if cohort not in COHORT_SLUGS:
        raise ValueError(f"{cohort!r} is not a cohort (use {', '.join(COHORT_SLUGS)})")
    return [section for section in tool.sections if section.applies_to(cohort)]


def parse_template(text: str, source: str) -> AuditTool:
    """Parse and validate a template document. Raises TemplateError naming `source`, the line and the key
    of every problem: YAML syntax, duplicate keys, aliases, and every validation rule. Cross-item rules
    (unique slugs, say) run once the items themselves are valid, so a second attempt may find more."""
    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateError(
            [Problem(source, None, "", f"is too big for a template ({len(text):,} characters)")]
        )
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        _check_nodes(root, source)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = ": ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        raise TemplateError([Problem(source, mark.line + 1 if mark else None, "", message)]) from None
    except yaml.YAMLError as exc:
        raise TemplateError([Problem(source, None, "", f"is not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or root is None:
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise TemplateError(
            [
                Problem(
                    source,
                    root.start_mark.line + 1 if root is not None else None,
                    "",
                    f"the document is {kind}: a template is a mapping of keys "
                    f"({', '.join(AuditTool.model_fields)})",
                )
            ]
        )
    try:
        return AuditTool.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error, root, source) for error in exc.errors()]
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise TemplateError(problems) from None


class _Loader(yaml.SafeLoader):
    """yaml.safe_load's loader, refusing aliases: a few of them nested can make a small file expand into
    an enormous document, and a template has no need of them."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a template", event.start_mark
            )
        return super().compose_node(parent, index)


def _check_nodes(root: yaml.Node | None, source: str) -> None:
    """Refuse duplicate keys: YAML would keep the last one silently, and the author meant one of them."""
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys: dict[object, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        raise TemplateError(
                            [
                                Problem(
                                    source,
                                    key.start_mark.line + 1,
                                    "",
                                    f"the key {key.value!r} appears twice in the same mapping "
                                    f"(first on line {keys[key.value]})",
                                )
                            ]
                        )
                    keys[key.value] = key.start_mark.line + 1
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _problem(error: Any, root: yaml.Node, source: str) -> Problem:
    loc: tuple[str | int, ...] = tuple(error["loc"])
    original = error.get("ctx", {}).get("error")
    if isinstance(original, _At):
        loc = (*loc, *original.at)
    return Problem(
        source, _line_of(root, loc), ".".join(str(part) for part in loc), _message(error, loc, original)
    )


def _message(error: Any, loc: tuple[str | int, ...], original: object) -> str:
    kind = error["type"]
    if kind == "value_error" and original is not None:
        return str(original)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        return "unknown key" + (f" (allowed here: {', '.join(allowed)})" if allowed else "")
    if kind == "missing":
        return "this key is required but missing"
    if kind == "int_type" and loc and loc[-1] == "version":
        return f"a version is a whole number from 1, such as 2, without quotes (got {error.get('input')!r})"
    value = error.get("input")
    got = f" (got {value!r})" if isinstance(value, str | int | float | bool) or value is None else ""
    return f"{error['msg']}{got}"


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The keys the model at `loc` accepts, to list beside an unknown key."""
    target: Any = AuditTool
    for part in loc:
        target = _unwrap(target)
        if isinstance(part, int):
            args = typing.get_args(target)
            target = args[0] if args else None
        elif isinstance(target, type) and issubclass(target, BaseModel) and part in target.model_fields:
            target = target.model_fields[part].annotation
        else:
            return []
    target = _unwrap(target)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return list(target.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """list[Section] | None -> list[Section]; Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation


def _line_of(root: yaml.Node, loc: tuple[str | int, ...]) -> int:
    """The 1-based line of the deepest part of `loc` found in the YAML: the key for a mapping entry, the
    item for a list entry; for a missing key, the mapping it is missing from."""
    line = root.start_mark.line
    for node_line in _walk(root, loc):
        line = node_line
    return line + 1


def _walk(node: yaml.Node, loc: tuple[str | int, ...]) -> Iterator[int]:
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next(
                ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None
            )
            if match is None:
                return
            yield match[0].start_mark.line
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            yield node.start_mark.line
        else:
            return
