"""Evaluator decisions: the board, assessments, official runs, publication (forms, views, urls).
May import leaderboard's models, audit, corrections, points, reference and cache; not its public views.
"""
