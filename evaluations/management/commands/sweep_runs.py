from django.core.management.base import BaseCommand

from evaluations.services import runs_sweep


class Command(BaseCommand):
    help = "Re-queue runs stuck in the queue or left running by a lost worker; fail them after 3 tries."

    def handle(self, *args, **options):
        report = runs_sweep()
        self.stdout.write(
            f"re-queued {report.requeued}, reset {report.reset} stale running, failed {report.failed}"
        )
