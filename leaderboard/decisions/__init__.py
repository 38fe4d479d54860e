"""Evaluator decisions: the board, assessments, official runs, publication (forms, views, urls).
May import leaderboard's models, audit, rules, cache and public API; never the public page views.
"""
