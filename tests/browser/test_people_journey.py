"""The administrator on-boards a team from a spreadsheet; a new person opens the link emailed to them,
chooses a password and lands signed in on the home page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from caseaudit.accounts.models import User

from .test_register_journey import sign_in

pytestmark = pytest.mark.browser

CSV = (
    b"username,name,email,role,team,staff,capacity\n"
    b"sen,Sen Leader,sen@example.test,Senior leader,,,\n"
    b"tam,Tam Manager,tam@example.test,Team manager,East Children and Families,,\n"
    b"aud,Aud Itor,,Auditor,,,3\n"
)


def test_the_administrator_onboards_a_team_and_a_new_person_chooses_a_password(
    page, live_server, check_page, personas
):
    sign_in(page, live_server, "administrator")
    page.wait_for_url(f"{live_server.url}/")
    check_page("90-administrator-home")
    page.get_by_role("link", name="Staff accounts", exact=True).click()
    page.wait_for_url(re.compile(r"/people/$"))
    check_page("91-accounts")

    page.get_by_role("button", name="Import accounts from a spreadsheet").click()
    page.wait_for_url(re.compile(r"/people/import/$"))
    check_page("92-accounts-import")
    page.locator("#id_accounts_file").set_input_files(
        files=[{"name": "east-team.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import before you confirm it")
    expect(page.get_by_text("To add (3)")).to_be_visible()
    assert not User.objects.filter(username="sen").exists()  # the preview wrote nothing
    check_page("93-accounts-import-check")

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", name="Accounts imported")).to_be_visible()
    expect(page.get_by_text("These people have no email address")).to_be_visible()
    check_page("94-accounts-imported")
    assert User.objects.get(username="tam").staff.team.name == "East Children and Families"

    [to_sen] = [m for m in mail.outbox if m.to == ["sen@example.test"]]
    link = re.search(r"http\S+/set-password/\S+/", to_sen.body).group(0)
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.wait_for_url(re.compile(r"/sign-in/"))

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    check_page("95-choose-password")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Type the password again").fill("short")
    page.get_by_role("button", name="Save the password and sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page("96-choose-password-error")

    page.get_by_label("Password", exact=True).fill("a long and unusual passphrase")
    page.get_by_label("Type the password again").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Save the password and sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Signed in as sen")).to_be_visible()
    check_page("97-signed-in-home")

    # The link is spent.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    check_page("98-link-used")
