"""Fixtures for the methods tests: the demo project and a small two-coder study,
each built once per test session and copied for every test that writes."""

from __future__ import annotations

import pytest

from export.project_builder import copy_project
from methods.methodskit import build_study


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The project `focuscode demo` builds: the sample corpus, rules suggestions and the reference coding."""
    from focuscode.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    return run_demo(db_path=out / "demo.db", out_dir=out / "exports").db


@pytest.fixture(scope="session")
def _study_template(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("study") / "studie.db")


@pytest.fixture
def study_db(_study_template, tmp_path):
    return copy_project(_study_template, tmp_path / "studie.db")
