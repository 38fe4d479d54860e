"""Organizer-run evaluations against team model endpoints: endpoints, hidden prompts, runs.
May import evaluations' run services, models and serializers, leaderboard's models and kai_site's API errors; evaluations' models, admin, urls, commands and the API urls import it.

safety (URL and address checks), secrets (the API key, encrypted), limits and limit_stores
(in-flight and per-minute limits shared by every worker), retry, chat and client (asking),
admission (endpoints as data), prompts, services and tasks (a run's life), costs, views,
api and api_serializers (the REST API of runs), admin.
"""
