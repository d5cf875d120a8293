"""The base form of the pages that change a record two people may edit at once: it carries the version of
the record (optimistic locking, see `caseaudit.locking`). An action's refusal reaches any form through
`ui.submission.add_refusal`."""

from __future__ import annotations

from typing import Any

from django import forms


class VersionedForm(forms.Form):
    """A form that changes a record two people may edit at once: it carries the version the page showed,
    so that a change made on a page someone has since changed is refused rather than overwriting theirs.
    `thing` names the record in the message for a page that lost its version."""

    thing = "record"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].error_messages["required"] = (
            f"The page is missing the {self.thing}'s version: reload it and try again."
        )
