"""The team portal (/team/): a member's dashboard, run and phase feedback, exports, endpoints.
May import evaluations' selectors, models, services, endpoints and leaderboard's models and audit.
"""
