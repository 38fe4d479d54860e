"""Panels of people who rate the phase's models blind: experts, professional users, the public.
May import leaderboard (models, selectors, charts, audit chain, conversion, decision services) and endpoints' streamed chat; the demo pack imports it.

services: panels, invitations, sign-ups, blind ratings (`rating_record`: the one audited write);
votes: side-by-side; tryout: trying a model (streamed, names masked) and the live side-by-side;
selectors and statistics: results (intervals, agreement, conversion); points: into the
assessments, and the decision board's comparison (board_views: adopt); imports: ratings from a
CSV file; published, public_views, api, dataset: what the public sees from the announcement
(aggregates, the API, the anonymised dataset). Imported by the URLs (kai_site.api_urls, the
panels' urls) and, inside a function, by the decision board's view.
"""
