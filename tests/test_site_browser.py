"""The site in headless Chromium: the search filters the list from a query string (the script
reads ?q=, ?unit=, ?goal=, ?status=), and no page logs a console error or a blocked request
(a CSP violation or a missing file is logged to the console, which --enable-logging prints).

Skipped when Chromium is not installed (Debian: apt-get install chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_site import AS_OF, site_files

from plans import write_plan

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


def open_page(url: str, profile: Path) -> tuple[str, list[str]]:
    """The DOM after the page's scripts ran, and what the page logged to its console."""
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return result.stdout, console


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from cas_plan.cli import app

    root = tmp_path_factory.mktemp("browser")
    plan = write_plan(root / "plan", site_files())
    result = CliRunner().invoke(
        app, ["site", "--plan", str(plan), "--out", str(root / "site"), "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.output
    return root / "site"


def shown_rows(dom: str) -> list[str]:
    return re.findall(r'<tr data-activity="([^"]+)">', dom)


def test_search_filters_the_list_without_console_errors(site, tmp_path):
    dom, console = open_page((site / "activities.html").as_uri() + "?q=EACH%20marc", tmp_path)
    assert console == []
    assert '<div id="search" class="search" role="search">' in dom  # the script showed it
    assert shown_rows(dom) == ["1.1.8"]  # words in any case, all of them; the others hidden
    assert "1 of 14 activities shown" in dom


def test_search_by_unit_goal_and_status(site, tmp_path):
    url = (site / "activities.html").as_uri() + "?unit=hr-division&goal=1&status=completed"
    dom, console = open_page(url, tmp_path)
    assert console == []
    # 1.1.7 continues the responsible cell of 1.1.5 (hr-division and audit-department)
    assert shown_rows(dom) == ["1.1.1", "1.1.7"]


def test_search_finds_hostile_text_as_text(site, tmp_path):
    dom, console = open_page((site / "activities.html").as_uri() + "?q=onmouseover", tmp_path)
    assert console == []
    assert shown_rows(dom) == ["1.1.2"]


@pytest.mark.parametrize(
    "page", ["index.html", "activities/1.1.3.html", "units/hr-division.html", "amendments.html"]
)
def test_pages_load_without_console_errors_or_blocked_requests(site, tmp_path, page):
    dom, console = open_page((site / page).as_uri(), tmp_path)
    assert console == []
    assert "</main>" in dom
