"""Fixtures of the caller and rating-pad tests: a real hub with the demo center
(module-scoped) and one headless Chromium for the session."""

from tests.support.browser import browser  # noqa: F401
from tests.support.hub import demo_hub  # noqa: F401
