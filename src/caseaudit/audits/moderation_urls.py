"""Moderation pages, in the "audits" namespace (see urls.py)."""

from django.urls import URLPattern, path

from . import moderation_views

urlpatterns: list[URLPattern] = [
    path("moderation/", moderation_views.moderation_queue, name="moderation-queue"),
    path(
        "moderation/statistics/",
        moderation_views.moderation_statistics_page,
        name="moderation-statistics",
    ),
    path("<int:pk>/moderate/", moderation_views.moderate, name="moderate"),
]
