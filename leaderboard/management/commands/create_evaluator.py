import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from leaderboard.services import evaluator_create


class Command(BaseCommand):
    help = "Create (or reset) an evaluator account: a staff user in the Evaluators group."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="evaluator")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password", help="Not recommended on shared machines; asked for when omitted."
        )

    def handle(self, *args, username, email, password, **options):
        if not password:
            password = getpass.getpass(f"Password for {username}: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was changed.")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user = evaluator_create(username=username, email=email, password=password)
        self.stdout.write(f"Evaluator {user.username!r} is ready; sign in at /accounts/login/.")
