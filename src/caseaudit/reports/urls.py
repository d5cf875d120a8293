from django.urls import path

from . import theme_views, views

app_name = "reports"

urlpatterns = [
    path("", views.grades, name="grades"),
    path("chart.svg", views.chart, name="chart"),
    path("grades.csv", views.grades_csv, name="grades-csv"),
    path("grades.xlsx", views.grades_xlsx, name="grades-xlsx"),
    path("export/", views.audit_export, name="export"),
    path("themes/", theme_views.themes, name="themes"),
]
