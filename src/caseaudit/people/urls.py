from django.urls import path

from . import import_views, views

app_name = "people"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("add/", views.add, name="add"),
    path("import/", import_views.upload, name="import"),
    path("import/confirm/", import_views.confirm, name="import-confirm"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/change/", views.change, name="change"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    path("<int:pk>/send-link/", views.send_link, name="send-link"),
    path("<int:pk>/reset-authenticator/", views.reset_authenticator, name="reset-authenticator"),
    path("<int:pk>/unlock/", views.unlock, name="unlock"),
]
