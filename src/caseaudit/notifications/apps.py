from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "caseaudit.notifications"
    label = "notifications"
    verbose_name = "Notifications and email"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the mail-server check)
