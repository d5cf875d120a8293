"""The subcommands of `caseaudit report`, one module each: HELP, add_arguments(parser), run(command,
options)."""

from __future__ import annotations

from types import ModuleType

from . import export, grades, paper

SUBCOMMANDS: dict[str, ModuleType] = {"grades": grades, "export": export, "paper": paper}
