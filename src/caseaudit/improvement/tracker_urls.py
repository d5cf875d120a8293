"""The improvement tracker, mounted at /actions/: the meeting view, its agenda and export, one action and
the QA lead's decisions on it, recommendations, follow-up audits and the cases due for re-audit."""

from django.urls import path

from . import action_views, follow_up_views, tracker_views

app_name = "actions"

urlpatterns = [
    path("", tracker_views.meeting_view, name="meeting"),
    path("agenda/", tracker_views.agenda_view, name="agenda"),
    path("export.xlsx", tracker_views.export_view, name="export"),
    path("re-audits/", tracker_views.reaudit_list, name="reaudits"),
    path("recommend/", action_views.recommend, name="recommend"),
    path("<int:pk>/", action_views.action_detail, name="detail"),
    path("<int:pk>/update/", action_views.action_update, name="update"),
    path("<int:pk>/verify/", action_views.action_verify, name="verify"),
    path("<int:pk>/reopen/", action_views.action_reopen, name="reopen"),
    path("<int:pk>/cancel/", action_views.action_cancel, name="cancel"),
    path("<int:pk>/reassign/", action_views.action_reassign, name="reassign"),
    path("follow-ups/", follow_up_views.follow_up_list, name="follow-ups"),
    path("follow-ups/new/<int:case_pk>/", follow_up_views.follow_up_new, name="follow-up-new"),
    path("follow-ups/<int:pk>/", follow_up_views.follow_up_detail, name="follow-up"),
]
