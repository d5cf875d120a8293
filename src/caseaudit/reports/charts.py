"""The committee's chart: a stacked bar per period (oldest on the left), each bar split by grade, worst at the
bottom, as percentages of the period's audits that add up to 100, with each segment labelled "count (percent)"
as the table prints it.

Percentages rather than counts, because periods with different numbers of audits are compared at a glance;
the count in each label and "n = 13" above each bar keep the size of the sample in view ("n = 6, small"
below 20 audits). The labels' percentages are the table's own (core.grade_tables), so the chart and the
table never disagree by a point; the segments are drawn to the exact shares, so every bar is full.

Accessible: colours from ColorBrewer's RdBu scheme (safe for the common forms of colour blindness), a hatch
pattern per grade and direct labels so that colour is never the only cue, and label text in black or white,
whichever contrasts more with its segment. The table beside the chart is its text alternative.

Drawn with matplotlib's Agg canvas and its bundled DejaVu Sans font: no display, no internet, no system font.
Output is deterministic (a fixed SVG hash salt, no dates in the metadata) so that the same table gives the
same bytes."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from caseaudit.core.grade_tables import ALL_COHORTS, GradeRow
from caseaudit.kept import cache_key, kept

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

from .grades import GRADE_LABELS, GradeTable, cohort_label

ImageFormat = Literal["svg", "png"]
IMAGE_TYPES: dict[str, str] = {"svg": "image/svg+xml", "png": "image/png"}

# Worst to best: ColorBrewer RdBu (4 classes), rated colour-blind safe; dark, light, light, dark, so that
# neighbouring grades also differ in lightness.
GRADE_COLOURS: dict[str, str] = {
    "inadequate": "#ca0020",
    "requires-improvement": "#f4a582",
    "good": "#92c5de",
    "outstanding": "#0571b0",
}
GRADE_HATCHES: dict[str, str] = {
    "inadequate": "xx",
    "requires-improvement": "//",
    "good": "..",
    "outstanding": "",
}
FALLBACK_COLOURS = ("#666666", "#999999", "#bbbbbb", "#dddddd")
PNG_DPI = 150
# Below these shares a label does not fit inside its segment (one line, or two for narrow bars): the table
# still gives the figure.
MIN_SHARE_ONE_LINE = 5
MIN_SHARE_TWO_LINES = 9
RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "caseaudit",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "hatch.linewidth": 0.8,
}
# More periods than this and "13 (46%)" no longer fits across a bar: the label takes two lines.
WIDE_BAR_PERIODS = 6


def chart_alt_text(table: GradeTable, *, cohort: str = ALL_COHORTS) -> str:
    """The img alt text on screen: what the chart shows, and where the same figures are in words."""
    period = "year" if table.by == "year" else "cycle"
    return (
        f"Stacked bar chart of the share of audits at each grade by {period}, "
        f"{cohort_label(cohort).lower()}. The same figures are in the table of audits by {period} and cohort."
    )


def chart_rows(table: GradeTable, cohort: str = ALL_COHORTS) -> list[GradeRow]:
    """The rows the chart draws, oldest period first. A table of one cohort has no "all cohorts" row: its
    cohort's rows stand for all."""
    wanted = cohort
    if cohort == ALL_COHORTS and len(table.cohorts) == 1:
        wanted = table.cohorts[0]
    rows = [row for row in table.rows if row.cohort == wanted]
    return list(reversed(rows))


def grade_chart(table: GradeTable, *, cohort: str = ALL_COHORTS, image_format: ImageFormat = "png") -> bytes:
    """The stacked bar chart of `table` for one cohort (or all cohorts), as SVG or PNG bytes."""
    if image_format not in IMAGE_TYPES:
        raise ValueError(f"image_format is 'svg' or 'png', not {image_format!r}")
    title = chart_alt_text(table, cohort=cohort)
    with rc_context(RC):
        figure = grade_figure(table, cohort=cohort)
        buffer = io.BytesIO()
        if image_format == "svg":
            figure.savefig(buffer, format="svg", metadata={"Title": title, "Date": None, "Creator": None})
            return without_inline_styles(buffer.getvalue())
        figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Title": title, "Software": None})
    return buffer.getvalue()


