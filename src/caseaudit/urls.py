from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .accounts.forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", include("caseaudit.cases.urls")),
    path("cycles/", include("caseaudit.cycles.urls")),
    path("audits/", include("caseaudit.audits.urls")),
]

handler403 = "caseaudit.views.forbidden"
handler404 = "caseaudit.views.not_found"
