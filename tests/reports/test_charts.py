"""The committee's chart: a stacked bar per period, oldest first, worst grade at the bottom, labelled
"count (percent)", colour never the only cue, the same bytes for the same table."""

from __future__ import annotations

from datetime import date

import pytest

from caseaudit.core.grade_tables import grade_rows
from caseaudit.reports.charts import (
    GRADE_COLOURS,
    GRADE_HATCHES,
    chart_alt_text,
    chart_rows,
    contrast_ratio,
    grade_chart,
    grade_figure,
)
from caseaudit.reports.grades import GradeTable, _partial_year

COUNTS = {
    ("2021", "care-leaver"): {"requires-improvement": 2, "good": 7, "outstanding": 3},
    ("2020", "care-leaver"): {"inadequate": 1, "requires-improvement": 3, "good": 6, "outstanding": 2},
    ("2019", "care-leaver"): {"requires-improvement": 2, "good": 5, "outstanding": 6},
    ("2021", "early-help"): {"requires-improvement": 1, "good": 1},
}


def make_table(
    cohorts=("care-leaver", "early-help"), periods=("2021", "2020", "2019"), by="year"
) -> GradeTable:
    rows = grade_rows(COUNTS, periods=list(periods), cohorts=list(cohorts))
    return GradeTable(by, "moderated", list(periods), list(cohorts), rows, {})


def segment_labels(table: GradeTable, cohort: str = "all") -> list[str]:
    axes = grade_figure(table, cohort=cohort).axes[0]
    return [text.get_text() for text in axes.texts]


def test_periods_run_oldest_to_newest_and_all_cohorts_is_the_default():
    rows = chart_rows(make_table())
    assert [row.period for row in rows] == ["2019", "2020", "2021"]
    assert {row.cohort for row in rows} == {"all"}
    # A table of one cohort has no "all cohorts" row: its cohort's rows are drawn.
    single = chart_rows(make_table(cohorts=("care-leaver",)))
    assert [(row.period, row.cohort) for row in single] == [
        ("2019", "care-leaver"),
        ("2020", "care-leaver"),
        ("2021", "care-leaver"),
    ]


def test_segments_are_labelled_count_and_percent_as_the_table_prints_them():
    labels = segment_labels(make_table(), cohort="care-leaver")
    # 2019's care leavers (docs/domain.md#percentages): 2 (15%), 5 (39%), 6 (46%), nobody Inadequate.
    assert {"2 (15%)", "5 (39%)", "6 (46%)"} <= set(labels)
    assert labels[0] == "1 (8%)"  # the bottom segments first: 2020's one Inadequate
    assert "0 (0%)" not in labels  # nobody was Inadequate in 2019: no segment, no label
    assert {"n = 13, small", "n = 12, small"} <= set(labels)  # fewer than 20 audits: marked on the bar


def test_a_bar_whose_percentages_make_99_is_still_full_and_labelled_as_the_table_prints_it():
    # 2021, all cohorts: 0, 3, 8 and 3 of 14 print 21%, 57% and 21% (equal counts alike): 99.
    table = make_table()
    axes = grade_figure(table).axes[0]
    tops = {}
    for bar in axes.patches:
        x = round(bar.get_x() + bar.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), bar.get_y() + bar.get_height())
    assert tops[2] == pytest.approx(100)  # 2021, the third bar from the left
    labels = [text.get_text() for text in axes.texts]
    assert labels.count("3 (21%)") == 2 and "8 (57%)" in labels


def test_the_axes_title_and_legend_say_what_the_chart_shows():
    figure = grade_figure(make_table())
    axes = figure.axes[0]
    assert axes.get_title(loc="left") == "Audits by grade and year: all cohorts (moderated grades)"
    assert axes.get_xlabel() == "Year"
    assert axes.get_ylabel() == "Share of the period's audits (%)"
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2019", "2020", "2021"]
    legend = figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [
        "Inadequate",
        "Requires improvement",
        "Good",
        "Outstanding",
    ]


def test_colour_is_not_the_only_cue_and_labels_contrast_with_their_segments():
    # Every grade but one has its own hatch, and no two grades share one.
    hatches = list(GRADE_HATCHES.values())
    assert len(set(hatches)) == len(hatches)
    for colour in GRADE_COLOURS.values():
        best = max(contrast_ratio(colour, "#000000"), contrast_ratio(colour, "#ffffff"))
        assert best >= 4.5, colour  # WCAG 2.2 AA for text


def test_many_periods_get_two_line_labels():
    periods = [str(year) for year in range(2021, 2013, -1)]
    counts = {(p, "care-leaver"): {"good": 5, "outstanding": 5} for p in periods}
    rows = grade_rows(counts, periods=periods, cohorts=["care-leaver"])
    table = GradeTable("year", "moderated", periods, ["care-leaver"], rows, {})
    labels = [t.get_text() for t in grade_figure(table).axes[0].texts]
    assert "5\n(50%)" in labels


def test_output_is_deterministic_png_and_svg():
    table = make_table()
    png = grade_chart(table, image_format="png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert grade_chart(table, image_format="png") == png
    svg = grade_chart(table, image_format="svg")
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert grade_chart(table, image_format="svg") == svg
    assert b"<dc:date>" not in svg  # no date in the metadata
    assert GRADE_COLOURS["inadequate"].encode() in svg
    assert chart_alt_text(table).encode() in svg  # the SVG's title


def test_an_empty_table_still_draws_and_an_empty_period_says_so():
    empty = GradeTable("year", "moderated", [], [], [], {})
    assert grade_chart(empty, image_format="png").startswith(b"\x89PNG")
    table = make_table(cohorts=("early-help",))
    labels = segment_labels(table)
    assert labels.count("No audits") == 2  # 2019 and 2020 had no early help audits


def test_alt_text_points_at_the_table():
    assert chart_alt_text(make_table(by="cycle"), cohort="care-leaver") == (
        "Stacked bar chart of the share of audits at each grade by cycle, care leaver. The same figures are "
        "in the table of audits by cycle and cohort."
    )


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="svg' or 'png"):
        grade_chart(make_table(), image_format="gif")  # type: ignore[arg-type]


def test_the_svg_has_no_inline_style_for_the_content_security_policy_to_block():
    """Opened on its own, the chart is a page under the policy: its styles are presentation attributes."""
    from lxml import etree

    svg = grade_chart(make_table(), image_format="svg")
    assert b"<style" not in svg and b" style=" not in svg
    root = etree.fromstring(svg)  # still well-formed: no attribute written twice
    assert (root.get("stroke-linejoin"), root.get("stroke-linecap")) == ("round", "butt")
    assert f'fill="{GRADE_COLOURS["inadequate"]}"'.encode() in svg


def test_a_year_counted_part_of_the_way_says_so_under_its_bar():
    table = make_table()
    table.partial = {"2021": "to 30 Nov"}
    ticks = [tick.get_text() for tick in grade_figure(table).axes[0].get_xticklabels()]
    assert ticks == ["2019", "2020", "2021\n(to 30 Nov)"]


def test_the_paper_marks_its_last_year_to_the_cycles_end_and_the_reports_page_the_year_so_far():
    assert _partial_year(["2021", "2020"], date(2021, 11, 30)) == {"2021": "to 30 Nov"}
    assert _partial_year(["2021", "2020"], date(2021, 12, 31)) == {}  # the whole year
    assert _partial_year(["2020"], date(2021, 11, 30)) == {}  # no audit in the part year
    this_year = str(date.today().year)
    assert _partial_year([this_year], None) in ({this_year: "so far"}, {})  # {} only on 31 December
