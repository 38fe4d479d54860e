"""Accounts under attack: who is locked after failed sign-ins, and what a new password ends.

django-axes locks an account from one address (`AXES_LOCKOUT_PARAMETERS = [["username",
"ip_address"]]`): five failures for alice from an office lock alice there, and nobody else. Across
accounts, one address gets a budget of failures (LOGIN_ADDRESS_FAILURE_LIMIT within the cool-off);
beyond it the address is slowed down: every account that then fails from it is locked there at its
first failure instead of its fifth. An account that does not fail (someone else typing the right
password behind the same address) is never refused.
"""

from __future__ import annotations

import logging

from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .client_address import client_address

log = logging.getLogger("kai.accounts")


def address_failures(address: str, *, request=None) -> int:
    """Failed sign-ins from one address, over every account, within the cool-off time."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(ip_address=address)
    cool_off = get_cool_off(request)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: failures that lock an account from an address (1 once it is over budget)."""
    limit = settings.LOGIN_FAILURE_LIMIT
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    if (
        address
        and address_failures(address, request=request) > settings.LOGIN_ADDRESS_FAILURE_LIMIT
    ):
        return 1
    return limit


def password_changed_end_credentials(user) -> None:
    """A new password ends the account's API tokens and lifts its sign-in lockouts.

    Its other browser sessions end by themselves: Django ties each session to a hash of the
    password, and the password-change page keeps only its own (update_session_auth_hash).
    """
    from axes.utils import reset

    from .api_tokens import tokens_revoke_all

    revoked = tokens_revoke_all(user=user)
    reset(username=user.get_username())
    if revoked:
        log.info(
            "password changed: API tokens revoked", extra={"user_id": user.pk, "count": revoked}
        )


class EndCredentialsOnPasswordChange:
    """Not a rule for passwords: Django's documented hook for 'the password has changed'.

    Listed in AUTH_PASSWORD_VALIDATORS so that every way of setting a password (the change and
    reset pages, the admin, `changepassword`, the account commands) revokes the API tokens: Django
    calls password_changed() from User.save() after set_password().
    """

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            password_changed_end_credentials(user)

    def get_help_text(self):
        return _("A new password ends your API tokens: scripts need a new token afterwards.")
