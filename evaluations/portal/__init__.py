"""The team portal (/team/): a member's dashboard, run and phase feedback, and their exports.
May import evaluations' selectors and models and leaderboard's models and audit; nothing imports it.
"""
