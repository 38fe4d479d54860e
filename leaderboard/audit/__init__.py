"""The audit log: the hash chain of every change to the public record, and its public page.
May import leaderboard's models only; everything that changes the public record imports it.
"""
