from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluations.endpoints.prompts import benchmark_import
from evaluations.scoring.errors import AnswerKeyError
from leaderboard.models import Benchmark


class Command(BaseCommand):
    help = (
        "Import a JSONL answer key (id, answer, category, optional choices) for a benchmark; "
        "a line may also carry the hidden question (with choices) or prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--benchmark", required=True, help="The benchmark's code.")

    def handle(self, *args, path, benchmark, **options):
        try:
            bench = Benchmark.objects.get(code=benchmark)
        except Benchmark.DoesNotExist as exc:
            raise CommandError(f"No benchmark with the code {benchmark!r}.") from exc
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            key, prompts = benchmark_import(benchmark=bench, path=path)
        except AnswerKeyError as exc:
            raise CommandError(f"{path}: {exc.message} Nothing was stored.") from exc
        self.stdout.write(
            f"Stored the answer key of {bench.code}: {key.item_count} items in "
            f"{key.category_count} categories."
            + (f" Stored {prompts} hidden prompts." if prompts else "")
        )
