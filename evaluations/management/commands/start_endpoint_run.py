import time

from django.core.management.base import BaseCommand, CommandError

from evaluations.endpoints.models import Endpoint, EndpointRun
from evaluations.endpoints.services import _OperatorUser, endpoint_run_start
from evaluations.models import EvaluationRun
from evaluations.services import RunError
from leaderboard.models import Benchmark, FoundationModel, Phase


class Command(BaseCommand):
    help = (
        "Start an organizer run of a benchmark's hidden items against a model's endpoint; "
        "prints the run id and, with --wait, the final line as submit_run --wait does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--model", required=True)
        parser.add_argument("--phase", required=True)
        parser.add_argument("--benchmark", required=True)
        parser.add_argument("--endpoint", type=int, help="Default: the model's newest approved.")
        parser.add_argument("--wait", action="store_true", help="Wait for the final status.")
        parser.add_argument("--timeout", type=float, default=3600.0)

    def handle(self, *args, model, phase, benchmark, endpoint, wait, timeout, **options):
        try:
            found_model = FoundationModel.objects.get(slug=model)
            found_phase = Phase.objects.get(slug=phase)
            found_benchmark = Benchmark.objects.get(code=benchmark)
        except (FoundationModel.DoesNotExist, Phase.DoesNotExist, Benchmark.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        endpoints = Endpoint.objects.filter(model=found_model, state=Endpoint.State.APPROVED)
        chosen = endpoints.filter(pk=endpoint).first() if endpoint else endpoints.first()
        if chosen is None:
            raise CommandError(f"No approved endpoint for {model}.")
        try:
            run = endpoint_run_start(
                user=_OperatorUser(), endpoint=chosen, phase=found_phase, benchmark=found_benchmark
            )
        except RunError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(run.pk))
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while True:
            run.refresh_from_db()
            scored = run.evaluation_run
            if scored is not None:
                scored.refresh_from_db()
            if (scored is not None and scored.is_final) or run.status in (
                EndpointRun.Status.FAILED,
                EndpointRun.Status.CANCELLED,
                EndpointRun.Status.PAUSED,
            ):
                break
            if time.monotonic() > deadline:
                raise CommandError(f"still {run.status} after {timeout:.0f} s")
            time.sleep(0.5)
        if scored is not None and scored.status == EvaluationRun.Status.SUCCEEDED:
            result = scored.result
            self.stdout.write(
                f"succeeded {result.value:.1f} "
                f"(95% interval {result.interval_low:.1f}–{result.interval_high:.1f})"
            )
        elif scored is not None:
            raise CommandError(f"{scored.status}: {scored.error_message}")
        else:
            raise CommandError(f"{run.status}: {run.reason}")
