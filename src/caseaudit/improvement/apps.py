from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "caseaudit.improvement"
    label = "improvement"
    verbose_name = "From findings to change"

    def ready(self) -> None:
        from caseaudit.audits.action_book import register_action_book

        from .audit_actions import TrackerActionBook

        # The actions an auditor adds to an audit are kept here, in the tracker.
        register_action_book(TrackerActionBook())
