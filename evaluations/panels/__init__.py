"""Panels of people who rate the phase's models blind: experts, professional users, the public.

services: panels, invitations, sign-ups, blind ratings; votes: side-by-side; selectors and
statistics: results (intervals, agreement, conversion); points: into the assessments."""
