"""Commands: create an evaluator or team member, load the program's data, verify the audit log.
Thin: each parses its arguments and calls one leaderboard service; may import nothing else.
"""
