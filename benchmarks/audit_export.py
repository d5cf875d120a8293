"""The analysts' audit data export (`caseaudit export-audits`): the XLSX workbook against the CSV file of the
same rows. The CSV export is the floor: the same query, pseudonyms and rows, written as text; what the
workbook costs beyond it is the spreadsheet format itself."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from benchmarks.harness import django_for, report_from_child


def build(url: str, audits: int) -> None:
    """The grade table's history of `audits` moderated audits, with the evidence sources and findings an
    audit done in caseaudit records: two sources for two audits in three, one or two findings each."""
    from benchmarks import grade_table

    grade_table.build(url, audits)
    from caseaudit.audits.models import Audit, EvidenceUse, Finding, Theme

    rng = random.Random(3)
    themes = list(Theme.objects.all())
    if not themes:
        themes = [Theme.objects.create(label="Voice of the child")]
    sources = ["record-review", "worker-interview", "child-feedback"]
    uses, findings = [], []
    for audit_id, completed_on in Audit.objects.values_list("pk", "completed_on").iterator(chunk_size=20_000):
        if audit_id % 3:
            uses += [
                EvidenceUse(audit_id=audit_id, source=source, used_on=completed_on)
                for source in rng.sample(sources, 2)
            ]
        findings += [
            Finding(audit_id=audit_id, kind=kind, theme=rng.choice(themes), text="Synthetic finding.")
            for kind in ("strength", "issue")[: rng.randint(1, 2)]
        ]
        if len(findings) >= 20_000:
            EvidenceUse.objects.bulk_create(uses)
            Finding.objects.bulk_create(findings)
            uses, findings = [], []
    EvidenceUse.objects.bulk_create(uses)
    Finding.objects.bulk_create(findings)


def export(url: str, file_format: str, target: Path) -> None:
    django_for(url)
    from caseaudit.policy import SYSTEM
    from caseaudit.reports.audit_export import export_audit_data

    def work() -> None:
        assert export_audit_data(target, file_format=file_format, acting_user=SYSTEM)

    report_from_child(work)


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "build":
        build(url, int(rest[0]))
    elif mode in ("xlsx", "csv"):
        export(url, mode, Path(rest[0]))
    else:
        raise SystemExit(f"unknown mode {mode}")
