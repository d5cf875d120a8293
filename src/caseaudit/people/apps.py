from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "caseaudit.people"
    label = "people"
    verbose_name = "Staff accounts"
