"""The site in headless Chromium.

- `--dump-dom` with a query string: the search filters the list (the script reads ?q=, ?unit=,
  ?goal=, ?status=), and the page logs nothing to its console (a CSP violation is logged there,
  which --enable-logging prints);
- over the DevTools protocol (a tiny websocket client below): pages load with no console message,
  no script exception, no log entry and no failed or blocked request, and typing in the search box
  filters the list.

Skipped when Chromium is not installed (Debian: apt-get install chromium)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from plans import SITE_AS_OF, site_files, write_plan

pytestmark = pytest.mark.slow  # drives a browser

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")

AS_OF = SITE_AS_OF


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


class DevTools:
    """The DevTools protocol over one websocket (RFC 6455 text frames, client-masked)."""

    def __init__(self, url: str) -> None:
        host_port, _, path = url.removeprefix("ws://").partition("/")
        host, _, port = host_port.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += self._exactly(1)
        assert b" 101 " in response.split(b"\r\n")[0], response
        self.last_id = 0
        self.events: list[dict] = []

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("the browser closed the connection")
            data += chunk
        return data

    def _message(self) -> dict:
        data = b""
        while True:
            head = self._exactly(2)
            size = head[1] & 0x7F
            if size == 126:
                size = struct.unpack(">H", self._exactly(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self._exactly(8))[0]
            data += self._exactly(size)
            if head[0] & 0x80:  # the final frame of the message
                return json.loads(data)

    def call(self, method: str, **params) -> dict:
        self.last_id += 1
        data = json.dumps({"id": self.last_id, "method": method, "params": params}).encode()
        if len(data) < 126:
            header = bytes([0x81, 0x80 | len(data)])
        else:
            header = bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(data))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
        while True:
            message = self._message()
            if message.get("id") == self.last_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while not any(event.get("method") == method for event in self.events):
            assert time.monotonic() < end, f"no {method}"
            self.events.append(self._message())

    def value(self, expression: str) -> object:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)[
            "result"
        ].get("value")


PROBLEMS = (
    "Runtime.consoleAPICalled",
    "Runtime.exceptionThrown",
    "Log.entryAdded",
    "Network.loadingFailed",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium with its DevTools port open, and a session on its page."""
    assert CHROMIUM is not None
    profile = tmp_path_factory.mktemp("profile")
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",  # Chromium picks a port and writes it to DevToolsActivePort
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        active = profile / "DevToolsActivePort"
        end = time.monotonic() + 60
        while not (active.is_file() and "\n" in active.read_text()):
            assert time.monotonic() < end and process.poll() is None, "Chromium did not start"
            time.sleep(0.1)
        port = active.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as answer:
            targets = json.load(answer)
        session = DevTools(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        for domain in ("Runtime", "Log", "Network", "Page"):
            session.call(f"{domain}.enable")
        yield session
        session.sock.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


def visit(browser: DevTools, url: str) -> list[dict]:
    """Open a page and wait for it to load; what it reported that would be a problem."""
    browser.events.clear()
    browser.call("Page.navigate", url=url)
    browser.wait_for("Page.loadEventFired")
    browser.value("document.readyState")  # a round trip: events sent before it are in
    return [event for event in browser.events if event.get("method") in PROBLEMS]


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "activities.html",
        "activities/1.1.1.html",
        "activities/1.1.2.html",
        "activities/1.1.3.html",
        "goals/1.html",
        "measures/1.1.html",
        "units.html",
        "units/hr-division.html",
        "amendments.html",
    ],
)
def test_pages_load_with_no_console_message_or_failed_request(browser, site, page):
    assert visit(browser, (site / page).as_uri()) == []
    assert browser.value("document.documentElement.lang") == "en"


def test_typing_in_the_search_box_filters_the_list(browser, site):
    assert visit(browser, (site / "activities.html").as_uri()) == []
    assert browser.value("document.getElementById('search').hidden") is False
    assert (
        browser.value("document.getElementById('shown').textContent") == "14 of 14 activities shown"
    )
    typed = browser.value(
        "(() => { const box = document.getElementById('q'); box.value = 'quarter';"
        " box.dispatchEvent(new Event('input')); return document.getElementById('shown').textContent })()"
    )
    assert typed == "1 of 14 activities shown"
    visible = browser.value(
        "Array.from(document.querySelectorAll('#activities tbody tr'))"
        ".filter(row => !row.hidden).map(row => row.dataset.activity).join(' ')"
    )
    assert visible == "1.1.3"
    status = browser.value(
        "(() => { const q = document.getElementById('q'); q.value = '';"
        " q.dispatchEvent(new Event('input')); const s = document.getElementById('status');"
        " s.value = 'cancelled'; s.dispatchEvent(new Event('change'));"
        " return document.getElementById('shown').textContent })()"
    )
    assert status == "1 of 14 activities shown"
    assert [e for e in browser.events if e.get("method") in PROBLEMS] == []


def test_a_missing_file_is_reported_as_a_failed_request(browser, site, tmp_path):
    """The check above would see a broken page: a script the page names that is not there."""
    broken = site / "broken.html"
    html = (site / "activities.html").read_text(encoding="utf-8")
    broken.write_text(html.replace("static/site.js", "static/missing.js"), encoding="utf-8")
    try:
        problems = visit(browser, broken.as_uri())
    finally:
        broken.unlink()
    assert "Network.loadingFailed" in [event["method"] for event in problems]
