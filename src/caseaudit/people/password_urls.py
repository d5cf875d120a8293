"""The page a new person opens from their link to choose a password, without signing in."""

from django.urls import path

from . import password_views

app_name = "password"

urlpatterns = [
    path("<str:uidb64>/<str:token>/", password_views.choose, name="choose"),
]
