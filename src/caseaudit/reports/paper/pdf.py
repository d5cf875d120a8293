"""The committee paper as PDF: the standalone HTML document printed by WeasyPrint on A4, with page numbers,
table headers repeated on each page and rows never split.

Tagged PDF (PDF/UA-1): headings, tables and their headers, the document's language (en-GB) and title are
in the file's structure, for screen readers. WeasyPrint needs the pango libraries and a font (DejaVu Sans);
nothing is fetched: the chart is inside the HTML as a PNG data URI (a PNG rather than the SVG the screen
uses: WeasyPrint lays out a raster image in a fraction of the time it takes to draw the SVG's paths)."""

from __future__ import annotations

from .html import render_html
from .model import Paper

PDF_TYPE = "application/pdf"


def render_pdf(paper: Paper) -> bytes:
    """The paper as PDF bytes (tagged, PDF/UA-1)."""
    # Imported here: loading WeasyPrint takes a second or so, and only the PDF needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # No request leaves the app: everything the paper shows is inside its HTML, so only data: URIs load.
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    document = HTML(string=render_html(paper, image_format="png"), url_fetcher=fetcher, base_url=".")
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return pdf
