"""Shared test fixtures: real hub processes and a headless browser."""
