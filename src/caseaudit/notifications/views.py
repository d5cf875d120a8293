"""A person's notifications (the list, opening one, marking them read, email or the app only) and the
QA lead's view of the outbox."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from caseaudit import policy
from caseaudit.accounts.access_log import record_access
from caseaudit.accounts.list_reads import shown
from caseaudit.accounts.models import User
from caseaudit.pagination import page_links, pagination
from caseaudit.ui.submission import submit

from .actions import choose_email, mark_read, send_again
from .forms import EmailChoiceForm
from .models import Email, Notification
from .notify import emails_wanted

PAGE_SIZE = 50


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@policy.signed_in
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(recipient=_me(request)).select_related("email")
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = mine.filter(read_at=None).count()
    # A notification names the case it is about by Child Unique ID ("Your audit of ... is returned"), so
    # the list is a read of children's records, even of one's own notifications.
    detail = shown("notifications", page.paginator.count, page=page, filters={"unread": unread})
    record_access(request.user, "view", "notification-list", "", detail)
    context = {
        "page": page,
        "pagination": pagination(page, page_links(reverse("notifications:list"))),
        "unread": unread,
    }
    return render(request, "notifications/list.html", context)


@policy.signed_in
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points: a POST, so that a link previewed or prefetched marks nothing."""
    notification = get_object_or_404(Notification, pk=pk, recipient=_me(request))
    mark_read(_me(request), Notification.objects.filter(pk=notification.pk))
    safe = url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()})
    return redirect(notification.link if notification.link and safe else "notifications:list")


@policy.signed_in
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = mark_read(_me(request), Notification.objects.all())
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list")


@policy.signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def email_choice(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    initial = {"email": "yes" if emails_wanted(me) else "no"}
    form = EmailChoiceForm(request.POST if request.method == "POST" else None, initial=initial)

    def page(status: int) -> HttpResponse:
        return render(
            request, "notifications/settings.html", {"form": form, "has_email": bool(me.email)}, status=status
        )

    if request.method != "POST":
        return page(200)
    return submit(
        request,
        form,
        act=lambda data: choose_email(me, email=data["email"]),
        page=page,
        then=reverse("notifications:list"),
        done=lambda changed: "Your choice is saved." if changed else "Nothing changed.",
    )


@policy.capability_required(policy.READ_OUTBOX)
@require_http_methods(["GET", "HEAD"])
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    emails = Email.objects.select_related("recipient")
    if status in Email.Status.values:
        emails = emails.filter(status=status)
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    base = reverse("notifications:outbox") + (f"?status={status}&" if status else "?")
    shown_status = status if status in Email.Status.values else ""
    detail = shown("emails", page.paginator.count, page=page, filters={"status": shown_status})
    record_access(request.user, "view", "outbox", "", detail)
    counts = {s: Email.objects.filter(status=s).count() for s in Email.Status.values}
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "pagination": pagination(page, lambda number: f"{base}page={number}"),
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in Email.Status.choices],
        },
    )


@policy.capability_required(policy.RESEND_EMAIL)
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_object_or_404(Email, pk=pk)
    try:
        send_again(email, acting_user=_me(request))
    except ValidationError as refusal:
        messages.info(request, refusal.messages[0])
        return redirect("notifications:outbox")
    email.refresh_from_db()
    if email.status == Email.Status.SENT:
        messages.success(request, f"The email to {email.to} was sent.")
    else:
        messages.warning(request, f"The email to {email.to} was not sent: {email.describe()}.")
    return redirect("notifications:outbox")
