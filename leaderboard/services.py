"""Writes to the competition's data, each in one transaction."""

from __future__ import annotations

from django.db import transaction

from .models import Team, TeamMembership

# The program data loader lives in leaderboard/program/; these names stay importable here.
from .program.loader import PROGRAM_DATA_DIR, program_load  # noqa: F401
from .program.rows import score_import_key  # noqa: F401
from .program.sync import LoadReport, ProgramDataError  # noqa: F401

EVALUATOR_PERMISSIONS = {
    # app label: model names whose add/change/view permissions evaluators get
    "leaderboard": [
        "phase",
        "scoringcomponent",
        "team",
        "teampartner",
        "teammembership",
        "foundationmodel",
        "benchmark",
        "score",
        "assessment",
        "componentpoints",
        "gateresult",
        "phasefigure",
        "phaseparticipant",
        "phaseevent",
        "conversionrule",
        "independencerecord",
        "auditentry",
    ],
}


def evaluator_group_ensure():
    """The Evaluators group with its permissions (created or brought up to date)."""
    from django.contrib.auth.models import Group, Permission

    from .models import EVALUATORS_GROUP

    group, _ = Group.objects.get_or_create(name=EVALUATORS_GROUP)
    wanted = []
    for app_label, model_names in EVALUATOR_PERMISSIONS.items():
        for model_name in model_names:
            for action in ("add", "change", "view"):
                wanted.append((app_label, f"{action}_{model_name}"))
    perms = [
        perm
        for perm in Permission.objects.filter(
            content_type__app_label__in=EVALUATOR_PERMISSIONS
        ).select_related("content_type")
        if (perm.content_type.app_label, perm.codename) in set(wanted)
    ]
    group.permissions.add(*perms)
    return group


@transaction.atomic
def evaluator_create(*, username: str, email: str, password: str):
    """A staff user in the Evaluators group (created, or updated if the name exists)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
    user.email = email or user.email
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(evaluator_group_ensure())
    return user


def team_member_create(*, team_slug: str, username: str, email: str, password: str, role: str):
    """A user in a team (created, or updated if the name exists); not staff, not an evaluator."""
    from django.contrib.auth import get_user_model

    team = Team.objects.get(slug=team_slug)
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
    user.email = email or user.email
    user.set_password(password)
    user.save()
    TeamMembership.objects.update_or_create(user=user, team=team, defaults={"role": role})
    return user
