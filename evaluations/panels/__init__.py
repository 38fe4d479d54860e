"""Panels of people who rate the phase's models blind: experts, professional users, the public.

Models, invitations and sign-ups, blind labels, ratings, side-by-side votes, and the results
(mean ratings with intervals, agreement, the published conversion to points)."""
