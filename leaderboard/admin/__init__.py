"""The admin: no side door; every change is audited and goes through the evaluator rules.
May import leaderboard's models, audit, corrections and decisions' services; nothing imports it.
"""

from . import phases, records, scores, teams  # noqa: F401 (importing them registers the pages)
