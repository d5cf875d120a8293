from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("mine/", views.my_audits, name="mine"),
]
