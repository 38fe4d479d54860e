"""Evaluation runs: answer keys, uploads, runs/ (submit → score → results), scoring/, tasks, portal/.
May import leaderboard (models, audit, decisions, serializers); leaderboard never imports it at load.
"""
