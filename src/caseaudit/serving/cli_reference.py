"""The command line reference, made from the commands' own help: every caseaudit command (and each of its
subcommands) with its usage, description and options, as `caseaudit COMMAND --help` prints them, in
Markdown. The README holds it between two markers; a test fails when the two differ, so the reference
can never drift from the commands (`caseaudit cli-reference --write` brings it up to date)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandParser

START = "<!-- cli-reference: made by `caseaudit cli-reference --write`; edit the commands' help, not this -->"
END = "<!-- cli-reference: end -->"
# The width the help is laid out at: the same wherever the reference is made.
WIDTH = "100"


def caseaudit_commands() -> dict[str, BaseCommand]:
    """caseaudit's own commands (not Django's), by name."""
    found = {}
    for name, app in sorted(get_commands().items()):
        if isinstance(app, str) and app.startswith("caseaudit"):
            module = import_module(f"{app}.management.commands.{name}")
            found[name] = module.Command()
    return found


def reference() -> str:
    """The whole reference, as Markdown."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        parts = [_section(name, command) for name, command in caseaudit_commands().items()]
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return "\n".join(parts)


def _section(name: str, command: BaseCommand) -> str:
    shown = name.replace("_", "-")
    parser = CommandParser(
        prog=f"caseaudit {shown}",
        description=command.help or None,
        called_from_command_line=False,
    )
    command.add_arguments(parser)
    blocks = [f"#### `caseaudit {shown}`\n", "```text", parser.format_help().rstrip()]
    for sub_name, sub in _subcommands(parser):
        blocks += ["", f"--- caseaudit {shown} {sub_name} ---", sub.format_help().rstrip()]
    blocks.append("```\n")
    return "\n".join(blocks)


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def readme_with_reference(readme: str) -> str:
    """The README's text with the reference between its markers replaced by today's."""
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n\n{reference()}\n{END}{after}"


def readme_path() -> Path:
    return Path(__file__).resolve().parents[3] / "README.md"
