from django.core.management.base import BaseCommand

from evaluations.demo_pack import demo_load


class Command(BaseCommand):
    help = "Load the synthetic demo pack: demo benchmarks and runs scored through the pipeline."

    def handle(self, *args, **options):
        report = demo_load()
        self.stdout.write(
            f"Demo pack: {report.benchmarks} synthetic benchmarks; {report.runs_submitted} runs "
            f"submitted, {report.runs_existing} already there. Everything is marked DEMO."
        )
