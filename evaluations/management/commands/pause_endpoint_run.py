from django.core.management.base import BaseCommand, CommandError

from evaluations.endpoints.models import EndpointRun
from evaluations.endpoints.services import _OperatorUser, endpoint_run_pause, endpoint_run_resume


class Command(BaseCommand):
    help = "Pause a running endpoint run, or resume a paused one (--resume)."

    def add_arguments(self, parser):
        parser.add_argument("run_id")
        parser.add_argument("--resume", action="store_true")

    def handle(self, *args, run_id, resume, **options):
        run = EndpointRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"No endpoint run {run_id}.")
        change = endpoint_run_resume if resume else endpoint_run_pause
        if not change(run=run, user=_OperatorUser()):
            raise CommandError(f"The run is {run.status}; nothing changed.")
        self.stdout.write("resumed" if resume else "paused")
