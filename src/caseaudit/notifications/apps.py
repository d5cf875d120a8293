from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "caseaudit.notifications"
    label = "notifications"
    verbose_name = "Notifications and email"

    def ready(self) -> None:
        from caseaudit.jobs.scheduled import Scheduled, register

        from . import checks  # noqa: F401  (registers the mail-server check)
        from .tasks import send_due_emails

        register(
            Scheduled(
                "email",
                send_due_emails,
                "Send the emails waiting in the outbox",
                "hand the emails due to the mail server, as caseaudit send-email does",
            )
        )
