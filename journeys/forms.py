from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from journeys.security import (
    locked_out_message,
    login_failure_record,
    login_failures_clear,
    login_is_locked,
)


class LoginForm(AuthenticationForm):
    """Django's login form with the autocomplete hints password managers and phones expect."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self) -> dict[str, object]:
        username = self.data.get("username", "") or ""
        if username and login_is_locked(username):
            raise ValidationError(locked_out_message(), code="locked_out")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                login_failure_record(username)
            raise
        login_failures_clear(username)
        return cleaned
