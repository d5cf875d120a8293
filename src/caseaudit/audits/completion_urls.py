"""Completing an audit: the task list and its pages (names in the "audits" namespace)."""

from django.urls import path

from . import completion_views as views

urlpatterns = [
    path("<int:pk>/", views.audit_detail, name="detail"),
    path("<int:pk>/start/", views.audit_start, name="start"),
    path("<int:pk>/sections/<slug:slug>/", views.audit_section, name="section"),
    path("<int:pk>/sections/<slug:slug>/autosave/", views.audit_section_autosave, name="section-autosave"),
    path("<int:pk>/evidence/", views.audit_evidence, name="evidence"),
    path("<int:pk>/findings/", views.audit_findings, name="findings"),
    path("<int:pk>/overall/", views.audit_overall, name="overall"),
    path("<int:pk>/submit/", views.audit_submit, name="submit"),
]
