"""Organizer-run evaluations against team model endpoints: endpoints, hidden prompts, runs.
May import evaluations' run services, models and serializers, leaderboard's models and audit chain and kai_site's API errors; evaluations' models, admin, urls, commands, the API urls and panels (trying a model) import it.

safety (URL and address checks), secrets (the API key, encrypted), limits and limit_stores
(in-flight and per-minute limits shared by every worker), retry, chat and client (asking),
streaming (one streamed chat for a person), checks, admission and forms (endpoints as data,
proposed and reviewed), prompts, services and tasks (a run's life), costs, views, proposals (the
team's page), review (the evaluators' page), api and api_serializers (the REST API of runs), admin.
"""
