import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from evaluations.models import EvaluationRun
from evaluations.services import RunError, run_submit_path
from leaderboard.models import Benchmark, FoundationModel, Phase


class Command(BaseCommand):
    help = "Submit a predictions file as an evaluation run (for evaluators)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--model", required=True, help="The model's slug.")
        parser.add_argument("--phase", required=True, help="The phase's slug.")
        parser.add_argument("--benchmark", required=True, help="The benchmark's code.")
        parser.add_argument("--mode", default="reasoning", choices=["reasoning", "non_reasoning"])
        parser.add_argument("--user", default=None, help="Submit as this user (default: none).")
        parser.add_argument("--wait", action="store_true", help="Wait for the final status.")
        parser.add_argument("--timeout", type=float, default=600.0)

    def handle(self, *args, path, model, phase, benchmark, mode, user, wait, timeout, **options):
        lookups = [
            (FoundationModel, {"slug": model}, "model"),
            (Phase, {"slug": phase}, "phase"),
            (Benchmark, {"code": benchmark}, "benchmark"),
        ]
        found = []
        for cls, lookup, label in lookups:
            try:
                found.append(cls.objects.get(**lookup))
            except cls.DoesNotExist as exc:
                raise CommandError(f"No {label} {next(iter(lookup.values()))!r}.") from exc
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        submitter = _CommandUser() if user is None else get_user_model().objects.get(username=user)
        try:
            run = run_submit_path(
                user=submitter,
                model=found[0],
                phase=found[1],
                benchmark=found[2],
                path=path,
                mode=mode,
            )
        except RunError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(run.id))
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while True:
            run.refresh_from_db()
            if run.is_final or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if run.status == EvaluationRun.Status.SUCCEEDED:
            result = run.result
            self.stdout.write(
                f"succeeded {result.value:.1f} "
                f"(95% interval {result.interval_low:.1f}–{result.interval_high:.1f})"
            )
        elif run.is_final:
            raise CommandError(f"{run.status}: {run.error_message}")
        else:
            raise CommandError(f"still {run.status} after {timeout:.0f} s")


class _CommandUser:
    """The operator at the command line: acts as an evaluator."""

    is_authenticated = True
    is_superuser = True
    pk = id = None
