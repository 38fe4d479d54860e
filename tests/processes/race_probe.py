"""Publish a phase while another thread reads the site's state between the save and the commit.

Run as a script against a temporary SQLite site in WAL mode (a reader sees the last committed
state while the publication's transaction is open). Prints one JSON object: what the reader saw
inside the transaction and what a request right after the commit sees.
"""

import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.processes.race_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402
from django.utils import timezone  # noqa: E402

from leaderboard.cache import current_state, published_phase_ids  # noqa: E402
from leaderboard.decisions import assessments as assessment_services  # noqa: E402
from leaderboard.models import Assessment, Phase, PhaseParticipant, Team  # noqa: E402
from leaderboard.services import evaluator_create  # noqa: E402


def main() -> None:
    evaluator = evaluator_create(username="race-ev", email="", password="a long password 123")
    team = Team.objects.create(
        slug="race-team",
        name_ko="경주팀",
        name_en="Race Team",
        lead_organization_ko="경주",
        lead_organization_en="Race",
    )
    phase = Phase.objects.create(
        slug="race", kind="final", order=7, name_ko="경주", name_en="Race", status="deciding"
    )
    PhaseParticipant.objects.create(phase=phase, team=team)
    Assessment.objects.create(team=team, phase=phase, outcome="advanced")
    current_state()  # a request before the publication: the index is cached, unpublished
    seen = {}

    def reader():
        gen, index = current_state()  # a request between the save and the commit
        seen["published_inside"] = phase.pk in published_phase_ids(index=index)
        connection.close()

    def read_while_open(sender, instance, **kwargs):
        if instance.pk == phase.pk and instance.announcement_at is not None:
            thread = threading.Thread(target=reader)
            thread.start()
            thread.join()

    post_save.connect(read_while_open, sender=Phase, weak=False)
    assessment_services.phase_publish(user=evaluator, phase=phase, at=timezone.now())
    gen, index = current_state()  # the next request after the commit
    seen["published_after_commit"] = phase.pk in published_phase_ids(index=index)
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
