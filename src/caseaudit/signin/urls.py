from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("sign-in/code/", views.enter_code, name="code"),
    path("sign-in/set-up/", views.set_up, name="set-up"),
    path("sign-in/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/", views.account, name="account"),
    path("account/sign-out-everywhere/", views.sign_out_all, name="sign-out-everywhere"),
]
