from django.apps import AppConfig


class WorkConfig(AppConfig):
    """The home page sits above every other app (below the demo only): it reads each app's scoped
    queries and says what needs the person now, without owning any data."""

    name = "caseaudit.work"
    label = "work"
    verbose_name = "Your work"
