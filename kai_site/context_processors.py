from leaderboard.models import is_evaluator, team_ids_of


def roles(request):
    """What the navigation needs to know about the signed-in user."""
    user = request.user
    evaluator = is_evaluator(user)
    return {"is_evaluator": evaluator, "can_use_runs": evaluator or bool(team_ids_of(user))}
