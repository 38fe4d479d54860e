"""Panels of people who rate the phase's models blind: experts, professional users, the public.
May import leaderboard's models, audit chain, conversion and decision services, and endpoints' streamed chat; the demo pack imports it.

services: panels, invitations, sign-ups, blind ratings; votes: side-by-side; tryout: trying a
model (streamed, names masked) and the live side-by-side; selectors and statistics: results
(intervals, agreement, conversion); points: into the assessments.
"""
