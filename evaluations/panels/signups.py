"""Public sign-ups to a panel: one account per verified e-mail address, confirmed by a link."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Panel, Rater, SignUp
from .services import (
    NotFound,
    PanelError,
    _new_token,
    _seat,
    demo_refusal,
    rater_refusal,
    token_hash,
)


def normalized_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def signup_start(
    *,
    panel: Panel,
    email: str,
    username: str,
    password: str,
    link_for: Callable[[str], str],
    now=None,
    signed_in=None,
) -> SignUp:
    """A public sign-up: an inactive account and an e-mail with a link that verifies it.

    `signed_in` is the account the request comes from, if any: a team member or an evaluator
    may not open a second account to rate (PanelError, nothing saved).
    """
    now = now or timezone.now()
    if panel.rater_kind != Panel.RaterKind.PUBLIC:
        raise NotFound()
    demo = demo_refusal(panel)
    if demo:
        raise PanelError({None: demo})
    if signed_in is not None and getattr(signed_in, "is_authenticated", False):
        refusal = rater_refusal(signed_in, panel)
        if refusal is not None:
            raise PanelError({None: refusal})
    if now >= panel.closes_at:
        raise PanelError({None: _("This panel has closed.")})
    email = normalized_email(email)
    User = get_user_model()
    errors: dict[str | None, str] = {}
    # An address signed up but never confirmed does not block its owner: the earlier, inactive
    # account is replaced (the confirmation goes to the address, so only its owner can finish).
    unconfirmed = SignUp.objects.filter(
        email=email, verified_at__isnull=True, user__is_active=False
    )
    User.objects.filter(pk__in=unconfirmed.values("user")).delete()
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("An account already uses this e-mail address: one account each.")
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This user name is taken.")
    if errors:
        raise PanelError(errors)
    user = User.objects.create_user(username=username, email=email, password=password)
    user.is_active = False
    user.save(update_fields=["is_active"])
    token, hashed = _new_token()
    signup = SignUp.objects.create(panel=panel, user=user, email=email, token_hash=hashed)
    link = link_for(token)
    send_mail(
        _("Confirm your e-mail address for the K-AI Leaderboard panel"),
        _(
            "Open this link to confirm your e-mail address and join the panel "
            "“%(panel)s”:\n\n%(link)s\n\nIf you did not sign up, ignore this message."
        )
        % {"panel": panel.name, "link": link},
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )
    return signup


@transaction.atomic
def signup_verify(*, token: str, now=None) -> Rater:
    """Verify the e-mail address: the account becomes active and takes its seat."""
    now = now or timezone.now()
    signup = (
        SignUp.objects.select_for_update(of=("self",))
        .select_related("panel", "user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if signup is None:
        raise NotFound()
    if signup.verified_at is not None:
        raise PanelError({None: _("This address is already confirmed.")})
    demo = demo_refusal(signup.panel)
    if demo:
        raise PanelError({None: demo})
    if Rater.objects.filter(panel=signup.panel, verified_email=signup.email).exists():
        raise PanelError(
            {None: _("An account already uses this e-mail address: one account each.")}
        )
    signup.verified_at = now
    signup.save(update_fields=["verified_at"])
    user = signup.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    return _seat(user, signup.panel, via="signup", verified_email=signup.email)
