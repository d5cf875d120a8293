"""The committee paper as HTML: the page on screen (GOV.UK layout) and the standalone document that the PDF
is printed from and `caseaudit report paper --format html` writes. Both draw the same section templates."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from caseaudit.reports.charts import IMAGE_TYPES, ImageFormat

from .model import Block, Chart, Paper, Section

DOCUMENT_TEMPLATE = "reports/paper/document.html"
PAGE_TEMPLATE = "reports/paper.html"


@dataclass(frozen=True)
class ShownBlock:
    block: Block
    image: str = ""  # a chart's data URI

    @property
    def kind(self) -> str:
        return self.block.kind


@dataclass(frozen=True)
class ShownSection:
    slug: str
    heading: str
    blocks: list[ShownBlock]


def shown_sections(paper: Paper, image_format: ImageFormat) -> list[ShownSection]:
    """The paper's sections with each chart drawn as a data URI, ready for the templates."""
    return [_shown(paper, section, image_format) for section in paper.sections]


def _shown(paper: Paper, section: Section, image_format: ImageFormat) -> ShownSection:
    blocks = [
        ShownBlock(block, _data_uri(paper.chart_image(block, image_format), image_format))
        if isinstance(block, Chart)
        else ShownBlock(block)
        for block in section.blocks
    ]
    return ShownSection(section.slug, section.heading, blocks)


def _data_uri(image: bytes, image_format: ImageFormat) -> str:
    return f"data:{IMAGE_TYPES[image_format]};base64,{base64.b64encode(image).decode('ascii')}"


def document_context(paper: Paper, image_format: ImageFormat = "svg") -> dict[str, Any]:
    return {"paper": paper, "sections": shown_sections(paper, image_format)}


def render_html(paper: Paper, *, image_format: ImageFormat = "svg") -> str:
    """A standalone HTML document: its own styles, the chart inside it, nothing fetched."""
    return render_to_string(DOCUMENT_TEMPLATE, document_context(paper, image_format))
