"""python manage.py import_panel_ratings PATH --phase SLUG --panel CODE [--language ko|en]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from evaluations.panels.imports import RatingsImportError, ratings_import


class Command(BaseCommand):
    help = (
        "Load a panel's ratings collected elsewhere from a CSV file (columns rater, model, "
        "criterion, rating; optional comment and consent). Every problem is reported with its "
        "line; on any problem nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--phase", required=True, help="The phase's slug.")
        parser.add_argument("--panel", required=True, help="The panel's code in that phase.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the messages (ko or en).",
        )

    def handle(self, *args, path, phase, panel, language, **options):
        with translation.override(language):
            if not path.is_file():
                raise CommandError(_("%(path)s: no such file.") % {"path": path})
            try:
                summary = ratings_import(phase_slug=phase, panel_code=panel, data=path.read_bytes())
            except RatingsImportError as exc:
                lines = [f"{path}: {problem}" for problem in exc.problems]
                lines.append(_("Nothing was saved."))
                raise CommandError("\n".join(lines)) from exc
            self.stdout.write(
                _(
                    "Imported %(ratings)s ratings of %(models)s models by %(raters)s raters "
                    "(%(created)s new) into the panel %(panel)s."
                )
                % {
                    "ratings": summary.ratings,
                    "models": summary.models,
                    "raters": summary.raters,
                    "created": summary.raters_created,
                    "panel": panel,
                }
            )
