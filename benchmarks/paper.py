"""The committee paper for a cycle of 500 audits: the time to gather it and write the PDF (issue 5 asks for
the time, not a ratio: there is no bare floor for laying out a document)."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta

from benchmarks.harness import django_for, report_from_child

TODAY = date(2026, 12, 10)


def build(url: str, audits: int) -> None:
    """A register twice the cycle's size, three past autumns of history and an autumn cycle of `audits`
    moderated audits, each with evidence sources, two findings and an action."""
    django_for(url, migrate=True)
    from caseaudit.audits.models import Audit, EvidenceUse, Finding, Theme
    from caseaudit.audits.templates_store import default_template
    from caseaudit.cases.models import Case
    from caseaudit.cycles.models import Cycle
    from caseaudit.demo.authority import build_demo_authority
    from caseaudit.demo.history import load_demo_history
    from caseaudit.improvement.models import Action

    build_demo_authority(cases=audits * 2, seed=5, today=TODAY)
    load_demo_history(TODAY, seed=5)
    template = default_template()
    scale = template.grade_scale
    cycle = Cycle.objects.create(
        name="Autumn 2026",
        season="autumn",
        year=2026,
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 11, 30),
        seed=5,
        status="in-progress",
    )
    rng = random.Random(5)
    themes = list(Theme.objects.all())
    grades = scale.slugs
    rows = []
    for case_id, cohort in Case.objects.filter(closed_on__isnull=True).values_list("pk", "cohort")[:audits]:
        grade = rng.choices(grades, weights=(6, 36, 46, 12))[0]
        moderated = grade if rng.random() < 0.8 else rng.choice(grades)
        rows.append(
            Audit(
                case_id=case_id,
                cycle=cycle,
                cohort=cohort,
                status="moderated",
                template=template,
                grade_scale=scale,
                auditor_grade=grade,
                moderated_grade=moderated,
                completed_on=cycle.starts_on + timedelta(days=rng.randrange(70)),
            )
        )
    made = Audit.objects.bulk_create(rows)
    EvidenceUse.objects.bulk_create(
        EvidenceUse(audit=a, source=s, used_on=a.completed_on)
        for a in made
        for s in ("record-review", "worker-interview")
    )
    Finding.objects.bulk_create(
        Finding(audit=a, kind=kind, theme=rng.choice(themes), text="Synthetic finding.")
        for a in made
        for kind in ("strength", "issue")
    )
    Action.objects.bulk_create(
        Action(audit=a, case_id=a.case_id, description="Synthetic action.", due_on=TODAY + timedelta(days=30))
        for a in made
    )


def ours(url: str) -> None:
    django_for(url)
    from django.core.cache import cache

    from caseaudit.cycles.models import Cycle
    from caseaudit.reports.paper.context import build_paper_context
    from caseaudit.reports.paper.pdf import render_pdf

    # Drawn as a draft is regenerated after the grades change: nothing the run before kept (the chart, the
    # register's compliance, the grade counts) is read.
    cache.clear()

    def work() -> None:
        paper = build_paper_context(Cycle.objects.get(name="Autumn 2026"), today=TODAY)
        assert render_pdf(paper).startswith(b"%PDF")

    report_from_child(work)


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "build":
        build(url, int(rest[0]))
    else:
        ours(url)
