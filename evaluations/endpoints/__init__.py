"""Building blocks for organizer-run evaluations against team model endpoints (issue 16):
URL safety, API-key encryption, shared rate and in-flight limits, and the async client."""
