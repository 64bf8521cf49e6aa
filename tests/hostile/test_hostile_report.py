"""Hostile report templates: the sandbox bounds ranges, powers, repetition, output and time.

Each bound is tested with a tiny limit (monkeypatched `templating.LIMITS`) so the tests stay fast;
exceeding one is a single line `casplan: error: template X: ...` and exit 1.
"""

from __future__ import annotations

import dataclasses
import time

import pytest

from cas_plan.publish import templating
from plans import forms_files, write_plan


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "p", forms_files())


def run(invoke, plan, tmp_path, text: str):
    template = tmp_path / "t.md.j2"
    template.write_text(text, encoding="utf-8")
    return invoke("report", "--plan", str(plan), "--year", "2018", "--template", str(template))


def limit(monkeypatch, **changes):
    monkeypatch.setattr(templating, "LIMITS", dataclasses.replace(templating.LIMITS, **changes))


def one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{{ 9 ** (9 ** 9) }}",
            "casplan: error: template t.md.j2 (line 1): 9 ** 387420489 is over the limit of "
            "4096 bits",
        ),
        (
            "{{ (-7) ** 100000 }}",
            "casplan: error: template t.md.j2 (line 1): -7 ** 100000 is over the limit of "
            "4096 bits",
        ),
        (
            "{{ range(10**9) | list | length }}",
            "casplan: error: template t.md.j2 (line 1): range() of 1000000000 items is over "
            "the limit of 10000",
        ),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "casplan: error: template t.md.j2 (line 1): range() of 100000 items is over the "
            "limit of 10000",
        ),
        (
            "{{ 'x' * 10**9 }}",
            "casplan: error: template t.md.j2 (line 1): repeating 1 items 1000000000 times is "
            "over the limit of 1000000",
        ),
        (
            "{{ [1, 2] * 10**9 }}",
            "casplan: error: template t.md.j2 (line 1): repeating 2 items 1000000000 times is "
            "over the limit of 1000000",
        ),
        (
            "{{ 1 / 0 }}",
            "casplan: error: template t.md.j2 (line 1): ZeroDivisionError: division by zero",
        ),
        (
            "{{ 2.0 ** 99999 }}",
            "casplan: error: template t.md.j2 (line 1): OverflowError: (34, 'Numerical result "
            "out of range')",
        ),
    ],
)
def test_default_limits(invoke, plan, tmp_path, text, message):
    started = time.monotonic()
    assert one_error_line(run(invoke, plan, tmp_path, text)) == message
    assert time.monotonic() - started < 5


def test_within_the_limits_templates_compute(invoke, plan, tmp_path):
    result = run(invoke, plan, tmp_path, "{{ 2 ** 64 }} {{ range(10000) | sum }} {{ '-' * 3 }}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == "18446744073709551616 49995000 ---\n"


def test_the_range_limit(invoke, plan, tmp_path, monkeypatch):
    limit(monkeypatch, range_items=5)
    assert run(invoke, plan, tmp_path, "{{ range(5) | list }}").stdout == "[0, 1, 2, 3, 4]\n"
    assert one_error_line(run(invoke, plan, tmp_path, "\n{{ range(6) | list }}")) == (
        "casplan: error: template t.md.j2 (line 2): range() of 6 items is over the limit of 5"
    )


def test_the_power_limit(invoke, plan, tmp_path, monkeypatch):
    limit(monkeypatch, power_bits=10)
    assert run(invoke, plan, tmp_path, "{{ 2 ** 10 }}").stdout == "1024\n"
    assert one_error_line(run(invoke, plan, tmp_path, "{{ 2 ** 11 }}")) == (
        "casplan: error: template t.md.j2 (line 1): 2 ** 11 is over the limit of 10 bits"
    )


def test_the_output_limit(invoke, plan, tmp_path, monkeypatch):
    limit(monkeypatch, output_chars=1000)
    text = "{% for i in range(10000) %}{{ i }}\n{% endfor %}"
    assert one_error_line(run(invoke, plan, tmp_path, text)) == (
        "casplan: error: template t.md.j2: the output is over the limit of 1000 characters"
    )


@pytest.mark.parametrize(
    "text",
    [
        # nested loops that print nothing: the range iterators look at the clock
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        # a loop over plan data that calls a filter each time
        "{% for i in range(10000) %}{% for j in range(10000) %}{{ j | string }}{% endfor %}"
        "{% endfor %}",
        # a recursive macro
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    ],
)
def test_the_time_limit(invoke, plan, tmp_path, monkeypatch, text):
    limit(monkeypatch, seconds=0.2)
    started = time.monotonic()
    line = one_error_line(run(invoke, plan, tmp_path, text))
    assert line.startswith("casplan: error: template t.md.j2")
    assert line.endswith("ran for more than 0.2 seconds") or "RecursionError" in line
    assert time.monotonic() - started < 5
