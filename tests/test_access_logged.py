"""Every page that shows a child's data records who read it: walked from the role matrix.

Each GET row of tests/test_role_matrix.py's MATRIX (which holds every URL of the service) is opened by every
persona the policy lets open it. Unless the row's URL is on NO_CHILD_DATA below, with the reason it shows
no child's data, the request must write an access-log entry naming that person. A new page therefore logs,
or says here why it need not. And whatever the list says, a page that answers with a Child Unique ID must
have logged, so an exemption cannot hide a page that starts showing children's records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseaudit.accounts.models import AccessLog
from caseaudit.audits.models import Audit
from caseaudit.cases.models import Case
from caseaudit.cycles.models import CycleStatus

from . import test_role_matrix as matrix

# The role matrix's data: the same cases, cycle, audits and actions behind the same URLs.
cycles = matrix.cycles

# URL names of GET rows whose pages show no child's data, and why.
NO_CHILD_DATA = {
    # The person's own API tokens: names and dates, never a child's data (the API logs its own reads).
    "api-tokens": "API tokens",
    # The person's own sign-in: codes, authenticator, sessions.
    "signin:code": "sign-in",
    "signin:set-up": "sign-in",
    "signin:recovery-codes": "sign-in",
    "signin:account": "the person's own account",
    "notifications:settings": "the person's choice of email or the app",
    # Forms that ask for something, before anything is read.
    "cases:import": "the upload form for the register",
    "cases:import-return": "the upload form for the SSDA903 return; its check is logged",
    "cycles:plan": "the form of a cycle's parameters",
    "reports:export": "the form to choose an export; the file itself is logged (tests/reports)",
    "actions:recommend": "a form of cycles, teams and owners: staff, not children",
    # Counts, never a row of a child.
    "cycles:list": "each cycle's counts",
    "cycles:discard": "how many cases the draft holds",
    "cycles:close": "how many audits are not yet submitted",
    "cycles:reopen": "the cycle's name and a reason box",
    "paper:issue": "when the draft was drawn, by whom, and a note box; the paper is logged when downloaded",
    "paper:words": "the paper's words, drafted from counts; the paper is logged when read or downloaded",
    "audits:themes": "the list of themes and how many findings use each",
    "compliance:summary": "counts per check and cohort; the cases behind a count are logged",
    "reports:grades": "the table of grades: counts per period and cohort",
    "reports:chart": "the table of grades as a chart",
    "reports:themes": "findings counted by theme and year, never a finding's words",
    # Staff accounts: members of staff, not children.
    "people:list": "staff accounts",
    "people:add": "staff accounts",
    "people:detail": "staff accounts",
    "people:change": "staff accounts",
    "people:deactivate": "staff accounts",
    "people:reset-authenticator": "staff accounts",
    "people:import": "staff accounts",
    # A job's page: what it is, its status and counts; its file is recorded when downloaded.
    "jobs:list": "each job's title, status and counts",
    "jobs:detail": "the job's title, status and counts",
    "jobs:progress": "the job's status and counts",
    "cases:import-check": "counts per cohort; logs when it lists the cases the import would close",
    "cases:import-run": "counts per cohort of what the import changed",
    "audits:history-import": "the upload form for past audits",
    "audits:history-import-check": "counts per year and cohort; logs when it lists row errors",
    "audits:history-import-run": "counts per year and cohort; logs when it lists row errors",
    # Your work lists children's cases only in some panels: it logs when it shows one of them
    # (tests/work/test_your_work.py), which the check of Child Unique IDs below holds it to here.
    "home": "logs when a panel lists children's records",
}

# Rows whose page shows its children's records only when asked for them in the query string: the swap form
# shows the cases that could replace the one its link names (by the audit's number).
QUERIES = {
    "swap form": lambda: f"?audit={Audit.objects.filter(cycle__status=CycleStatus.DRAFT).earliest('pk').pk}"
}

GET_ROWS = [row for row in matrix.MATRIX if row[1] == "get"]


def test_the_exemptions_name_pages_in_the_matrix():
    assert set(NO_CHILD_DATA) <= {row[2] for row in GET_ROWS}
    assert set(QUERIES) <= {row[0] for row in GET_ROWS}


def _child_ids_in(content: bytes) -> list[str]:
    return [
        child_id
        for child_id in Case.objects.values_list("child_id", flat=True)
        if child_id.encode() in content
    ]


@pytest.mark.parametrize("persona", [name for name in matrix.PERSONAS if name != "anonymous"])
def test_every_page_of_childrens_data_records_who_read_it(client, personas, cycles, persona):
    """One test per persona, checking every GET row they may open, so that one run lists every page."""
    user = matrix._persona(personas, persona)
    client.force_login(user)
    unlogged = []
    for label, _, name, target, capability, success in GET_ROWS:
        url = reverse(name, args=matrix.TARGETS[target](personas, cycles) if target else [])
        view_capability = matrix._view_capability(url)
        expected = matrix.expected_status(
            user, view_capability, target, capability, success, personas, cycles
        )
        if expected != matrix.OK:
            continue  # turned away, or sent elsewhere: nothing read
        last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url + (QUERIES[label]() if label in QUERIES else ""))
        assert response.status_code == matrix.OK, f"{label}: {response.status_code}"
        entries = AccessLog.objects.filter(pk__gt=last)
        logged = entries.filter(user=user).exists()
        if entries.exclude(user=user).exists():
            unlogged.append(f"{label} ({url}): an entry names someone else")
        shown = _child_ids_in(response.getvalue())  # a download may be streamed
        if name not in NO_CHILD_DATA and not logged:
            unlogged.append(f"{label} ({url}): no entry")
        elif shown and not logged:
            unlogged.append(f"{label} ({url}): shows {', '.join(shown)} with no entry")
    assert not unlogged, f"{persona}:\n" + "\n".join(unlogged)
