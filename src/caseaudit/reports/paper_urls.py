"""The committee paper of a cycle: on screen, its stored PDF and Word files (the draft, and each version
issued), and the QA lead's words, "Regenerate draft" and "Issue". Mounted at /reports/cycles/.

Its own namespace, `paper`: the `reports` namespace belongs to reports/urls.py, and Django cannot merge one
namespace from two includes."""

from django.urls import path

from . import paper_issue_views, paper_views, paper_words_views

app_name = "paper"

urlpatterns = [
    path("<int:pk>/paper/", paper_views.paper_page, name="page"),
    path("<int:pk>/paper.<str:fmt>", paper_views.paper_download, name="download"),
    path("<int:pk>/paper/v<int:number>.<str:fmt>", paper_views.version_download, name="version"),
    path("<int:pk>/paper/regenerate/", paper_issue_views.regenerate, name="regenerate"),
    path("<int:pk>/paper/regenerate/<int:job_id>/", paper_issue_views.regenerating, name="regenerating"),
    path("<int:pk>/paper/issue/", paper_issue_views.issue, name="issue"),
    path("<int:pk>/paper/words/", paper_words_views.paper_words, name="words"),
    path("<int:pk>/paper/officers.<str:fmt>", paper_views.officers_download, name="officers"),
]
