"""gunicorn, run inside `caseaudit serve` with the settings it is given (and no configuration file or
GUNICORN_CMD_ARGS: what runs is what `caseaudit serve` and the operations guide say)."""

from __future__ import annotations

from typing import Any

from django.db import connections
from gunicorn.app.base import BaseApplication


class Server(BaseApplication):
    def __init__(self, options: dict[str, object]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from caseaudit.wsgi import application

        # The app is loaded in the master before the workers are forked; a database connection open now
        # would be shared by all of them.
        connections.close_all()
        return application
