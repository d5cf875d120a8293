from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "caseaudit.improvement"
    label = "improvement"
    verbose_name = "From findings to change"

    def ready(self) -> None:
        from caseaudit.audits.action_book import register_action_book
        from caseaudit.audits.my_work import register_my_work
        from caseaudit.cases.panels import register_case_history
        from caseaudit.cases.scoping import register_allocated_cases
        from caseaudit.jobs.scheduled import Scheduled, register

        from .audit_actions import TrackerActionBook
        from .case_history import improvement_history
        from .follow_up import follow_up_cases, my_follow_ups
        from .tasks import send_reminders

        # The actions an auditor adds to an audit are kept here, in the tracker.
        register_action_book(TrackerActionBook())
        # A follow-up audit opens its case to its auditor until it is completed.
        register_allocated_cases(follow_up_cases)
        # The case page lists the case's actions, follow-ups and concerns.
        register_case_history(improvement_history)
        # An auditor's follow-up audits are listed in My audits.
        register_my_work(my_follow_ups)
        # Reminders of actions due, queued daily by cron or a timer.
        register(
            Scheduled(
                "reminders",
                send_reminders,
                "Remind owners of their actions due",
                "remind action owners of actions overdue or due soon (as send-action-reminders does)",
            )
        )