_STYLE_ELEMENT = re.compile(rb"<style[^>]*>(.*?)</style>\s*", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(rb' style="([^"]*)"')
_DECLARATION = re.compile(rb"\s*([a-z-]+)\s*:\s*([^;]+?)\s*(?:;|$)")


def without_inline_styles(svg: bytes) -> bytes:
    """Matplotlib's SVG with its styles as presentation attributes (`fill="#fff"` for `style="fill: #fff"`):
    opened on its own (reports:chart), the SVG is a page under the Content Security Policy, which blocks
    style attributes and <style> elements. Matplotlib writes only properties that have a presentation
    attribute; its one rule, `*{stroke-linejoin: round; stroke-linecap: butt}`, is inherited from the root
    instead, where an element's own attribute still wins, as its style attribute did over the rule."""
    rules = _STYLE_ELEMENT.search(svg)
    svg = _STYLE_ELEMENT.sub(b"", svg, count=1)
    if rules:
        root = _attributes(rules.group(1).strip().removeprefix(b"*{").removesuffix(b"}"))
        svg = svg.replace(b"<svg ", b"<svg " + root + b" ", 1)
    return _STYLE_ATTRIBUTE.sub(lambda match: b" " + _attributes(match.group(1)), svg)


def _attributes(declarations: bytes) -> bytes:
    return b" ".join(name + b'="' + value + b'"' for name, value in _DECLARATION.findall(declarations))


def grade_figure(table: GradeTable, *, cohort: str = ALL_COHORTS) -> Figure:
    """The chart as a matplotlib Figure (on an Agg canvas), before it is saved."""
    with rc_context(RC):
        return _draw(table, chart_rows(table, cohort), cohort)


def _draw(table: GradeTable, rows: Sequence[GradeRow], cohort: str) -> Figure:
    figure = Figure(figsize=(8, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    period_word = "Year" if table.by == "year" else "Cycle"
    source = "moderated grades" if table.grade_source == "moderated" else "auditors' grades"
    axes.set_title(
        f"Audits by grade and {period_word.lower()}: {cohort_label(cohort).lower()} ({source})",
        fontsize=11,
        loc="left",
    )
    axes.set_xlabel(period_word)
    axes.set_ylabel("Share of the period's audits (%)")
    axes.set_ylim(0, 108)
    axes.set_yticks(range(0, 101, 20))
    axes.spines[["top", "right"]].set_visible(False)
    if not rows:
        axes.set_xticks([])
        axes.text(0.5, 0.5, "No graded audits to show", ha="center", va="center", transform=axes.transAxes)
        return figure

    grades = rows[0].grades
    positions = list(range(len(rows)))
    two_lines = len(rows) > WIDE_BAR_PERIODS
    bottoms: list[float] = [0.0] * len(rows)
    for index, grade in enumerate(grades):
        colour = GRADE_COLOURS.get(grade, FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)])
        ink = _text_colour(colour)
        # Each segment as tall as its exact share, so every bar reaches 100 even where the printed whole
        # percentages of equal counts make 99 or 101; its label is the table's percentage.
        heights = [100 * row.counts[index] / row.total if row.total else 0 for row in rows]
        shares = [(row.percentages or (0,) * len(grades))[index] for row in rows]
        axes.bar(
            positions,
            heights,
            width=0.7,
            bottom=bottoms,
            color=colour,
            hatch=GRADE_HATCHES.get(grade, ""),
            hatchcolor=_hatch_colour(ink),
            edgecolor="white",
            linewidth=1.2,
            label=GRADE_LABELS.get(grade, grade),
        )
        for position, row, bottom, height, share in zip(
            positions, rows, bottoms, heights, shares, strict=True
        ):
            if share >= (MIN_SHARE_TWO_LINES if two_lines else MIN_SHARE_ONE_LINE):
                count = row.counts[index]
                text = f"{count}\n({share}%)" if two_lines else f"{count} ({share}%)"
                axes.text(
                    position,
                    bottom + height / 2,
                    text,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=ink,
                    linespacing=1.0,
                    # A patch of the segment's own colour under the label, so the hatch never crosses it.
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": colour, "edgecolor": "none"},
                )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for position, row in zip(positions, rows, strict=True):
        # A small period is marked on the chart itself, not only in the caveats.
        small = ("\n" if two_lines else ", ") + "small" if row.is_small else ""
        label = f"n = {row.total}{small}" if row.total else "No audits"
        axes.text(position, 101.5 if row.total else 2, label, ha="center", va="bottom", fontsize=8)
    # A year counted part of the way says so under its bar: "2025 (to 30 Nov)", "2026 (so far)".
    ticks = [
        f"{row.period}\n({table.partial[row.period]})" if row.period in table.partial else row.period
        for row in rows
    ]
    axes.set_xticks(positions, ticks, rotation=30 if two_lines else 0)
    handles = [
        Patch(
            facecolor=GRADE_COLOURS.get(g, FALLBACK_COLOURS[i % len(FALLBACK_COLOURS)]),
            hatch=GRADE_HATCHES.get(g, ""),
            hatchcolor=_hatch_colour(_text_colour(GRADE_COLOURS.get(g, "#999999"))),
            edgecolor="white",
            label=GRADE_LABELS.get(g, g),
        )
        for i, g in enumerate(grades)
    ]
    # Worst to best, left to right, as the table's columns read.
    figure.legend(handles=handles, loc="outside lower center", ncols=len(grades), frameon=False)
    return figure


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.2, "relative luminance") of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2 contrast ratio between two #rrggbb colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _text_colour(background: str) -> str:
    return max(("#000000", "#ffffff"), key=lambda ink: contrast_ratio(ink, background))


def _hatch_colour(ink: str) -> str:
    # The hatch in the label's ink, faded, so it reads as texture rather than competing with the label.
    return ink + "66"


def kept_grade_chart(
    table: GradeTable, *, cohort: str = ALL_COHORTS, image_format: ImageFormat = "png"
) -> bytes:
    """`grade_chart`, kept (caseaudit.kept) under what the chart shows: drawing takes half a second, so it is
    drawn once for every process of the service, and again only when its figures change."""
    return kept(
        cache_key("grade-chart", image_format, cohort, repr(table)),
        lambda: grade_chart(table, cohort=cohort, image_format=image_format),
        dump=bytes,
        load=bytes,
    )
