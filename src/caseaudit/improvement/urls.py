from django.urls import path

from . import views

app_name = "improvement"

urlpatterns = [
    path("", views.concern_list, name="list"),
    path("raise/<int:audit_pk>/", views.raise_concern, name="raise"),
    path("<int:pk>/", views.concern_detail, name="detail"),
]
