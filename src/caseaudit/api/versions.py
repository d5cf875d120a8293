"""Versions over HTTP: a record's `version` (the optimistic lock every page's change names) as its `ETag`,
and the `If-Match` an update must send back. A change without one is refused (428), one made on a version
that is no longer current is refused (412), and neither changes anything."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError

_ETAG = re.compile(r'^(?:W/)?"v?(\d{1,9})"$')


def etag(record: Any) -> str:
    return f'"v{record.version}"'


def expected_version(request: HttpRequest, thing: str) -> int:
    """The version the request's If-Match names. Raises HttpError 428 without one, 412 for one that is no
    ETag of ours."""
    given = request.headers.get("If-Match", "").strip()
    if not given:
        raise HttpError(
            428,
            f"Send If-Match with the ETag of the {thing} as you read it, so that nobody's change is lost.",
        )
    matched = _ETAG.match(given)
    if matched is None:
        raise HttpError(412, f"If-Match {given!r} is not an ETag of this {thing}: read it again.")
    return int(matched[1])
