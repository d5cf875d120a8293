"""What a list page's access-log entry says it showed."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from caseaudit.accounts.list_reads import OTHER_SEARCH, searched_for, shown


def test_a_list_on_one_page_is_counted_with_the_filters_that_are_set():
    assert shown("cases", 3, filters={"status": "open", "cohort": "", "team": None}) == "3 cases; status open"
    assert shown("concerns", 0) == "0 concerns"
    assert shown("audits", 1) == "1 audit"


def test_a_paged_list_says_which_page_and_how_many_rows_it_showed():
    page = Paginator(range(120), 50).get_page(3)
    assert shown("cases", 120, page=page, filters={"team": 4}) == "20 of 120 cases, page 3 of 3; team 4"


@pytest.mark.parametrize("text", ["N000001", "n0000", "AB-12/3", " S000001 "])
def test_a_search_by_child_unique_id_is_recorded(text):
    assert searched_for(text) == f'Child Unique ID "{text.strip()}"'


@pytest.mark.parametrize("text", ["Smith", "Jane Smith", "O'Brien", "Zoë 2", "=SUM(A1)"])
def test_a_search_that_could_be_a_name_is_recorded_without_its_words(text):
    assert searched_for(text) == OTHER_SEARCH


def test_no_search_is_no_words():
    assert searched_for("  ") == ""
