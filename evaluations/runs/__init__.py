"""Evaluation runs, step by step: submit -> queue -> score (whole or chunked) -> results; sweep.
May import evaluations' models and scoring, leaderboard's models and audit; tasks only via queue.
"""
