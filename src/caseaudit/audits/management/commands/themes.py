from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.audits.actions.themes import add_theme, retire_theme
from caseaudit.audits.models import Theme, ThemeKind
from caseaudit.readers.data_output import add_format_argument, write_data


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
        add_format_argument(parser)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from(options)
        # What changed is said apart from the data when the data is for a script.
        said = self.stdout if options["format"] == "text" else self.stderr
        with refusals_as_errors():
            if options["add"]:
                theme = add_theme(options["add"], kind=options["kind"], acting_user=actor)
                said.write(f"Added {theme.label!r} ({theme.slug}), for {theme.get_kind_display().lower()}.")
            elif options["retire"]:
                theme = retire_theme(options["retire"], acting_user=actor)
                said.write(f"Retired {theme.label!r}: it is no longer offered for new findings.")
        themes = Theme.objects.annotate(uses=Count("findings")).order_by("-active", "label")
        rows = [
            {"slug": t.slug, "theme": t.label, "for": t.kind, "findings": t.uses, "offered": t.active}
            for t in themes
        ]

        def text() -> None:
            self.stdout.write(f"{'slug':<32}{'theme':<40}{'for':<12}{'findings':>9}  offered")
            for row in rows:
                offered = "yes" if row["offered"] else "no (retired)"
                self.stdout.write(
                    f"{row['slug']:<32}{row['theme']:<40}{row['for']:<12}{row['findings']:>9}  {offered}"
                )

        write_data(self.stdout, rows, options["format"], text)
