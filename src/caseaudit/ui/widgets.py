"""GOV.UK Frontend form widgets for Django forms: radios whose error link lands on the first radio, and the
three-box date input with the design system's error messages. Every app's forms use these."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


class Radios(forms.RadioSelect):
    """Radios whose first input carries the field's id, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ if index in (None, "0") else f"{id_}-{index}"


class DateInput(forms.MultiWidget):
    """The three boxes of the GOV.UK date input: day, month, year. Rendered by the template."""

    def __init__(self) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()])

    def id_for_label(self, id_: str) -> str:
        # The day box, so that the error summary links to the first box of the date.
        return f"{id_}_0" if id_ else id_

    def decompress(self, value: date | None) -> list[Any]:
        return [value.day, value.month, value.year] if value else [None, None, None]


class DateField(forms.MultiValueField):
    """A date typed into the GOV.UK date input, with its error messages ("Start date must include a
    month", "Start date must be a real date")."""

    widget = DateInput

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        self.noun = label
        parts = (forms.CharField(required=False),) * 3
        super().__init__(parts, label=label, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list:
            return None
        day, month, year = ((part or "").strip() for part in data_list)
        if not (day or month or year):
            return None
        missing = [
            name for name, part in zip(("day", "month", "year"), (day, month, year), strict=True) if not part
        ]
        if missing:
            raise forms.ValidationError(f"{self.noun} must include a {' and a '.join(missing)}")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{self.noun} must be a real date") from None
        if not 2000 <= value.year <= 2100:
            raise forms.ValidationError(f"{self.noun} must be between the years 2000 and 2100")
        return value
