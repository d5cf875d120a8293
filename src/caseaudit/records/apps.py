from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "caseaudit.records"
    label = "records"
    verbose_name = "Records: backups and subject access"

    def ready(self) -> None:
        from caseaudit.jobs.scheduled import Scheduled, register

        from .tasks import dispose_of_due

        # Disposal of the closed cases due, queued by cron or a timer once the schedule is confirmed.
        register(
            Scheduled(
                "retention",
                dispose_of_due,
                "Dispose of the closed cases due under the retention schedule",
                "dispose of the closed cases due under the confirmed schedule (as retention --yes does)",
            )
        )
