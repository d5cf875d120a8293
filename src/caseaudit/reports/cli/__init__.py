"""The subcommands of `caseaudit report`, one module each: HELP, add_arguments(parser), run(command,
options)."""

from __future__ import annotations

from types import ModuleType

from . import grades

SUBCOMMANDS: dict[str, ModuleType] = {"grades": grades}
