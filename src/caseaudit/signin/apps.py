from django.apps import AppConfig


class SignInConfig(AppConfig):
    name = "caseaudit.signin"
    label = "signin"
    verbose_name = "Signing in"

    def ready(self) -> None:
        from . import sessions  # noqa: F401  (keeps each person's sessions on the record as they sign in)
