"""Deploy checks of our own (`python manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

# Backends that write each message, password-reset links and their tokens included, to the
# server's output or to files beside it.
WRITING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def email_backend_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """With DEBUG off, refuse an e-mail backend that prints messages, unless it is meant."""
    if settings.DEBUG or getattr(settings, "ALLOW_CONSOLE_EMAIL", False):
        return []
    if settings.EMAIL_BACKEND not in WRITING_BACKENDS:
        return []
    return [
        checks.Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: password-reset e-mails, with the links "
            "that set a new password, would be written to the server's output instead of sent.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST "
            "(see the README's configuration table), or ALLOW_CONSOLE_EMAIL=true if that is "
            "really meant (a machine nobody else can read the output of).",
            id="kai_site.E001",
        )
    ]
