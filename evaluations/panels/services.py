"""Panel writes: creating panels, inviting and signing up raters, ratings and votes; audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.audit import chain as audit
from leaderboard.models import (
    ConversionRule,
    FoundationModel,
    Phase,
    PhaseParticipant,
    ScoringComponent,
    is_evaluator,
    team_ids_of,
)

from .models import (
    Criterion,
    Invitation,
    Panel,
    Rater,
    RaterLabel,
    Rating,
)

LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class PanelError(Exception):
    """A panel action cannot be done as asked; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str | None, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    @property
    def message(self) -> str:
        return " ".join(str(v) for v in self.errors.values())


class NotFound(Exception):
    """What was asked for does not exist for this user (views answer 404)."""


def token_hash(token: str) -> str:
    """Invitation and verification tokens are stored only as their SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def require_evaluator(user) -> None:
    if not is_evaluator(user):
        raise PanelError({None: _("Only evaluators may do this.")})


def panel_snapshot(panel: Panel) -> dict:
    return {
        "code": panel.code,
        "component": panel.component.code,
        "rater_kind": panel.rater_kind,
        "blind": panel.blind,
        "opens_at": panel.opens_at,
        "closes_at": panel.closes_at,
        "conversion": panel.conversion_id,
        "criteria": [
            [c.code, c.scale_min, c.scale_max] for c in panel.criteria.order_by("order", "code")
        ],
        "models": sorted(panel.rated_models.values_list("pk", flat=True)),
    }


@dataclass(frozen=True)
class CriterionInput:
    code: str
    name_ko: str
    name_en: str
    description_ko: str = ""
    description_en: str = ""


@transaction.atomic
def panel_create(
    *,
    user,
    phase: Phase,
    component: ScoringComponent,
    code: str,
    name_ko: str,
    name_en: str,
    rater_kind: str,
    opens_at,
    closes_at,
    criteria: list[CriterionInput],
    scale_min: int = 1,
    scale_max: int = 5,
    blind: bool = True,
    models: list[FoundationModel] | None = None,
) -> Panel:
    """A panel for a component of the phase, rating the phase's entered models by default.

    Its conversion to points is the component's published rule when there is one; every
    criterion then takes the rule's scale (a rule's raw maximum is the top of the scale)."""
    require_evaluator(user)
    errors: dict[str | None, str] = {}
    if component.phase_id != phase.pk:
        errors["component"] = _("Choose a component of this phase.")
    elif component.max_points is None:
        errors["component"] = _("A pass/fail gate has no points.")
    if rater_kind not in Panel.RaterKind.values:
        errors["rater_kind"] = _("Choose who rates.")
    if not criteria:
        errors["criteria"] = _("A panel needs at least one criterion.")
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        errors["criteria"] = _("Each criterion needs its own code.")
    for c in criteria:
        if not (c.name_ko.strip() and c.name_en.strip()):
            errors["criteria"] = _("Every criterion needs a name in Korean and in English.")
    if scale_max <= scale_min:
        errors["scale_max"] = _("The top of the scale must be above its bottom.")
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("The panel must close after it opens.")
    if Panel.objects.filter(phase=phase, code=code).exists():
        errors["code"] = _("This phase already has a panel with this code.")
    conversion = ConversionRule.objects.filter(component=component).first()
    if conversion is not None and scale_max != conversion.raw_max:
        errors["scale_max"] = _(
            "The published conversion takes ratings up to %(max)s; use that scale."
        ) % {"max": f"{conversion.raw_max.normalize():f}"}
    if models is None:
        models = list(
            FoundationModel.objects.filter(
                pk__in=PhaseParticipant.objects.filter(phase=phase, model__isnull=False).values(
                    "model"
                )
            )
        )
    if len(models) < 2:
        errors["models"] = _("A panel needs at least two models to rate.")
    if len(models) > len(LABELS):
        errors["models"] = _("A panel rates at most 26 models.")
    if errors:
        raise PanelError(errors)
    panel = Panel.objects.create(
        phase=phase,
        component=component,
        code=code,
        name_ko=name_ko,
        name_en=name_en,
        rater_kind=rater_kind,
        blind=blind,
        opens_at=opens_at,
        closes_at=closes_at,
        conversion=conversion,
        created_by=user,
    )
    for order, c in enumerate(criteria):
        Criterion.objects.create(
            panel=panel,
            code=c.code,
            name_ko=c.name_ko.strip(),
            name_en=c.name_en.strip(),
            description_ko=c.description_ko.strip(),
            description_en=c.description_en.strip(),
            scale_min=scale_min,
            scale_max=scale_max,
            order=order,
        )
    panel.rated_models.set(models)
    audit.audit_record(user, "panel.create", panel, None, panel_snapshot(panel))
    return panel


@transaction.atomic
def invitation_create(*, user, panel: Panel, email: str = "") -> tuple[Invitation, str]:
    """A single-use invitation; the token is returned once and only its hash is kept."""
    require_evaluator(user)
    demo = demo_refusal(panel)
    if demo:
        raise PanelError({None: demo})
    if panel.rater_kind == Panel.RaterKind.PUBLIC:
        raise PanelError({None: _("Members of the public join by signing up, not by invitation.")})
    token, hashed = _new_token()
    invitation = Invitation.objects.create(
        panel=panel, email=email.strip(), token_hash=hashed, created_by=user
    )
    audit.audit_record(
        user, "panel.invite", invitation, None, {"panel": panel.pk}, phase_id=panel.phase_id
    )
    return invitation, token


def demo_refusal(panel: Panel) -> str | None:
    """Why no real person may join or rate on this panel, or None: a synthetic demo panel
    (the panel's or its phase's `is_demo`) publishes every rating as synthetic, so it takes no
    joins, sign-ups or invitations; its simulated raters are written by the demo pack."""
    if panel.is_demo or panel.phase.is_demo:
        return _(
            "This is a synthetic demo panel: its ratings are simulated, so real people "
            "cannot join it or rate on it."
        )
    return None


def rater_refusal(user, panel: Panel) -> str | None:
    """Why this account may not rate on this panel, or None."""
    demo = demo_refusal(panel)
    if demo:
        return demo
    if team_ids_of(user):
        return _("Members of a team cannot rate models.")
    if is_evaluator(user):
        return _("Evaluators cannot rate: they know which model is which.")
    return None


def _draw_labels(rater: Rater) -> None:
    """A random order of the panel's models for this rater; the label follows the position."""
    models = list(rater.panel.rated_models.all())
    secrets.SystemRandom().shuffle(models)
    RaterLabel.objects.bulk_create(
        RaterLabel(rater=rater, model=m, label=LABELS[i], position=i) for i, m in enumerate(models)
    )


