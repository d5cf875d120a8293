"""The steps after the password (setting up an authenticator app, its recovery codes, entering a code)
and the person's own account page, with "Sign out everywhere". The password step is the sign-in page
(`caseaudit.urls`, with `forms.SignInForm`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.accounts.security_log import Event, record_security_event
from caseaudit.web.client import client_address

from . import lockout, second_factor
from .actions import confirm_authenticator, note_recovery_code_used, sign_out_everywhere, start_authenticator
from .events import sign_in_failed
from .forms import WRONG_CODE, CodeForm
from .middleware import PENDING_CODES
from .models import SignedInSession


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _next(request: HttpRequest) -> str:
    """Where the person was going when the steps began: a page of this service, or else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else reverse("home")


def _step(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': _next(request)})}")


def _done(request: HttpRequest) -> bool:
    """Nothing more to do at these steps: no second factor required, or already given."""
    return not second_factor.required() or request.user.is_verified()  # type: ignore[union-attr]


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.warning(request, lockout.LOCKED_MESSAGE)
    return redirect("login")


@policy.signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code the person's authenticator app shows, or a recovery code.
    A wrong code counts towards the username's lockout as a wrong password does."""
    user = _me(request)
    if _done(request):
        return redirect(_next(request))
    if not second_factor.has_authenticator(user):
        return _step("signin:set-up", request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        address = client_address(request)
        if lockout.is_locked(user.username, address):
            lockout.refuse(user.username, address)
            sign_in_failed(user.username, "code refused: locked out")
            return _locked_out(request)
        device = second_factor.verify(user, form.cleaned_data["code"])
        if device is None:
            sign_in_failed(user.username, "wrong code")
            if lockout.record_failure(user.username, address, lockout.FailedSignIn.Reason.WRONG_CODE):
                return _locked_out(request)
            form.add_error("code", f"{WRONG_CODE}, or one of your recovery codes")
        else:
            otp_login(request, device)
            lockout.succeeded(user.username)
            if not isinstance(device, StaticDevice):
                record_security_event(Event.SIGNED_IN, user=user, detail="code from the authenticator app")
            else:
                note_recovery_code_used(acting_user=user)  # the security log's event, "recovery code used"
                messages.info(
                    request,
                    f"You used a recovery code: you have {second_factor.recovery_codes_left(user)} left. "
                    "If you have lost your phone, ask your QA lead or administrator to reset your "
                    "authenticator app.",
                )
            return redirect(_next(request))
    return render(request, "signin/code.html", {"form": form, "next": _next(request)})


@policy.signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Setting up an authenticator app, before anything else: scan the QR code (or type the key), then
    enter the first code the app shows to confirm it."""
    user = _me(request)
    if _done(request):
        return redirect(_next(request))
    if second_factor.has_authenticator(user):
        return _step("signin:code", request)
    device: TOTPDevice = second_factor.authenticator_to_confirm(user) or start_authenticator(acting_user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if device.verify_token(second_factor.normalised(form.cleaned_data["code"])):
            codes = confirm_authenticator(device, acting_user=user)
            otp_login(request, device)
            request.session[PENDING_CODES] = codes
            return _step("signin:recovery-codes", request)
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": second_factor.qr_code(device),
        "secret": second_factor.secret_text(device),
    }
    return render(request, "signin/set_up.html", context)


@policy.signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The ten recovery codes, shown once, right after the app is set up; gone once the person says they
    saved them."""
    codes = request.session.get(PENDING_CODES)
    if not codes:
        return redirect(_next(request))
    if request.method == "POST":
        del request.session[PENDING_CODES]
        messages.success(request, "Your authenticator app is set up.")
        return redirect(_next(request))
    return render(request, "signin/recovery_codes.html", {"codes": codes, "next": _next(request)})


@policy.signed_in
@require_http_methods(["GET", "HEAD"])
def account(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    context = {
        "has_authenticator": second_factor.has_authenticator(user),
        "codes_left": second_factor.recovery_codes_left(user),
        "sessions": SignedInSession.objects.filter(user=user).count(),
    }
    return render(request, "signin/account.html", context)


@policy.capability_required(policy.MANAGE_OWN_SIGN_IN)
@require_POST
def sign_out_all(request: HttpRequest) -> HttpResponse:
    """End every session of this person, on every computer and phone, this one too."""
    ended = sign_out_everywhere(acting_user=_me(request))
    logout(request)
    sessions = "session" if ended == 1 else "sessions"
    messages.success(request, f"You are signed out everywhere ({ended} {sessions} ended).")
    return redirect("login")
