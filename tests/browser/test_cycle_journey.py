"""The QA lead plans an audit cycle with a focus cohort, checks the preview, swaps a case, confirms the
sample, allocates it to three auditors and follows progress; then an auditor finds their audits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseaudit.audits.models import Audit, SelectionReason
from caseaudit.cases.models import Case
from caseaudit.cycles.models import Cycle, CycleStatus, SampleSwap

from ..cycles.builders import allocate_to, make_cycle
from ..factories import make_case, make_staff, make_team, make_user
from .test_register_journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def authority(personas):
    """22 open cases in four teams and every cohort, and three auditors: Ada (the personas' auditor),
    Ann, and Nell, who manages North and so never audits North's cases."""
    north, south = personas.own_case.team, personas.other_case.team
    east, west = make_team("East Early Help"), make_team("West Children in Care")
    for n in range(2, 8):
        make_case(f"N00000{n}", "care-leaver", north if n % 2 else south)
    for n in range(1, 6):
        make_case(f"E00000{n}", "early-help", east)
    for n in range(1, 4):
        make_case(f"W00000{n}", "looked-after", west)
        make_case(f"P00000{n}", "child-protection", west)
        make_case(f"S00000{n + 1}", "child-in-need", south)
    ada = personas.auditor
    ann = make_user("auditor", "ann")
    nell = make_user("auditor", "nell", staff=make_staff("Nell North", north))
    for user, first, last in ((ada, "Ada", "Auditor"), (ann, "Ann", "Audit"), (nell, "Nell", "North")):
        user.first_name, user.last_name = first, last
        user.save()
    return personas


def test_qa_lead_plans_and_allocates_a_cycle(page, live_server, check_page, authority):
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.get_by_role("link", name="Audit cycles", exact=True).click()
    page.wait_for_url(re.compile(r"/cycles/$"))
    expect(page.get_by_role("heading", name="There are no audit cycles yet")).to_be_visible()
    check_page("30-cycles-empty")

    page.get_by_role("button", name="Plan a cycle").click()
    page.wait_for_url(re.compile(r"/cycles/plan/$"))
    check_page("31-plan")

    # Custom dates need their dates.
    page.get_by_label("Custom dates").check()
    page.get_by_role("button", name="Propose a sample").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Enter the start date of the cycle")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page("32-plan-error")

    page.get_by_label("Autumn (1 October to 30 November)").check()
    page.locator("#id_year").fill("2027")
    page.get_by_label("Focus cohort (optional)").select_option("care-leaver")
    expect(page.get_by_label("Fraction of the open cases")).to_have_value("0.5")
    page.get_by_label("Random seed (optional)").fill("2027")
    page.get_by_role("button", name="Propose a sample").click()
    # A focus cohort needs its reason, for the committee paper; what was chosen is kept.
    expect(page.get_by_role("link", name="Enter why this cohort is the focus")).to_be_visible()
    expect(page.get_by_label("Focus cohort (optional)")).to_have_value("care-leaver")
    page.get_by_label("Why this focus cohort").fill("Leaving care is to be inspected in the spring")
    page.get_by_role("button", name="Propose a sample").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    cycle = Cycle.objects.get()
    assert (cycle.name, cycle.status, cycle.seed) == ("Autumn 2027", CycleStatus.DRAFT, 2027)
    expect(page.get_by_text("Autumn 2027 is a draft with 11 cases")).to_be_visible()
    # The preview: every care leaver first, then each other cohort, each case with its reason.
    counts = page.get_by_role("table", name="Cases by cohort")
    expect(counts.get_by_role("row", name=re.compile(r"^Care leaver Focus 7 7$"))).to_be_visible()
    expect(counts.get_by_role("row", name=re.compile(r"^All cohorts 22 11$"))).to_be_visible()
    sample = page.get_by_role("table", name="The sample")
    expect(sample.get_by_role("cell", name="Focus cohort")).to_have_count(7)
    assert sample.get_by_role("row").count() == 12
    check_page("33-draft-preview")

    # Swap an early help case for another, with a reason.
    early_help = sample.get_by_role("row").filter(has_text="Early help").first
    taken_out = early_help.get_by_role("rowheader").inner_text()
    early_help.get_by_role("link", name=f"Swap {taken_out} out").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/swap/\?audit=\d+$"))
    expect(page.get_by_label("Child Unique ID of the case to take out")).to_have_value(taken_out)
    suggestions = page.get_by_role("table", name="Eligible early help cases not in the sample")
    put_in = suggestions.locator("td.app-child-id").first.inner_text()
    check_page("34-swap")
    page.get_by_label("Child Unique ID of the case to put in").fill(put_in)
    page.get_by_role("button", name="Swap the case").click()
    expect(page.get_by_role("link", name="Enter why the case is swapped")).to_be_visible()
    check_page("35-swap-error")
    page.get_by_label("Why is the case swapped?").fill("Subject of a practice review this autumn")
    page.get_by_role("button", name="Swap the case").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    expect(page.get_by_text(f"{taken_out} is out of the sample and {put_in} is in.")).to_be_visible()
    expect(page.get_by_role("cell", name="Subject of a practice review this autumn")).to_be_visible()
    expect(page.get_by_role("cell", name="Swapped in by the QA team")).to_be_visible()
    assert SampleSwap.objects.get().reason == "Subject of a practice review this autumn"
    check_page("36-draft-swapped")

    page.get_by_role("button", name="Confirm sample").click()
    expect(page.get_by_text("The sample of Autumn 2027 is confirmed.")).to_be_visible()
    expect(page.get_by_text("11 of 11 audits have no auditor.")).to_be_visible()
    check_page("37-confirmed")

    page.get_by_role("button", name="Allocate audits").click()
    expect(page.get_by_text("11 audits allocated to 3 auditors.")).to_be_visible()
    expect(page.get_by_text("Every audit has an auditor.")).to_be_visible()
    by_auditor = page.get_by_role("table", name="By auditor")
    for name in ("Ada Auditor", "Ann Audit", "Nell North"):
        expect(by_auditor.get_by_role("rowheader", name=name)).to_be_visible()
    expect(
        page.get_by_role("table", name="By cohort").get_by_role("rowheader", name="Care leaver")
    ).to_be_visible()
    loads = sorted(Audit.objects.filter(cycle=cycle).values_list("auditor__username", flat=True))
    assert {loads.count(u) for u in ("auditor", "ann", "nell")} <= {3, 4}
    assert not Audit.objects.filter(
        cycle=cycle, auditor__username="nell", case__team__name__startswith="North"
    )
    check_page("38-allocated")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the progress report (XLSX spreadsheet)").click()
    assert re.fullmatch(r"autumn-2027-progress-\d{4}-\d\d-\d\d\.xlsx", download.value.suggested_filename)

    # Move one of Ada's audits to Ann.
    adas = Audit.objects.filter(cycle=cycle, auditor__username="auditor").order_by("case__child_id").first()
    page.get_by_role("link", name=f"Reallocate the audit of {adas.case.child_id}").click()
    page.wait_for_url(re.compile(r"/reallocate/$"))
    check_page("39-reallocate")
    options = page.get_by_label("New auditor").locator("option").all_inner_texts()
    page.get_by_label("New auditor").select_option(
        label=next(o for o in options if o.startswith("Ann Audit"))
    )
    page.get_by_label("Why does the audit move?").fill("Ada is on leave in October")
    page.get_by_role("button", name="Reallocate the audit").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    expect(page.get_by_text(f"The audit of {adas.case.child_id} is now Ann Audit's.")).to_be_visible()

    page.get_by_role("link", name="Audit cycles", exact=True).click()
    expect(page.get_by_role("row", name=re.compile(r"^Autumn 2027 "))).to_be_visible()
    check_page("40-cycles")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in/$"))

    # The auditor signs in and finds their audits.
    sign_in(page, live_server, "auditor")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.get_by_role("link", name="My audits", exact=True).click()
    page.wait_for_url(re.compile(r"/audits/mine/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "My audits"
    mine = sorted(
        Audit.objects.filter(cycle=cycle, auditor__username="auditor").values_list(
            "case__child_id", flat=True
        )
    )
    assert page.locator("table.govuk-table tbody th a").all_inner_texts() == mine
    expect(page.get_by_role("link", name="Audit cycles", exact=True)).to_have_count(0)
    check_page("41-my-audits")
    page.get_by_role("link", name=mine[0], exact=True).click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert mine[0] in page.get_by_role("heading", level=1).inner_text()


def test_qa_lead_discards_a_draft(page, live_server, check_page, authority):
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.goto(f"{live_server.url}/cycles/plan/")
    page.get_by_label("Spring (1 April to 31 May)").check()
    page.locator("#id_year").fill("2028")
    page.get_by_label("Or a number of cases (optional)").fill("6")
    page.get_by_role("button", name="Propose a sample").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    expect(page.get_by_text("Spring 2028 is a draft with 6 cases")).to_be_visible()

    page.get_by_role("button", name="Discard draft").click()
    page.wait_for_url(re.compile(r"/discard/$"))
    check_page("42-discard")
    page.get_by_role("link", name="No, keep it").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    assert Cycle.objects.count() == 1

    page.get_by_role("button", name="Discard draft").click()
    page.get_by_role("button", name="Yes, discard the draft").click()
    page.wait_for_url(re.compile(r"/cycles/$"))
    expect(page.get_by_text("The draft Spring 2028 was discarded.")).to_be_visible()
    assert not Cycle.objects.exists()
    check_page("43-discarded")


def test_cycle_page_on_a_narrow_screen(page, live_server, check_page, authority):
    """WCAG 1.4.10 Reflow: the wide progress and sample tables scroll inside their boxes."""
    cycle = make_cycle(Case.objects.all()[:8], reason=SelectionReason.RANDOM)
    allocate_to(cycle, authority.auditor)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/")
    check_page("44-cycle-narrow")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_qa_lead_closes_a_cycle_early_with_a_reason_and_reopens_it(page, live_server, check_page, authority):
    cycle = make_cycle(Case.objects.all()[:4], year=2099, reason=SelectionReason.RANDOM)
    allocate_to(cycle, authority.auditor)
    sign_in(page, live_server, "qa-lead")
    page.wait_for_url(f"{live_server.url}/")  # signing in lands on Your work
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/")
    page.get_by_role("button", name="Close Autumn 2099").click()
    page.wait_for_url(re.compile(r"/close/$"))
    expect(page.get_by_text("4 of 4 audits are not submitted.")).to_be_visible()
    check_page("45-close")
    page.get_by_role("button", name="Yes, close Autumn 2099").click()
    expect(page.get_by_role("link", name="Enter why the cycle closes before its window ends")).to_be_visible()
    check_page("46-close-error")
    page.get_by_label("Why does the cycle close early?").fill("Inspection brought forward")
    page.get_by_role("button", name="Yes, close Autumn 2099").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    expect(page.get_by_text("Autumn 2099 is closed.")).to_be_visible()
    expect(page.get_by_role("cell", name="Inspection brought forward")).to_be_visible()
    assert page.get_by_role("link", name=re.compile("^Reallocate")).count() == 0

    page.get_by_role("button", name="Reopen Autumn 2099").click()
    page.wait_for_url(re.compile(r"/reopen/$"))
    check_page("47-reopen")
    page.get_by_label("Why does the cycle reopen?").fill("Closed by mistake")
    page.get_by_role("button", name="Yes, reopen Autumn 2099").click()
    page.wait_for_url(re.compile(r"/cycles/\d+/$"))
    expect(page.get_by_role("cell", name="Closed by mistake")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PLANNED  # its window has not started
