"""The subcommands of `caseaudit report`, one module each: HELP, add_arguments(parser), run(command,
options)."""

from __future__ import annotations

from types import ModuleType

from . import benchmark, compare, export, grades, paper, themes

SUBCOMMANDS: dict[str, ModuleType] = {
    "grades": grades,
    "export": export,
    "paper": paper,
    "benchmark": benchmark,
    "compare": compare,
    "themes": themes,
}
