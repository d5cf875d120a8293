"""Completing an audit: the task list and its pages (names in the "audits" namespace)."""

from django.urls import path

from . import practice_feedback_views
from .completion_views import evidence, findings, overall, section, submit, task_list

urlpatterns = [
    path("<int:pk>/", task_list.audit_detail, name="detail"),
    path("<int:pk>/start/", task_list.audit_start, name="start"),
    path("<int:pk>/sections/<slug:slug>/", section.audit_section, name="section"),
    path("<int:pk>/sections/<slug:slug>/autosave/", section.audit_section_autosave, name="section-autosave"),
    path("<int:pk>/evidence/", evidence.audit_evidence, name="evidence"),
    path("<int:pk>/findings/", findings.audit_findings, name="findings"),
    path("<int:pk>/overall/", overall.audit_overall, name="overall"),
    path("<int:pk>/submit/", submit.audit_submit, name="submit"),
    path("<int:pk>/practice-feedback/", practice_feedback_views.practice_feedback, name="practice-feedback"),
    path(
        "<int:pk>/practice-feedback/acknowledge/",
        practice_feedback_views.acknowledge,
        name="practice-feedback-acknowledge",
    ),
]
