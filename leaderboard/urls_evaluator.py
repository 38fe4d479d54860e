"""Evaluator pages (/evaluate/): decision board, assessment form, publication."""

app_name = "evaluator"
urlpatterns: list = []
