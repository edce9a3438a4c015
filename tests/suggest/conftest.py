"""Fixtures of the suggestion tests; the builder and its constants live in sample_project."""

from __future__ import annotations

from tests.suggest.sample_project import sample_db, sample_template  # noqa: F401  (fixtures)
