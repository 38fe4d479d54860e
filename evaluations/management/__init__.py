"""Management commands of the evaluations app (commands/).
Holds no code; its commands may import the evaluations services.
"""
