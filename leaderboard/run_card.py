"""The public part of an endpoint run's card, for a published score measured by the organizer.

When a score comes from an endpoint run (the organizer asked the team's model endpoint the
hidden items: endpoint run → its scored evaluation run → ``Score.run``), the public sees how it
was measured: "Measured by the organizer on <date>, template v<N>, temperature <T>". Only once
the score itself is public (``public_score_condition``: the phase announced and the run marked
official); before that, nothing. Never the endpoint's address, served model name, system
prompt or key. The model page, the leaderboard and the API all call ``public_run_card``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Score
from .models.scores import public_score_condition


@dataclass(frozen=True)
class PublicRunCard:
    """What the public may know of how a score was measured.

    ``measured_on``: the day the run finished (site time zone, Asia/Seoul); ``template_version``:
    the prompt template's version; ``temperature``: the sampling temperature sent, or None when
    the endpoint's default was used.
    """

    measured_on: date
    template_version: int
    temperature: float | None

    @property
    def text(self) -> str:
        """The card as one sentence in the active language."""
        params = {"date": self.measured_on.isoformat(), "version": self.template_version}
        if self.temperature is None:
            return (
                _(
                    "Measured by the organizer on %(date)s, template v%(version)s, the endpoint's "
                    "default temperature"
                )
                % params
            )
        params["temperature"] = f"{self.temperature:g}"
        return (
            _(
                "Measured by the organizer on %(date)s, template v%(version)s, temperature "
                "%(temperature)s"
            )
            % params
        )

    def as_dict(self) -> dict:
        """The API's form: ``{measured_by, measured_on (YYYY-MM-DD), template_version,
        temperature (number or null), text}``."""
        return {
            "measured_by": "organizer",
            "measured_on": self.measured_on.isoformat(),
            "template_version": self.template_version,
            "temperature": self.temperature,
            "text": self.text,
        }


def public_run_card(score: Score, now=None) -> PublicRunCard | None:
    """The public card of ``score``, or None: not from an endpoint run, or not public at ``now``.

    Costs no query for a score without a run; otherwise two small ones.
    """
    if score is None or not score.run_id:
        return None
    if not Score.objects.filter(pk=score.pk).filter(public_score_condition(now)).exists():
        return None
    endpoint_runs = apps.get_model("evaluations", "EndpointRun")  # never imported at load
    run = (
        endpoint_runs.objects.select_related("template")
        .filter(evaluation_run_id=score.run_id)
        .only("finished_at", "started_at", "created_at", "card", "template__version")
        .first()
    )
    if run is None:
        return None
    when = run.finished_at or run.started_at or run.created_at
    temperature = (run.card or {}).get("temperature")
    return PublicRunCard(
        measured_on=timezone.localdate(when),
        template_version=run.template.version,
        temperature=float(temperature) if temperature is not None else None,
    )
