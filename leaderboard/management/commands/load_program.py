from django.core.management.base import BaseCommand, CommandError

from leaderboard.services import ProgramDataError, program_load


class Command(BaseCommand):
    help = "Load the program's published facts (phases, scheme, teams, models, benchmarks, scores)."

    def handle(self, *args, **options):
        try:
            report = program_load()
        except ProgramDataError as exc:
            raise CommandError(str(exc)) from exc
        if not report.changed_anything:
            self.stdout.write("Program data already up to date; nothing changed.")
            return
        for label, counts in (("created", report.created), ("updated", report.updated)):
            if counts:
                summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                self.stdout.write(f"{label}: {summary}")
