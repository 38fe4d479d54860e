from django.core.management.base import BaseCommand, CommandError

from leaderboard.management.passwords import password_for
from leaderboard.models import Team, TeamMembership
from leaderboard.services import team_member_create


class Command(BaseCommand):
    help = (
        "Create (or reset) a team member's account: a user in one team, who submits runs for "
        "that team's models and reads its private feedback."
    )

    def add_arguments(self, parser):
        parser.add_argument("--team", required=True, help="The team's slug, e.g. lg-ai-research.")
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--role", choices=[c for c, _ in TeamMembership.Role.choices], default="member"
        )
        parser.add_argument(
            "--password", help="Not recommended on shared machines; asked for when omitted."
        )

    def handle(self, *args, team, username, email, role, password, **options):
        if not Team.objects.filter(slug=team).exists():
            known = ", ".join(Team.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No team with the slug {team!r}; known teams: {known or 'none'}.")
        password = password_for(username, password)
        user = team_member_create(
            team_slug=team, username=username, email=email, password=password, role=role
        )
        self.stdout.write(
            f"{user.username!r} is a {role} of {team}; sign in at /accounts/login/ or get an "
            "API token at /api/v1/auth/token/."
        )
