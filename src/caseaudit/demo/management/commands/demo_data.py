"""`caseaudit demo-data`: a synthetic authority for the demo (`make demo`), and its sign-ins."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from caseaudit.accounts.cli import refusals_as_errors
from caseaudit.accounts.models import User
from caseaudit.cases.importing.result import RowsRefused
from caseaudit.cases.models import Case
from caseaudit.compliance.tasks import count_today
from caseaudit.core.cohorts import COHORT_LABELS
from caseaudit.core.dates import parse_date
from caseaudit.cycles.models import Cycle
from caseaudit.demo.audits import complete_demo_audits
from caseaudit.demo.authority import (
    DEFAULT_CASES,
    DEFAULT_SEED,
    DEMO_USERS,
    DemoDataRefused,
    DemoSummary,
    add_staff_accounts,
    build_demo_authority,
    demo_team_accounts,
    demo_users_table,
)
from caseaudit.demo.cycles import plan_demo_cycle, plan_demo_thematic_cycle
from caseaudit.demo.from_returns import build_demo_from_returns
from caseaudit.demo.history import load_demo_history
from caseaudit.demo.tracker import seed_demo_tracker
from caseaudit.demo.volume import add_cycle_volume
from caseaudit.readers.table import ImportRefused

# A register larger than the default gets the work that grows with it (everyone's accounts, more history,
# the cycle's work in bulk); the current cycle then samples 22% of the open cases, not half, so that
# 100,000 cases have about 50,000 audits in all.
LARGE_CYCLE_FRACTION = 0.22


def _iso_date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        # Raised while the arguments are read, so argparse's own error: bad usage, with the usage.
        raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic authority: teams, workers, cases in every cohort with key "
        "dates (some overdue, some missing) and one demo account per role, all sharing one published "
        "password. Only for demo, debug or test settings (CASEAUDIT_DEMO=1). Generated from a seed: the "
        "same seed and --today give the same data. No real or name-like child data is ever produced."
        " Example: caseaudit demo-data --cases 1000 --seed 7"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help=f"number of cases (default {DEFAULT_CASES})"
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
        parser.add_argument(
            "--today",
            type=_iso_date,
            default=None,
            help="the date the key dates are relative to, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and say so) if the database already has cases, so that it can run again",
        )
        parser.add_argument(
            "--sign-ins",
            action="store_true",
            help="only print the demo accounts: role, username, password and what each can see",
        )
        parser.add_argument(
            "--from-returns",
            type=Path,
            metavar="FOLDER",
            help="build the register from the synthetic statutory returns in FOLDER (as `demo-returns` "
            "writes them: FOLDER/ssda903/ and FOLDER/cin.xml) instead of generating it",
        )
        parser.add_argument(
            "--no-cycle",
            action="store_true",
            help="do not plan and allocate the current season's audit cycle",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sign_ins"]:
            self._print_sign_ins()
            return
        if not (settings.DEMO or settings.DEBUG or settings.TESTING):
            raise CommandError(
                "demo data creates accounts with a published password, so it only runs with "
                "CASEAUDIT_DEMO=1 (or in debug or test settings), never in production."
            )
        if options["cases"] < 0:
            raise CommandError("--cases cannot be negative")
        existing = Case.objects.count()
        if existing:
            message = f"The database already has {existing:,} cases: no demo data added."
            if options["if_empty"]:
                self.stdout.write(message)
                return
            raise CommandError(f"{message} Demo data goes into an empty database; use --if-empty to skip.")

        progress = None
        bar = None
        if options["cases"] >= 50_000 and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=options["cases"], unit=" cases", desc="demo data")

            def progress(written: int) -> None:
                bar.update(written - bar.n)

        from_returns: Path | None = options["from_returns"]
        try:
            if from_returns is not None:
                with refusals_as_errors():
                    summary = build_demo_from_returns(
                        from_returns, seed=options["seed"], today=options["today"] or date.today()
                    )
            else:
                summary = build_demo_authority(
                    cases=options["cases"],
                    seed=options["seed"],
                    today=options["today"] or date.today(),
                    progress=progress,
                )
        except RowsRefused as refused:
            first = "; ".join(str(error) for error in refused.result.errors[:3])
            raise CommandError(f"{refused} {first}") from None
        except (DemoDataRefused, ImportRefused) as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        if from_returns is not None:
            self._report_from_returns(summary, from_returns)
            return

        cohorts = ", ".join(f"{COHORT_LABELS[c].lower()} {n:,}" for c, n in summary.by_cohort.items())
        self.stdout.write(
            f"Demo authority (seed {summary.seed}, as at {summary.today:%d %B %Y}): {summary.teams} teams, "
            f"{summary.staff:,} staff, {summary.cases:,} cases ({summary.open_cases:,} open: {cohorts}; "
            f"{summary.closed_cases:,} closed)."
        )
        if summary.users_created:
            self.stdout.write(f"Demo accounts: {', '.join(summary.users_created)}.")
        extra = max(0, summary.cases - DEFAULT_CASES)
        if extra and summary.roster is not None:
            accounts = add_staff_accounts(summary.roster)
            self.stdout.write(f"Accounts for the rest of the staff: {accounts:,} (the same password).")
        if summary.users_skipped:
            self.stdout.write(
                f"Left alone, as they already existed: {', '.join(summary.users_skipped)}.",
                self.style.WARNING,
            )
        if not options["no_cycle"] and summary.open_cases:
            past = load_demo_history(summary.today, seed=summary.seed, extra_cases=extra)
            self.stdout.write(
                f"Past audits: {past:,} audits of the three autumn cycles before {summary.today.year}, "
                "loaded as a QA lead would (record-cycle, then import-audits)."
            )
            fraction = LARGE_CYCLE_FRACTION if extra else None
            cycle = plan_demo_cycle(summary.today, seed=summary.seed, fraction=fraction)
            planned = cycle.audits.count()
            submitted, moderated = complete_demo_audits(
                cycle, submitted=12, moderated=6, seed=summary.seed, today=summary.today
            )
            self.stdout.write(
                f"Audit cycle {cycle.name}: {planned:,} cases planned and allocated to the auditors; "
                f"{submitted} audits submitted, {moderated} of them moderated."
            )
            thematic = plan_demo_thematic_cycle(summary.today, seed=summary.seed)
            submitted, moderated = complete_demo_audits(
                thematic, submitted=5, moderated=3, seed=summary.seed + 1, today=summary.today
            )
            self.stdout.write(
                f"{thematic.name}: {thematic.audits.count()} care leavers' cases; {submitted} audits "
                f"submitted, {moderated} of them moderated."
            )
            last_autumn = Cycle.objects.get(name=f"Autumn {summary.today.year - 1}")
            recommended, overdue = seed_demo_tracker(last_autumn, today=summary.today, seed=summary.seed)
            self.stdout.write(
                f"Improvement tracker: {recommended} recommendations of {last_autumn.name}'s report; "
                f"{overdue} of the audits' actions past their due date."
            )
            if extra:
                volume = add_cycle_volume(cycle, today=summary.today, seed=summary.seed)
                self.stdout.write(
                    f"The rest of {cycle.name}'s work so far: {volume.started:,} audits started, "
                    f"{volume.submitted:,} waiting for moderation, {volume.moderated:,} moderated, "
                    f"{volume.returned:,} returned; {volume.actions:,} actions ({volume.overdue:,} overdue), "
                    f"{volume.follow_ups:,} follow-up audits, {volume.concerns:,} safeguarding concerns, "
                    f"{volume.notifications:,} notifications."
                )
        if connection.vendor == "postgresql":
            # The planner's statistics, and the room left by rows the build rewrote, as autovacuum would
            # make them in a while: without them the first pages plan for an empty database (a nested loop
            # over a cycle's 17,000 audits estimated at 90).
            with connection.cursor() as cursor:
                # VACUUM cannot run inside a transaction (a test's); ANALYZE, what the planner needs, can.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        # Counted now, as the worker does after an import, so that the first visit to the compliance page
        # (or a load test's first minute) does not wait for it.
        counted = count_today()
        self.stdout.write(f"Compliance with timescales counted for {counted['open cases']:,} open cases.")
        self.stdout.write("Run `caseaudit demo-data --sign-ins` for the passwords.")

    def _report_from_returns(self, summary: DemoSummary, folder: Path) -> None:
        """The demo built from returns: its register, then the season's cycle with some audits done. The
        past cycles, the thematic audit and the tracker are the generated register's, so left out."""
        cohorts = ", ".join(f"{COHORT_LABELS[c].lower()} {n:,}" for c, n in summary.by_cohort.items() if n)
        self.stdout.write(
            f"Demo authority from the returns in {folder}: {summary.cases:,} cases ({summary.open_cases:,} "
            f"open: {cohorts}), each allocated to one of {summary.teams} teams ({summary.staff:,} staff), "
            "as the returns name no worker."
        )
        if summary.users_created:
            self.stdout.write(f"Demo accounts: {', '.join(summary.users_created)}.")
        if summary.open_cases:
            cycle = plan_demo_cycle(summary.today, seed=summary.seed)
            submitted, moderated = complete_demo_audits(
                cycle, submitted=12, moderated=6, seed=summary.seed, today=summary.today
            )
            self.stdout.write(
                f"Audit cycle {cycle.name}: {cycle.audits.count():,} cases planned and allocated to the "
                f"auditors; {submitted} audits submitted, {moderated} of them moderated."
            )
        counted = count_today()
        self.stdout.write(f"Compliance with timescales counted for {counted['open cases']:,} open cases.")
        self.stdout.write("Run `caseaudit demo-data --sign-ins` for the passwords.")

    def _print_sign_ins(self) -> None:
        table = demo_users_table()
        if not table:
            self.stdout.write("There are no demo accounts yet: run `caseaudit demo-data` first.")
            return
        header = ("Role", "Username", "Password", "Can see")
        widths = [max(len(row[i]) for row in (header, *table)) for i in range(3)]
        self.stdout.write("Demo sign-ins (synthetic data only):")
        for row in (header, *table):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[3]
            )
        teams = demo_team_accounts()
        if teams:
            self.stdout.write(
                "Every other team has a team manager and a worker too (the same password), so that actions, "
                "concerns and reminders about its cases reach someone:"
            )
            for team, usernames in teams:
                self.stdout.write(f"  {team}: {usernames}")
        missing = {u.username for u in DEMO_USERS} - {row[1] for row in table}
        if missing:
            self.stdout.write(f"Not created: {', '.join(sorted(missing))}.")
        disabled = User.objects.filter(username__in=[r[1] for r in table], is_active=False)
        for user in disabled:
            self.stdout.write(f"{user.username} is deactivated.", self.style.WARNING)
