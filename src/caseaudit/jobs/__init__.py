"""Background jobs: work that takes longer than a page should wait for (an import, a large export), or that
the service does on its own (sending email, reminders, retention), run by `caseaudit worker` through
Django's tasks API. See `running.py` for how a job runs and `recovery.py` for a worker that stops."""
