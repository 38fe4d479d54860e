"""Management commands of the leaderboard app (commands/).
Holds no code; its commands may import the leaderboard services.
"""
