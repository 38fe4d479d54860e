"""Template tags and filters: numbers with their precision and source, the record's links.
May import leaderboard's models and pure rules only; no selectors or services.
"""