def _seat(user, panel: Panel, *, via: str, verified_email: str = "") -> Rater:
    try:
        with transaction.atomic():
            rater = Rater.objects.create(panel=panel, user=user, verified_email=verified_email)
    except IntegrityError as exc:
        raise PanelError({None: _("You already have a seat on this panel.")}) from exc
    _draw_labels(rater)
    audit.audit_record(
        user,
        "panel.rater.join",
        rater,
        None,
        {"panel": panel.pk, "via": via},
        phase_id=panel.phase_id,
    )
    return rater


def invitation_lookup(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("panel").filter(token_hash=token_hash(token)).first()
    )
    if invitation is None:
        raise NotFound()
    return invitation


@transaction.atomic
def invitation_accept(*, user, token: str, now=None) -> Rater:
    """Take the seat the invitation offers; a used invitation is refused, whoever brings it."""
    now = now or timezone.now()
    invitation = invitation_lookup(token)
    panel = invitation.panel
    if invitation.used_at is not None:
        raise PanelError({None: _("This invitation has already been used.")})
    if now >= panel.closes_at:
        raise PanelError({None: _("This panel has closed.")})
    refusal = rater_refusal(user, panel)
    if refusal:
        raise PanelError({None: refusal})
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=now, used_by=user
    )
    if claimed != 1:
        raise PanelError({None: _("This invitation has already been used.")})
    return _seat(user, panel, via="invitation")


