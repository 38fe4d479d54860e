from django.core.management.base import BaseCommand, CommandError

from leaderboard.corrections import CorrectionReason
from leaderboard.program.loader import program_load
from leaderboard.program.sync import ProgramDataError


class Command(BaseCommand):
    help = (
        "Load the program's published facts. Adds what is new and reports every difference "
        "between the data files and the database without changing it; --update applies them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Apply the differences to the database, each as an audit entry.",
        )
        parser.add_argument(
            "--reason-ko",
            default="",
            help="With --update: why the public record changes (Korean); needed when a "
            "published decision, points, gate or public score changes (a public correction).",
        )
        parser.add_argument("--reason-en", default="", help="The same reason in English.")

    def handle(self, *args, **options):
        try:
            report = program_load(
                update=options["update"],
                reason=CorrectionReason(options["reason_ko"], options["reason_en"]),
            )
        except ProgramDataError as exc:
            raise CommandError(str(exc)) from exc
        for label, counts in (("created", report.created), ("updated", report.updated)):
            if counts:
                summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                self.stdout.write(f"{label}: {summary}")
        if report.differences and not report.update:
            self.stdout.write(
                f"{len(report.differences)} differences between the data files and the "
                "database, left as they are (run with --update to apply them):"
            )
            for difference in report.differences:
                self.stdout.write(f"  {difference}")
        if not report.changed_anything and not report.differences:
            self.stdout.write("Program data already up to date; nothing changed.")
        elif not report.changed_anything and not report.update:
            self.stdout.write("Nothing changed.")
