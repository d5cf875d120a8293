from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from caseaudit.accounts.cli import actor_from, add_actor_argument, refusals_as_errors
from caseaudit.audits.actions.templates import AlreadyLoaded, load_template
from caseaudit.audits.models import AuditTemplate
from caseaudit.audits.templates_store import DEFAULT_TEMPLATE_FILE, tool_for
from caseaudit.core.audit_tools import MAX_TEMPLATE_CHARS, AuditTool, TemplateError
from caseaudit.readers.data_output import add_format_argument, write_data


class Command(BaseCommand):
    help = (
        "Audit tools (templates) as versioned YAML: `templates load FILE` validates a file and stores it "
        "as a new version; `templates list` shows every version loaded."
        " Example: caseaudit templates load audit-tool-v3.yaml --as qa-lead"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{load,list}")
        load = commands.add_parser("load", help="validate a template YAML file and store it")
        load.add_argument("file", type=Path)
        add_actor_argument(load)
        listing = commands.add_parser("list", help="list the templates loaded, newest version first")
        add_format_argument(listing)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "load":
            self._load(options["file"], options)
        else:
            self._list(options["format"])

    def _load(self, path: Path, options: dict[str, Any]) -> None:
        text = _read(path)
        try:
            with refusals_as_errors():
                template = load_template(text, source=str(path), acting_user=actor_from(options))
        except TemplateError as exc:
            count = len(exc.problems)
            raise CommandError(
                f"{exc}\n{count} problem{'s' if count != 1 else ''}: nothing was loaded."
            ) from None
        except AlreadyLoaded as same:
            self.stdout.write(f"{same}: nothing changed.")
            return
        tool = tool_for(template)
        scale = template.grade_scale
        self.stdout.write(
            f'Loaded {tool.slug} version {tool.version}, "{tool.name}": {_sections_summary(tool)}; '
            f"grade scale {scale.slug} v{scale.version} ({len(scale.grades)} grades)."
        )

    def _list(self, chosen: str) -> None:
        templates = AuditTemplate.objects.select_related("grade_scale").annotate(audits_using=Count("audits"))
        rows: list[dict[str, Any]] = [
            {
                "template": t.slug,
                "version": t.version,
                "name": t.name,
                "scale": f"{t.grade_scale.slug} v{t.grade_scale.version}",
                "sections": len(t.definition.get("sections", [])),
                "loaded_at": t.loaded_at,
                "audits": t.audits_using,
            }
            for t in templates
        ]

        def text() -> None:
            if not rows:
                self.stdout.write(
                    "No audit templates yet. Load one with: caseaudit templates load FILE. The default "
                    f"Ofsted-model tool ({DEFAULT_TEMPLATE_FILE}) loads itself when the first audit needs it."
                )
                return
            self.stdout.write(
                f"{'template':<24}{'version':>8}  {'name':<40}{'scale':<16}{'sections':>9}  "
                f"{'loaded at':<17}{'audits':>7}"
            )
            for row in rows:
                loaded = f"{timezone.localtime(row['loaded_at']):%Y-%m-%d %H:%M}"
                self.stdout.write(
                    f"{row['template']:<24}{row['version']:>8}  {row['name'][:39]:<40}{row['scale']:<16}"
                    f"{row['sections']:>9}  {loaded:<17}{row['audits']:>7}"
                )

        write_data(self.stdout, rows, chosen, text)


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise CommandError(f"{path} is a folder: give the template's YAML file.")
        # Four bytes a character at most in UTF-8: anything bigger cannot be a template.
        if size > 4 * MAX_TEMPLATE_CHARS:
            raise CommandError(f"{path} is too big for a template ({size:,} bytes).")
        data = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except PermissionError:
        raise CommandError(f"{path} cannot be read: permission denied.") from None
    try:
        # utf-8-sig: editors on Windows often start a UTF-8 file with a byte order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {exc.start} cannot be read). Save it as UTF-8 and load it again."
        ) from None


def _sections_summary(tool: AuditTool) -> str:
    every = sum(1 for s in tool.sections if s.cohorts is None)
    by_cohort = Counter(cohort for s in tool.sections for cohort in s.cohorts or [])
    parts = [f"{len(tool.sections)} sections ({every} for every cohort"]
    parts += [f", {n} {cohort}" for cohort, n in by_cohort.items()]
    return "".join(parts) + ")"
