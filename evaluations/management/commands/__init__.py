"""Commands: import an answer key, load the demo, submit a run, sweep stuck runs.
Thin: each parses its arguments and calls one evaluations service; may import nothing else.
"""
