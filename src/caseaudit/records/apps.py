from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "caseaudit.records"
    label = "records"
    verbose_name = "Records: backups and subject access"
