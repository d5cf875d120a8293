from django.contrib.auth import views as auth_views
from django.urls import include, path

from .serving import views as serving_views
from .signin.forms import LockingSignInForm
from .work import views as work_views

urlpatterns = [
    path("", work_views.home, name="home"),  # Your work
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=LockingSignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor after the password, and the person's own account page.
    path("", include("caseaudit.signin.urls")),
    path("cases/", include("caseaudit.cases.urls")),
    path("cycles/", include("caseaudit.cycles.urls")),
    path("audits/", include("caseaudit.audits.urls")),
    path("concerns/", include("caseaudit.improvement.urls")),
    path("compliance/", include("caseaudit.compliance.urls")),
    path("actions/", include("caseaudit.improvement.tracker_urls")),
    path("notifications/", include("caseaudit.notifications.urls")),
    path("people/", include("caseaudit.people.urls")),
    # A new person chooses their password here, from a single-use link, without signing in.
    path("set-password/", include("caseaudit.people.password_urls")),
    path("reports/", include("caseaudit.reports.urls")),
    # A person's background jobs: an import's progress, a large export's file.
    path("jobs/", include("caseaudit.jobs.urls")),
    path("reports/cycles/", include("caseaudit.reports.paper_urls")),
    # The access log and the security log, searched and downloaded.
    path("logs/", include("caseaudit.records.log_urls")),
    # The feedback form for children, young people and carers: no sign-in, a single-use link.
    path("feedback/", include("caseaudit.audits.public_feedback_urls")),
    # For a load balancer or monitor: whether this copy of the service can work, without a session or data.
    path("healthz", serving_views.healthz, name="healthz"),
    # The HTTP API (`/api/v1/`), and a person's API tokens on their account.
    path("", include("caseaudit.api.urls")),
]

handler403 = "caseaudit.views.forbidden"
handler404 = "caseaudit.views.not_found"