def rater_for(*, user, panel_id) -> Rater:
    """The user's seat on the panel; anyone without one gets NotFound."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    rater = (
        Rater.objects.select_related("panel", "panel__phase").filter(panel_id=panel_id, user=user)
    ).first()
    if rater is None:
        raise NotFound()
    return rater


def require_open(rater: Rater, now) -> None:
    if not rater.panel.is_open(now):
        if now < rater.panel.opens_at:
            raise PanelError({None: _("This panel is not open yet.")})
        raise PanelError({None: _("This panel has closed; ratings can no longer change.")})
    refusal = rater_refusal(rater.user, rater.panel)
    if refusal:
        raise PanelError({None: refusal})


def _rating_snapshot(rating: Rating | None) -> dict | None:
    if rating is None or rating.pk is None:
        return None
    return {
        "rater": rating.rater_id,
        "model": rating.model_id,
        "criterion": rating.criterion.code,
        "value": rating.value,
        "comment": audit.private_digest(rating.comment),
    }


def rating_record(
    *, actor, rater: Rater, model_id: int, criterion: Criterion, value: int, comment: str, now
) -> Rating:
    """The one write of a rating, made on the site (`rating_save`) or imported
    (`imports.ratings_import`): the scale is checked, the rating saved and the change audited
    (`panel.rating.create` / `panel.rating.change`; the comment only as a keyed digest).
    PanelError when the value is off the criterion's scale."""
    if not (criterion.scale_min <= value <= criterion.scale_max):
        raise PanelError(
            {
                "value": _("Rate from %(low)s to %(high)s.")
                % {"low": criterion.scale_min, "high": criterion.scale_max}
            }
        )
    rating = (
        Rating.objects.select_for_update()
        .filter(rater=rater, model_id=model_id, criterion=criterion)
        .first()
    ) or Rating(rater=rater, model_id=model_id, criterion=criterion)
    before = _rating_snapshot(rating)
    if rating.pk is not None and rating.value == value and rating.comment == comment.strip():
        return rating
    rating.value = value
    rating.comment = comment.strip()
    rating.updated_at = now
    rating.save()
    action = "panel.rating.change" if before else "panel.rating.create"
    audit.audit_record(
        actor, action, rating, before, _rating_snapshot(rating), phase_id=rater.panel.phase_id
    )
    return rating


@transaction.atomic
def rating_save(
    *, user, panel_id, label: str, criterion: str, value: int, comment: str = "", now=None
) -> Rating:
    """Rate the model shown under `label` on one criterion; every change is audited."""
    now = now or timezone.now()
    rater = rater_for(user=user, panel_id=panel_id)
    require_open(rater, now)
    shown = RaterLabel.objects.filter(rater=rater, label=label).first()
    crit = Criterion.objects.filter(panel_id=panel_id, code=criterion).first()
    if shown is None or crit is None:
        raise PanelError({"label": _("No such model or criterion on this panel.")})
    return rating_record(
        actor=user,
        rater=rater,
        model_id=shown.model_id,
        criterion=crit,
        value=value,
        comment=comment,
        now=now,
    )


@transaction.atomic
def comment_consent_set(*, user, panel_id, consent: bool) -> Rater:
    """A rater agrees (or no longer agrees) that their comments appear in the published
    anonymised dataset; audited. Without it, no comment of theirs is ever published."""
    rater = rater_for(user=user, panel_id=panel_id)
    if rater.comment_consent != consent:
        before = {"comment_consent": rater.comment_consent}
        rater.comment_consent = consent
        rater.save(update_fields=["comment_consent"])
        audit.audit_record(
            user,
            "panel.rater.consent",
            rater,
            before,
            {"comment_consent": consent},
            phase_id=rater.panel.phase_id,
        )
    return rater
