"""Panels of people who rate the phase's models blind: experts, professional users, the public.
May import leaderboard's models, audit chain, conversion and decision services; nothing imports it.

services: panels, invitations, sign-ups, blind ratings; votes: side-by-side; selectors and
statistics: results (intervals, agreement, conversion); points: into the assessments.
"""
