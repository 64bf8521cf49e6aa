"""Fixtures: a CLI runner with a fixed terminal, and a parse cache of each test's own."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cas_plan.cli import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner, monkeypatch: pytest.MonkeyPatch):
    """Run casplan with a fixed terminal width and no colour, as a user's CI would."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CASPLAN_PLAN", raising=False)

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return run


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own parse cache directory, never the user's."""
    monkeypatch.setenv("CASPLAN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("CASPLAN_NO_CACHE", raising=False)
