"""Planning a cycle from the web (cycles:plan): the form, then a draft made by the real actions."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from caseaudit.accounts.models import ChangeEvent
from caseaudit.audits.models import SelectionReason
from caseaudit.cases.models import Case
from caseaudit.cycles.models import Cycle, CycleStatus
from caseaudit.cycles.planning import propose_cycle

from .builders import make_cycle

PLAN = reverse("cycles:plan")
AUTUMN = {"season": "autumn", "year": "2027", "fraction": "0.5"}


def test_the_form_offers_a_half_sample_by_default(qa_client, register):
    response = qa_client.get(PLAN)
    assert response.status_code == 200
    text = response.text
    assert "Plan an audit cycle" in text
    assert 'name="fraction" type="text" value="0.5"' in text
    assert 'name="size" type="text" value=""' in text
    # Custom dates are always on the form: GOV.UK Frontend's conditional reveal fails the axe check.
    assert 'name="starts_on_0"' in text
    assert "data-aria-controls" not in text


def test_planning_makes_a_draft_with_the_focus_cohort_first(qa_client, register, personas):
    reason = "Care leavers' services are to be inspected in the spring"
    response = qa_client.post(PLAN, {**AUTUMN, "focus": "care-leaver", "focus_reason": reason, "seed": "42"})
    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:detail", args=[cycle.pk])
    assert (cycle.name, cycle.status, cycle.seed, cycle.fraction) == (
        "Autumn 2027",
        CycleStatus.DRAFT,
        42,
        0.5,
    )
    assert (cycle.starts_on, cycle.ends_on, cycle.focus_cohort) == (
        date(2027, 10, 1),
        date(2027, 11, 30),
        "care-leaver",
    )
    assert cycle.focus_reason == reason
    assert cycle.created_by == personas.qa_lead
    audits = cycle.audits.select_related("case")
    assert audits.count() == 11  # half of 22 open cases
    focus = [a for a in audits if a.case.cohort == "care-leaver"]
    assert len(focus) == 7 and all(a.reason == SelectionReason.FOCUS_COHORT for a in focus)
    assert ChangeEvent.objects.filter(
        event="cycle.planned", actor=personas.qa_lead, subject_type="cycle", subject_id=str(cycle.pk)
    ).exists()
    page = qa_client.get(response["Location"])
    assert "Autumn 2027 is a draft with 11 cases" in page.text
    assert "Care leaver: Care leavers&#x27; services are to be inspected in the spring" in page.text


def test_a_blank_seed_is_drawn_and_stored(qa_client, register):
    # (The seed column cannot be null, so "a seed is stored" alone would always hold.)
    qa_client.post(PLAN, AUTUMN)
    first = Cycle.objects.get()
    assert 0 <= first.seed < 2**31
    # The stored seed is the one the sample was drawn with: it gives the same sample again.
    again = propose_cycle(season="autumn", year=2027, fraction=0.5, seed=first.seed)
    assert sorted(p.case_id for p in again.picks) == sorted(first.audits.values_list("case_id", flat=True))
    # And a new plan draws a new one.
    qa_client.post(reverse("cycles:discard", args=[first.pk]))
    qa_client.post(PLAN, AUTUMN)
    assert Cycle.objects.get().seed != first.seed


def test_a_number_of_cases_and_custom_dates(qa_client, register):
    response = qa_client.post(
        PLAN,
        {
            "season": "custom",
            "starts_on_0": "1",
            "starts_on_1": "9",
            "starts_on_2": "2027",
            "ends_on_0": "31",
            "ends_on_1": "10",
            "ends_on_2": "2027",
            "name": "Care leavers before inspection",
            "size": "5",
            "fraction": "0.5",
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get()
    assert (cycle.name, cycle.season, cycle.year) == ("Care leavers before inspection", "custom", 2027)
    assert (cycle.starts_on, cycle.ends_on, cycle.size, cycle.fraction) == (
        date(2027, 9, 1),
        date(2027, 10, 31),
        5,
        None,
    )
    assert cycle.audits.count() == 5


@pytest.mark.parametrize(
    ("data", "message", "link"),
    [
        ({"year": "2027", "fraction": "0.5"}, "Select when the cycle is", "id_season"),
        ({**AUTUMN, "year": ""}, "Enter the year of the cycle, like 2026", "id_year"),
        ({**AUTUMN, "year": "twenty"}, "Year must be a number, like 2026", "id_year"),
        (
            {**AUTUMN, "fraction": "1.5"},
            "Fraction must be a number above 0 and at most 1, like 0.5",
            "id_fraction",
        ),
        ({**AUTUMN, "fraction": "half"}, "Fraction must be a number, like 0.5", "id_fraction"),
        (
            {**AUTUMN, "fraction": ""},
            "Enter the fraction of open cases, like 0.5, or a number of cases",
            "id_fraction",
        ),
        ({**AUTUMN, "size": "0"}, "Number of cases must be 1 or more", "id_size"),
        (
            {**AUTUMN, "starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "2027"},
            "Start date is only for custom dates: clear it, or choose custom dates",
            "id_starts_on_0",
        ),
        ({**AUTUMN, "seed": "-1"}, "Random seed must be 0 or more", "id_seed"),
        ({**AUTUMN, "focus": "nonsense"}, "Select a cohort from the list", "id_focus"),
        ({**AUTUMN, "focus": "care-leaver"}, "Enter why this cohort is the focus", "id_focus_reason"),
        (
            {**AUTUMN, "focus_reason": "Inspection"},
            "Select the focus cohort, or clear why this focus cohort",
            "id_focus",
        ),
        ({**AUTUMN, "season": "custom"}, "Enter the start date of the cycle", "id_starts_on_0"),
        (
            {**AUTUMN, "season": "custom", "starts_on_0": "31", "starts_on_1": "2", "starts_on_2": "2027"},
            "Start date must be a real date",
            "id_starts_on_0",
        ),
        (
            {**AUTUMN, "season": "custom", "starts_on_0": "1", "starts_on_2": "2027"},
            "Start date must include a month",
            "id_starts_on_0",
        ),
        (
            {
                **AUTUMN,
                "season": "custom",
                **{"starts_on_0": "1", "starts_on_1": "9", "starts_on_2": "2027"},
                **{"ends_on_0": "1", "ends_on_1": "8", "ends_on_2": "2027"},
            },
            "End date must be the same as or after the start date",
            "id_ends_on_0",
        ),
    ],
)
def test_what_was_typed_is_checked(qa_client, register, data, message, link):
    response = qa_client.post(PLAN, data)
    assert response.status_code == 200
    assert f'<a href="#{link}">{message}</a>' in response.text
    assert response.text.count("<title>Error: ") == 1
    assert not Cycle.objects.exists()


def test_an_action_refusal_goes_in_the_error_summary_and_keeps_the_form(qa_client, register):
    make_cycle(register.cases[:2], name="Autumn 2027", year=2027)
    response = qa_client.post(
        PLAN, {**AUTUMN, "focus": "early-help", "focus_reason": "New service", "seed": "7"}
    )
    assert response.status_code == 200
    assert "There is already a cycle called &#x27;Autumn 2027&#x27;." in response.text
    assert 'class="govuk-error-summary"' in response.text
    # What was typed is still there.
    assert 'value="autumn" checked' in response.text
    assert '<option value="early-help" selected>' in response.text
    assert 'name="seed" type="text" value="7"' in response.text
    assert ">New service</textarea>" in response.text
    assert Cycle.objects.count() == 1


def test_no_eligible_case_makes_no_cycle(qa_client, personas):
    Case.objects.update(closed_on=date(2020, 1, 1))
    response = qa_client.post(PLAN, AUTUMN)
    assert "No case can be sampled" in response.text
    assert not Cycle.objects.exists()


def test_a_moderator_plans_too(moderator_client, register, personas):
    assert moderator_client.post(PLAN, AUTUMN).status_code == 302
    assert Cycle.objects.get().created_by == personas.moderator
