"""The program's data files (leaderboard/data/) and their loader, which syncs them, audited.
May import leaderboard's models, audit and rules; nothing of the public views or decisions.

`load_program` adds what is new and reports every difference from the database without
changing it; with `--update` it applies the differences, each as an audit entry.
"""
