"""The base forms of the pages that change something: a form an action function may refuse, and one that
carries the version of the record it changes (optimistic locking, see `caseaudit.locking`)."""

from __future__ import annotations

from typing import Any

from django import forms


class RefusableForm(forms.Form):
    """A form whose submission an action function may refuse (audits, the tracker)."""

    def add_action_error(self, error: Exception) -> None:
        """An action's refusal, as errors belonging to no field."""
        messages = getattr(error, "messages", None) or [str(error)]
        for message in messages:
            self.add_error(None, message)


class VersionedForm(RefusableForm):
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
