"""The committee paper as plain data: sections of paragraphs, lists, facts, tables and a chart, in the order
the paper prints them. The HTML page, the PDF and the Word document are all drawn from one `Paper`, so the
three never say different things.

Aggregates only: nothing in a Paper names a child or a worker (issue 5, scope 4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from caseaudit.reports.charts import ImageFormat, kept_grade_chart
from caseaudit.reports.grades import GradeTable


@dataclass(frozen=True)
class Paragraphs:
    texts: tuple[str, ...]
    kind: Literal["paragraphs"] = "paragraphs"


@dataclass(frozen=True)
class Subheading:
    """A heading inside a section: one of the implications, say."""

    text: str
    kind: Literal["subheading"] = "subheading"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    kind: Literal["bullets"] = "bullets"


@dataclass(frozen=True)
class Facts:
    """Label and value pairs: a GOV.UK summary list on screen, a two-column table on paper."""

    pairs: tuple[tuple[str, str], ...]
    kind: Literal["facts"] = "facts"


@dataclass(frozen=True)
class Table:
    """A table with a caption, one header row and rows of text. The first `label_columns` cells of a row
    name it (row headers); the other cells are figures, aligned right unless `figures_numeric` is off."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    label_columns: int = 1
    figures_numeric: bool = True  # False for a table of words (the recommendations)
    kind: Literal["table"] = "table"

    def body(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Each row split into its labels and its figures, for templates."""
        return [(row[: self.label_columns], row[self.label_columns :]) for row in self.rows]

    @property
    def label_header(self) -> tuple[str, ...]:
        return self.header[: self.label_columns]

    @property
    def figure_header(self) -> tuple[str, ...]:
        return self.header[self.label_columns :]


@dataclass(frozen=True)
class Chart:
    """The stacked bar chart of a grade table; `alt` points at the table that says the same in text."""

    table: GradeTable
    caption: str
    alt: str
    kind: Literal["chart"] = "chart"


@dataclass(frozen=True)
class Recommendation:
    """A recommendation of the cycle's report, as the improvement tracker holds it (its owner, a person,
    stays out of the paper)."""

    description: str
    due_on: date
    status: str  # the status's label


Block = Paragraphs | Subheading | Bullets | Facts | Table | Chart


@dataclass(frozen=True)
class Section:
    slug: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass
class Paper:
    """Everything the committee paper says about one cycle."""

    title: str  # "Case file audit: Autumn 2021"
    cycle_name: str
    cycle_pk: int
    file_stem: str  # "paper-autumn-2021"
    issued_on: date
    grade_source: str  # "moderated" or "auditor"
    sections: list[Section]
    author: str = ""  # whose report it is, as its details say: a post ("Director of Children's Services")
    _charts: dict[tuple[int, str], bytes] = field(default_factory=dict, repr=False, compare=False)

    def section(self, slug: str) -> Section:
        return next(s for s in self.sections if s.slug == slug)

    def chart_image(self, chart: Chart, image_format: ImageFormat) -> bytes:
        """The chart's image, drawn once per format however many renderers ask for it."""
        key = (id(chart), image_format)
        if key not in self._charts:
            self._charts[key] = kept_grade_chart(chart.table, image_format=image_format)
        return self._charts[key]

    def texts(self) -> list[str]:
        """Every piece of text in the paper, for checks that nothing identifying slipped in."""
        found: list[str] = [self.title, self.cycle_name]
        for section in self.sections:
            found.append(section.heading)
            for block in section.blocks:
                found.extend(_block_texts(block))
        return found


def _block_texts(block: Block) -> Sequence[str]:
    if isinstance(block, Paragraphs):
        return block.texts
    if isinstance(block, Subheading):
        return [block.text]
    if isinstance(block, Bullets):
        return block.items
    if isinstance(block, Facts):
        return [text for pair in block.pairs for text in pair]
    if isinstance(block, Table):
        return [block.caption, *block.header, *(cell for row in block.rows for cell in row)]
    return [block.caption, block.alt]
