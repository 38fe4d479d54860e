from django.core.management.base import BaseCommand, CommandError

from leaderboard.audit.chain import audit_chain_verify, head_hash


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain; name the first broken entry and fail if any."

    def handle(self, *args, **options):
        check = audit_chain_verify()
        if not check.ok:
            raise CommandError(
                f"Audit log broken at entry #{check.broken_seq}: {check.reason} "
                f"({check.checked} entries before it are intact)."
            )
        self.stdout.write(f"Audit log intact: {check.checked} entries, head {head_hash()}.")
