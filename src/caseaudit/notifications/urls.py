from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("read/", views.mark_all_read, name="mark-all-read"),
    path("email/", views.email_choice, name="settings"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/send-again/", views.resend, name="send-again"),
]
