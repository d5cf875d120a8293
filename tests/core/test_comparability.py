from caseaudit.core.comparability import NOT_RECORDED, Basis, caveats, sampling_words
from caseaudit.core.grade_tables import grade_rows

EVERY = Basis("every open case", tool="Ofsted default v1", scale="Ofsted v1")
HALF = Basis("half of the open cases", tool="Ofsted default v1", scale="Ofsted v1")
PERIODS = ["2021", "2020", "2019"]


def big_rows(periods=PERIODS):
    return grade_rows(
        {(p, "care-leaver"): {"good": 30} for p in periods}, periods=periods, cohorts=["care-leaver"]
    )


def test_the_domain_case_earlier_years_every_open_case_the_latest_half():
    notes = caveats(
        {"2021": {HALF: 30}, "2020": {EVERY: 30}, "2019": {EVERY: 30}}, big_rows(), periods=PERIODS
    )
    assert notes == [
        "Periods were sampled differently, so they are not directly comparable. "
        "2021: half of the open cases; 2020 and 2019: every open case."
    ]


def test_the_same_basis_throughout_needs_no_caveat():
    assert caveats({p: {EVERY: 30} for p in PERIODS}, big_rows(), periods=PERIODS) == []


def test_a_single_period_is_compared_with_nothing():
    assert caveats({"2021": {HALF: 30}}, big_rows(["2021"]), periods=["2021"]) == []


def test_focus_cohort_tool_and_scale_differences_are_each_named():
    focused = Basis("every open case", focus_cohort="care-leaver", tool="Ofsted default v2", scale="Signs v1")
    notes = caveats(
        {"2021": {focused: 30}, "2020": {EVERY: 30}}, big_rows(["2021", "2020"]), periods=["2021", "2020"]
    )
    assert notes == [
        "Periods were given different focus cohorts, so they are not directly comparable. "
        "2021: care leaver first; 2020: no focus cohort.",
        "Periods were audited with different audit tools, so they are not directly comparable. "
        "2021: Ofsted default v2; 2020: Ofsted default v1.",
        "Periods were graded on different grade scales, so they are not directly comparable. "
        "2021: Signs v1; 2020: Ofsted v1.",
    ]


def test_a_period_that_mixes_bases_says_how_many_audits_each_covers():
    history = Basis(NOT_RECORDED)
    notes = caveats(
        {"2021": {HALF: 20, history: 5}, "2020": {HALF: 30}},
        big_rows(["2021", "2020"]),
        periods=["2021", "2020"],
    )
    assert notes[0].endswith(
        "2021: half of the open cases (20 audits) and not recorded (5 audits); 2020: half of the open cases."
    )


def test_small_samples_are_flagged_with_an_interval():
    rows = grade_rows(
        {("2019", "care-leaver"): {"requires-improvement": 2, "good": 5, "outstanding": 6}},
        periods=["2019"],
        cohorts=["care-leaver"],
    )
    (note,) = caveats({"2019": {EVERY: 13}}, rows, periods=["2019"])
    assert note == (
        "Small samples: fewer than 20 audits for care leaver, 2019 (13). A percentage from so few audits is "
        "uncertain: 6 of 13 is 46%, but the true share could well be anywhere from 23% to 71% (95% interval)."
    )


def test_sampling_in_words():
    assert sampling_words(fraction=1.0, size=None) == "every open case"
    assert sampling_words(fraction=None, size=None) == "half of the open cases"
    assert sampling_words(fraction=0.25, size=None) == "25% of the open cases"
    assert sampling_words(fraction=None, size=120) == "a sample of 120 cases"
    assert sampling_words(fraction=None, size=None, planned=False) == NOT_RECORDED
