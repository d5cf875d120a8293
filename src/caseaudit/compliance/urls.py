from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.summary, name="summary"),
    path("<slug:check>/<slug:status>/", views.cases, name="cases"),
    path("<slug:check>/<slug:status>/cases.csv", views.cases_csv, name="cases-csv"),
]
