"""The vectorised column parsers must agree with the per-value rules in caseaudit.core."""

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit.core.cohorts import parse_cohort
from caseaudit.core.dates import parse_date, parse_month
from caseaudit.readers.columns import (
    NO_SUCH_DAY,
    NOT_A_DATE,
    YEAR_OUT_OF_RANGE,
    cohort_column,
    date_columns,
    month_column,
)

date_texts = st.one_of(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [
                d.isoformat(),
                d.strftime("%d/%m/%Y"),
                f"{d.day}/{d.month}/{d.year}",
                f"{d.isoformat()} 00:00:00",
            ]
        )
    ),
    st.from_regex(r"\A\d{1,2}/\d{1,2}/\d{4}\Z"),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"),
    st.integers(0, 100_000).map(str),
    st.text(max_size=12),
)


def _core(text: str):
    try:
        return parse_date(text)
    except ValueError:
        return None


@settings(max_examples=300, deadline=None)
@given(st.lists(date_texts, min_size=1, max_size=30))
def test_date_column_agrees_with_parse_date(texts):
    texts = [t.strip() or None for t in texts]
    frame, reasons = date_columns(pl.DataFrame({"d": texts}, schema={"d": pl.Utf8}), ["d"])
    for i, text in enumerate(texts):
        expected = None if text is None else _core(text)
        assert frame["d"][i] == expected, text
        if text is not None and expected is None:
            assert reasons["d"][i] in (NO_SUCH_DAY, NOT_A_DATE, YEAR_OUT_OF_RANGE)


def test_impossible_day_and_nonsense_have_different_reasons():
    _, reasons = date_columns(pl.DataFrame({"d": ["31/02/2019", "soon", "2019-01-01"]}), ["d"])
    assert reasons["d"].to_list() == [NO_SUCH_DAY, NOT_A_DATE, None]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(date_texts, st.from_regex(r"\A\d{4}-\d{2}\Z")), min_size=1, max_size=20))
def test_month_column_agrees_with_parse_month(texts):
    texts = [t.strip() or None for t in texts]
    frame, _ = month_column(pl.DataFrame({"m": texts}, schema={"m": pl.Utf8}), "m")
    for i, text in enumerate(texts):
        try:
            expected = None if text is None else parse_month(text)
        except ValueError:
            expected = None
        assert frame["m"][i] == expected, text


@given(
    st.lists(
        st.one_of(st.sampled_from(["CLA", "care leaver", "CIN", "cp", "Early help"]), st.text(max_size=8))
    )
)
def test_cohort_column_agrees_with_parse_cohort(texts):
    parsed = pl.DataFrame({"c": texts}, schema={"c": pl.Utf8}).select(cohort_column(pl.col("c")))["c"]
    assert parsed.to_list() == [parse_cohort(t) for t in texts]
