"""The password of an account created from the command line: given, or asked for twice."""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def password_for(username: str, password: str | None) -> str:
    """The password, asked for (twice) when not given, and validated; CommandError otherwise."""
    if not password:
        password = getpass.getpass(f"Password for {username}: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was changed.")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from exc
    return password
