"""The committee paper as a Word document, for the QA lead to edit before it goes to committee: real
headings, real Word tables (header rows repeated on each page, rows never split), the chart as a picture
with alternative text, A4 pages numbered in the footer, document language en-GB.

Drawn from the same `Paper` as the HTML and PDF, so the three say the same things."""

from __future__ import annotations

import io
from datetime import datetime, time

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as WordTable

from .model import Bullets, Chart, Facts, Paper, Paragraphs, Subheading, Table
from .words import long_date

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "en-GB"


def render_docx(paper: Paper) -> bytes:
    """The paper as .docx bytes."""
    document = Document()
    _set_up(document, paper)
    _title_page(document, paper)
    _contents(document)
    for section in paper.sections:
        document.add_heading(section.heading, level=1)
        for block in section.blocks:
            if isinstance(block, Paragraphs):
                for text in block.texts:
                    document.add_paragraph(text)
            elif isinstance(block, Subheading):
                document.add_heading(block.text, level=2)
            elif isinstance(block, Bullets):
                for item in block.items:
                    document.add_paragraph(item, style="List Bullet")
            elif isinstance(block, Facts):
                _table(document, None, ("", ""), block.pairs, label_columns=1, numeric=False, head=False)
            elif isinstance(block, Table):
                _table(
                    document,
                    block.caption,
                    block.header,
                    block.rows,
                    label_columns=block.label_columns,
                    numeric=block.figures_numeric,
                )
            elif isinstance(block, Chart):
                _chart(document, paper, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document: WordDocument, paper: Paper) -> None:
    properties = document.core_properties
    properties.title = paper.title
    properties.subject = f"Committee paper: case file audit, {paper.cycle_name}"
    properties.language = LANGUAGE
    # The post whose report it is, as the paper's details give it; python-docx would otherwise sign it
    # "python-docx".
    properties.author = paper.author
    properties.last_modified_by = ""
    properties.comments = ""
    issued = datetime.combine(paper.issued_on, time())
    properties.created = properties.modified = issued
    properties.revision = 1

    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    # The language of every run, unless a run says otherwise: spelling and screen readers use it.
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        r_pr = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
        if r_pr is not None:
            lang = r_pr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                r_pr.append(lang)
            for attribute in ("w:val", "w:eastAsia", "w:bidi"):
                lang.set(qn(attribute), LANGUAGE)

    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _field(footer, "PAGE")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES")


def _field(paragraph: object, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)  # type: ignore[attr-defined]


def _title_page(document: WordDocument, paper: Paper) -> None:
    kicker = document.add_paragraph("Committee paper")
    kicker.paragraph_format.space_before = Pt(120)
    document.add_heading(paper.title, level=0)
    document.add_paragraph(long_date(paper.issued_on))
    document.add_paragraph("Counts and percentages only: this paper names no child and no member of staff.")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


_AFTER_UPDATE_FIELDS = {
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
}  # fmt: skip


def _contents(document: WordDocument) -> None:
    """A table of contents of the sections and their subheadings: a Word field, which Word fills in when
    the document opens (updateFields) and the clerk can update after restyling or editing."""
    title = document.add_paragraph()
    title.add_run("Contents").bold = True
    paragraph = document.add_paragraph()
    for kind, text in (("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None)):
        run = OxmlElement("w:r")
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run.append(instr)
        paragraph._p.append(run)
    paragraph.add_run("The contents are filled in when the document is opened in Word.")
    end = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end.append(char)
    paragraph._p.append(end)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    # Word reads its settings in the schema's order: updateFields comes before these.
    settings = document.settings.element
    after = next((child for child in settings if child.tag.split("}")[-1] in _AFTER_UPDATE_FIELDS), None)
    if after is None:
        settings.append(update)
    else:
        after.addprevious(update)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _table(
    document: WordDocument,
    caption: str | None,
    header: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...],
    *,
    label_columns: int,
    numeric: bool,
    head: bool = True,
) -> WordTable:
    if caption:
        title = document.add_paragraph(caption, style="Caption")
        title.paragraph_format.keep_with_next = True
    table = document.add_table(rows=0, cols=len(header), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    if head:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
        _mark_header_row(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(text)
            if index < label_columns:
                run.bold = not head or index == 0
            elif numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        _keep_row_together(row)
    document.add_paragraph()
    return table


def _mark_header_row(row: object) -> None:
    """Repeat the row at the top of each page, and mark it as the table's header for screen readers."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _keep_row_together(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)


def _chart(document: WordDocument, paper: Paper, chart: Chart) -> None:
    image = paper.chart_image(chart, "png")
    document.add_picture(io.BytesIO(image), width=Cm(16.5))
    picture = document.inline_shapes[-1]
    # Alternative text, as Word's "Alt Text" pane writes it.
    doc_pr = picture._inline.docPr
    doc_pr.set("descr", chart.alt)
    doc_pr.set("title", chart.caption)
    document.add_paragraph(chart.caption, style="Caption")
