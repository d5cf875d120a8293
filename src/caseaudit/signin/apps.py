from django.apps import AppConfig


class SignInConfig(AppConfig):
    name = "caseaudit.signin"
    label = "signin"
    verbose_name = "Signing in"

    def ready(self) -> None:
        from . import events, sessions  # noqa: F401  (their signal receivers: sessions kept, security log)
