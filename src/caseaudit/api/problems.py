"""Every error of the API as an RFC 9457 problem: `application/problem+json` with the type, title, status,
what went wrong in words a person can act on, and the path asked for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Schema
from ninja.errors import HttpError

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Changed since you read it",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Something went wrong",
}


def problem(
    request: HttpRequest, status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    response = JsonResponse(body, status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class Problem(Schema):
    """RFC 9457 problem details, as every error of the API is."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


# The errors any operation may answer with, for the OpenAPI document: no token, a role that may not, a
# thing not there (or not the person's to see), bad input, too many requests.
ERRORS: dict[int, type[Problem]] = dict.fromkeys((401, 403, 404, 422, 429), Problem)


def refused_form(form: forms.BaseForm) -> HttpError:
    """A 422 naming each field a page's form refused, in the form's own words: the API checks input with
    the pages' forms where they hold rules no schema states (an upload's kind and size)."""
    return HttpError(422, "; ".join(f"{name}: {' '.join(map(str, e))}" for name, e in form.errors.items()))
