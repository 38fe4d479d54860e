from django.core.management.base import BaseCommand

from leaderboard.management.passwords import password_for
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
        password = password_for(username, password)
        user = evaluator_create(username=username, email=email, password=password)
        self.stdout.write(f"Evaluator {user.username!r} is ready; sign in at /accounts/login/.")
