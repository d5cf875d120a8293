from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.audits.actions.themes import add_theme, retire_theme
from caseaudit.audits.models import Theme, ThemeKind


class Command(BaseCommand):
    help = (
        "List the themes findings are tagged with, add one, or retire one (findings keep their theme)."
        ' Example: caseaudit themes --add "Voice of the child" --kind development'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        change = parser.add_mutually_exclusive_group()
        change.add_argument("--add", metavar="LABEL", help='a new theme, e.g. "Pathway plan quality"')
        change.add_argument("--retire", metavar="SLUG", help="stop offering a theme for new findings")
        parser.add_argument(
            "--kind",
            choices=ThemeKind.values,
            default=ThemeKind.BOTH,
            help="with --add: which findings the theme is for: strength, development or both (the default)",
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        with refusals_as_errors():
            if options["add"]:
                theme = add_theme(options["add"], kind=options["kind"], acting_user=actor)
                self.stdout.write(
                    f"Added {theme.label!r} ({theme.slug}), for {theme.get_kind_display().lower()}."
                )
            elif options["retire"]:
                theme = retire_theme(options["retire"], acting_user=actor)
                self.stdout.write(f"Retired {theme.label!r}: it is no longer offered for new findings.")
        self.stdout.write(f"{'slug':<32}{'theme':<40}{'for':<12}{'findings':>9}  offered")
        for theme in Theme.objects.annotate(uses=Count("findings")).order_by("-active", "label"):
            offered = "yes" if theme.active else "no (retired)"
            self.stdout.write(f"{theme.slug:<32}{theme.label:<40}{theme.kind:<12}{theme.uses:>9}  {offered}")
