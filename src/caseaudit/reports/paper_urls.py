"""The committee paper of a cycle: on screen, as PDF and as Word. Mounted at /reports/cycles/.

Its own namespace, `paper`: the `reports` namespace belongs to reports/urls.py, and Django cannot merge one
namespace from two includes."""

from django.urls import path

from . import paper_views

app_name = "paper"

urlpatterns = [
    path("<int:pk>/paper/", paper_views.paper_page, name="page"),
    path("<int:pk>/paper.<str:fmt>", paper_views.paper_download, name="download"),
]
