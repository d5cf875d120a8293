"""The officers' version of the committee paper: the members' paper with tables by team added, for the QA
team only, drawn when downloaded; team names, never a child's id or a person's name."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from caseaudit.accounts.models import AccessLog
from caseaudit.reports.paper.context import build_paper_context
from caseaudit.reports.paper.docx import render_docx
from caseaudit.reports.paper.model import Table

from .paper_builders import TODAY

pytestmark = pytest.mark.django_db


def test_the_officers_version_adds_tables_by_team_and_names_nobody(live):
    members = build_paper_context(live.cycle, today=TODAY)
    officers = build_paper_context(live.cycle, today=TODAY, officers=True)
    assert "teams" not in [s.slug for s in members.sections]
    assert officers.title == "Case file audit: Autumn 2026 (officers' version)"
    grades, actions = (b for b in officers.section("teams").blocks if isinstance(b, Table))
    teams = {row[0]: row[1:] for row in grades.rows}
    # The six moderated audits, by the team their case is in (or none recorded), by the team's name.
    assert sum(int(audited) for audited, *_ in teams.values()) == 6
    assert "South Leaving Care" in teams and "No team recorded" in teams
    assert actions.header == ("Team", "Actions", "Still open", "Overdue")
    text = " ".join(officers.texts())
    for name in [*live.child_ids, *live.names]:
        assert name not in text
    word = docx.Document(io.BytesIO(render_docx(officers)))
    assert "By team (officers' version)" in [p.text for p in word.paragraphs if p.style.name == "Heading 1"]


def test_the_qa_team_downloads_it_and_senior_leaders_cannot(client, live, personas):
    url = reverse("paper:officers", args=[live.cycle.pk, "html"])
    client.force_login(personas.moderator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="paper-autumn-2026-officers.html"'
    assert "By team (officers&#x27; version)" in response.content.decode()
    assert AccessLog.objects.filter(
        user=personas.moderator, detail="committee paper, officers' version (html, moderated grades)"
    ).exists()
    page = client.get(reverse("paper:page", args=[live.cycle.pk])).content.decode()
    assert f'href="{reverse("paper:officers", args=[live.cycle.pk, "pdf"])}"' in page
    client.force_login(personas.senior_leader)
    assert client.get(url).status_code == 403
    assert (
        reverse("paper:officers", args=[live.cycle.pk, "pdf"])
        not in client.get(reverse("paper:page", args=[live.cycle.pk])).content.decode()
    )
