from django.urls import path

from . import allocation_views, plan_views, views, withdraw_views

app_name = "cycles"

urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("plan/", plan_views.plan, name="plan"),
    path("<int:pk>/", views.cycle_detail, name="detail"),
    path("<int:pk>/swap/", plan_views.swap, name="swap"),
    path("<int:pk>/confirm/", plan_views.confirm, name="confirm"),
    path("<int:pk>/discard/", plan_views.discard, name="discard"),
    path("<int:pk>/allocate/", allocation_views.allocate, name="allocate"),
    path("<int:pk>/close/", allocation_views.close, name="close"),
    path("<int:pk>/reopen/", allocation_views.reopen, name="reopen"),
    path("<int:pk>/audits/<int:audit_pk>/reallocate/", allocation_views.reallocate, name="reallocate"),
    path("<int:pk>/audits/<int:audit_pk>/withdraw/", withdraw_views.withdraw, name="withdraw"),
    path("<int:pk>/export.<str:fmt>", views.cycle_export, name="export"),
]
