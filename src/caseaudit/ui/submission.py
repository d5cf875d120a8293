"""The one shape of a POST that changes something: validate the form, call the action function, turn a
refusal into form errors (or a conflict into 409, keeping what the person typed), and redirect on success.

    return submit(
        request, form,
        act=lambda data: tracker.update_action(action, **data, acting_user=user),
        done="The action is updated.",
        then=reverse("actions:detail", args=[action.pk]),
        page=lambda status: render(request, "...", {"form": form}, status=status),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from caseaudit.locking import EditConflict

CONFLICT_STATUS = 409


def add_refusal(form: forms.Form, error: Exception, field_for: Mapping[str, str] | str | None = None) -> None:
    """An action's refusal as the form's errors: a message the action gave for a field goes to that field
    (so the error link lands on the right input), as do messages named in `field_for`; the rest belong to no
    field. A field name as `field_for` takes every message, for a form whose refusals are all about one
    input."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for named, messages in error.message_dict.items():
            for message in messages:
                form.add_error(named if named in form.fields else None, message)
        return
    for message in getattr(error, "messages", None) or [str(error)]:
        field = field_for if isinstance(field_for, str) else (field_for or {}).get(message)
        form.add_error(field if field in form.fields else None, message)


def submit(
    request: HttpRequest,
    form: forms.Form,
    *,
    act: Callable[[dict[str, Any]], object],
    page: Callable[[int], HttpResponse],
    then: str | Callable[[Any], str],
    done: str | Callable[[Any], str] = "",
    field_for: Mapping[str, str] | str | None = None,
) -> HttpResponse:
    """Validate `form`, call `act` with its cleaned data, and redirect to `then` with the `done` message
    (each a text, or a function of what `act` returned). A ValidationError from the action becomes form
    errors and the page again (200); an EditConflict, the page with status 409. `page(status)` renders the
    page with the same form, so nothing the person typed is lost."""
    if not form.is_valid():
        return page(200)
    try:
        result = act(form.cleaned_data)
    except EditConflict as conflict:
        add_refusal(form, conflict)
        return page(CONFLICT_STATUS)
    except ValidationError as refusal:
        add_refusal(form, refusal, field_for)
        return page(200)
    if done:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if callable(then) else then)
