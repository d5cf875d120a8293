"""The HTTP API, version 1 (`/api/v1/`): every capability to scripts, the data warehouse and Power BI,
through the same action functions and scoped queries as the pages, so that the two can never disagree
about who may see or change what. Its OpenAPI document is `/api/v1/openapi.json`, browsable at
`/api/v1/docs` for signed-in staff."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as RefusedChange
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as BadInput

from caseaudit import policy

from . import actions_api, audits_api, cases_api, cycles_api, drafts_api, imports_api, reports_api
from .auth import AUTH, TooManyRequests
from .problems import ERRORS, MEDIA_TYPE, problem

logger = logging.getLogger(__name__)


class CaseauditApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The document, with every error answered as what it is: `application/problem+json`."""
        document = super().get_openapi_schema(*args, **kwargs)
        for item in document["paths"].values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    if int(status) >= 400 and "content" in response:
                        response["content"] = {MEDIA_TYPE: next(iter(response["content"].values()))}
        return document


api = CaseauditApi(
    title="caseaudit API",
    version="1",
    description=(
        "Case file audits: the register, cycles, audits, moderation, actions, compliance and reports. Send "
        "a personal token as `Authorization: Bearer TOKEN` (make one on your account page); it acts as "
        "you, with your role and what you may see. Every error is an RFC 9457 problem."
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    docs_decorator=policy.signed_in,
)
api.add_router("", cases_api.router)
api.add_router("", reports_api.router)
api.add_router("", actions_api.router)
api.add_router("", audits_api.router)
api.add_router("", drafts_api.router)
api.add_router("", cycles_api.router)
api.add_router("", imports_api.router)


class Me(Schema):
    username: str
    role: str
    token: str | None  # the token's name, when a token signed in
    token_expires: str | None


@api.get("/me", response={200: Me, **ERRORS}, summary="Who you are signed in as", tags=["you"])
def me(request: HttpRequest) -> dict[str, Any]:
    token = getattr(request, "api_token", None)
    user = request.user
    return {
        "username": user.get_username(),
        "role": getattr(user, "role", ""),
        "token": token.name if token else None,
        "token_expires": token.expires_at.date().isoformat() if token else None,
    }


@api.exception_handler(AuthenticationError)
def _not_signed_in(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        request,
        401,
        "Send a live personal token as `Authorization: Bearer TOKEN`, or sign in: this one is missing, "
        "unknown, expired or revoked.",
        headers={"WWW-Authenticate": 'Bearer realm="caseaudit"'},
    )


@api.exception_handler(TooManyRequests)
def _too_many(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    return problem(request, 429, str(exc), headers={"Retry-After": str(exc.retry_after)})


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))


@api.exception_handler(BadInput)
def _bad_input(request: HttpRequest, exc: BadInput) -> HttpResponse:
    errors = [
        {"at": ".".join(str(part) for part in error.get("loc", ())), "problem": error.get("msg", "")}
        for error in exc.errors
    ]
    detail = "; ".join(f"{e['at']}: {e['problem']}" for e in errors) or "The request could not be read."
    return problem(request, 422, detail, errors=errors)


@api.exception_handler(PermissionDenied)
def _refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "There is no such thing, or you may not see it.")


@api.exception_handler(RefusedChange)
def _refused_change(request: HttpRequest, exc: RefusedChange) -> HttpResponse:
    return problem(request, 422, " ".join(exc.messages))


@api.exception_handler(Exception)
def _failed(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request failed: %s %s", request.method, request.path)
    return problem(request, 500, "Something went wrong on our side: it has been logged. Try again later.")
