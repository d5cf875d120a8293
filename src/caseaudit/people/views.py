"""The people pages: the list of accounts, adding one, an account's page, changing it, deactivating and
reactivating it, and sending a new link to choose a password. For those who manage accounts (the QA lead
and the administrator); every change goes through `actions`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from caseaudit import policy
from caseaudit.accounts.models import User
from caseaudit.signin import actions as signin_actions
from caseaudit.signin import lockout
from caseaudit.signin.second_factor import has_authenticator
from caseaudit.ui.submission import submit

from . import actions
from .fields import ROLE_LABELS, values_of, with_role
from .forms import AccountForm, ChangeAccountForm, VersionOnlyForm

ACTIVE_CHOICES = {"yes": "Active", "no": "Deactivated"}


def _account(pk: int) -> User:
    return get_object_or_404(User.objects.select_related("staff__team"), pk=pk)


def _link_said(sent: actions.LinkSent) -> str:
    if sent.email is None:
        return (
            f"{sent.user.username} has no email address, so no link was sent. Add their email address and "
            "send a link from this page, or run `caseaudit users send-link` for a link to hand over."
        )
    return f"A link to choose a password is on its way to {sent.user.email}. It works for 72 hours."


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_safe
def account_list(request: HttpRequest) -> HttpResponse:
    people = User.objects.select_related("staff__team").order_by("username")
    role = request.GET.get("role", "")
    active = request.GET.get("active", "")
    if role in ROLE_LABELS:
        people = with_role(people, role)
    if active in ACTIVE_CHOICES:
        people = people.filter(is_active=active == "yes")
    # An authority has hundreds of accounts, not thousands: one page, filtered.
    rows = [(user, values_of(user)) for user in people]
    return render(
        request,
        "people/list.html",
        {
            "rows": rows,
            "roles": ROLE_LABELS,
            "role": role,
            "active_choices": ACTIVE_CHOICES,
            "active": active,
        },
    )


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "HEAD", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_ACCOUNTS)
    form = AccountForm(request.POST or None)
    if request.method != "POST":
        return render(request, "people/add.html", {"form": form})
    site = request.build_absolute_uri("/")
    return submit(
        request,
        form,
        act=lambda data: actions.add_account(_checked(form), acting_user=user, site_url=site),
        page=lambda status: render(request, "people/add.html", {"form": form}, status=status),
        then=lambda sent: reverse("people:detail", args=[sent.user.pk]),
        done=lambda sent: f"{sent.user.username} is added. {_link_said(sent)}",
    )


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(pk)
    return render(
        request,
        "people/detail.html",
        {
            "account": account,
            "values": values_of(account),
            "form": VersionOnlyForm(initial={"version": account.version}),
            "has_password": account.has_usable_password(),
            "has_authenticator": has_authenticator(account),
            "locked": lockout.is_locked(account.username, None),
        },
    )


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "HEAD", "POST"])
def change(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_ACCOUNTS)
    account = _account(pk)
    if request.method != "POST":
        values = values_of(account)
        initial: dict[str, Any] = {
            **values,
            "capacity": values["capacity"] if values["capacity"] is not None else "",
        }
        form = ChangeAccountForm(initial={**initial, "version": account.version}, account=account)
        return render(request, "people/change.html", {"form": form, "account": account})
    form = ChangeAccountForm(request.POST, account=account)
    return submit(
        request,
        form,
        act=lambda data: actions.change_account(
            account, _checked(form), expected_version=data["version"], acting_user=user
        ),
        page=lambda status: render(
            request, "people/change.html", {"form": form, "account": account}, status=status
        ),
        then=reverse("people:detail", args=[account.pk]),
        done=f"The account {form.data.get('username') or account.username} is changed.",
        field_for="role",
    )


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_http_methods(["GET", "HEAD", "POST"])
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_ACCOUNTS)
    account = _account(pk)
    form = VersionOnlyForm(request.POST or None, initial={"version": account.version})

    def page(status: int) -> HttpResponse:
        return render(request, "people/deactivate.html", {"form": form, "account": account}, status=status)

    if request.method != "POST":
        return page(200)
    return submit(
        request,
        form,
        act=lambda data: actions.deactivate_account(
            account, expected_version=data["version"], acting_user=user
        ),
        page=page,
        then=reverse("people:detail", args=[account.pk]),
        done=f"{account.username} is deactivated. They cannot sign in; everything they did is kept.",
    )


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_POST
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_ACCOUNTS)
    account = _account(pk)
    form = VersionOnlyForm(request.POST)
    return submit(
        request,
        form,
        act=lambda data: actions.reactivate_account(
            account, expected_version=data["version"], acting_user=user
        ),
        page=lambda status: _detail_again(request, account, form, status),
        then=reverse("people:detail", args=[account.pk]),
        done=f"{account.username} is active again and can sign in.",
    )


@policy.capability_required(policy.MANAGE_ACCOUNTS)
@require_POST
def send_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.MANAGE_ACCOUNTS)
    account = _account(pk)
    form = VersionOnlyForm(request.POST)
    site = request.build_absolute_uri("/")
    return submit(
        request,
        form,
        act=lambda data: actions.send_password_link(account, acting_user=user, site_url=site),
        page=lambda status: _detail_again(request, account, form, status),
        then=reverse("people:detail", args=[account.pk]),
        done=_link_said,
    )


def _detail_again(request: HttpRequest, account: User, form: VersionOnlyForm, status: int) -> HttpResponse:
    account.refresh_from_db()
    context = {
        "account": account,
        "values": values_of(account),
        "form": form,
        "has_password": account.has_usable_password(),
    }
    return render(request, "people/detail.html", context, status=status)


def _checked(form: AccountForm) -> Any:
    assert form.checked is not None  # the form is valid
    return form.checked


@policy.capability_required(policy.RESET_MFA)
@require_http_methods(["GET", "HEAD", "POST"])
def reset_authenticator(request: HttpRequest, pk: int) -> HttpResponse:
    """For a person who lost their phone: asks first, since it also signs them out everywhere."""
    user = policy.person(request.user, policy.RESET_MFA)
    account = _account(pk)
    if request.method != "POST":
        return render(request, "people/reset_authenticator.html", {"account": account})
    signin_actions.reset_mfa(account, acting_user=user)
    messages.success(
        request,
        f"{account.username}'s authenticator app and recovery codes are removed and they are signed out. "
        "They set up a new app when they next sign in.",
    )
    return redirect("people:detail", account.pk)


@policy.capability_required(policy.UNLOCK_ACCOUNTS)
@require_POST
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = policy.person(request.user, policy.UNLOCK_ACCOUNTS)
    account = _account(pk)
    signin_actions.unlock(username=account.username, acting_user=user)
    messages.success(request, f"{account.username} can sign in again now.")
    return redirect("people:detail", account.pk)
