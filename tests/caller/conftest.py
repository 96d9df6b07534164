"""Fixtures of the caller and rating-pad tests: a real hub with the demo center
(module-scoped) and one headless Chromium for the session."""

