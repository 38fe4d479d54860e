from django.core.management.base import BaseCommand

from evaluations.demo_pack import demo_load


class Command(BaseCommand):
    help = (
        "Load the synthetic demo pack: demo benchmarks and runs scored through the pipeline, "
        "and demo panels of simulated raters."
    )

    def handle(self, *args, **options):
        report = demo_load()
        self.stdout.write(
            f"Demo pack: {report.benchmarks} synthetic benchmarks; {report.runs_submitted} runs "
            f"submitted, {report.runs_existing} already there. Everything is marked DEMO."
        )
        panels = report.panels
        if panels is not None:
            self.stdout.write(
                f"Demo panels: {panels.panels} created ({panels.raters} simulated raters, "
                f"{panels.ratings} ratings, {panels.votes} votes), {panels.existing} already "
                "there; evaluators see them under /panels/manage/demo/."
            )
