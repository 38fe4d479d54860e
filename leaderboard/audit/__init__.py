"""The audit log: the hash chain of every decision, publication and score change, and its public page.
May import leaderboard's models only; everything that changes the public record imports it.
"""
