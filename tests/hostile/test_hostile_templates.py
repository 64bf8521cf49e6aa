"""A user's report template that tries to build a string (or a list) of gigabytes: every
string-growing method, operator, filter and global, and values doubled in a loop, a macro or a
block. Each is refused with one line naming what it would make and the limit, before it is made:
the cases run in a process that may use 1 GB of address space at most, so one that built its
value first would end in a MemoryError instead. Templates within the limits still compute."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from plans import minimal_files, write_plan

BIG = '{% set big = "x" * 1000000 %}'
LIMIT = "over the limit of 20000000"
ITEMS = "over the limit of 1000000"
CASES = {
    # str, bytes and Markup methods
    "ljust": ('{{ "x".ljust(3000000000) }}', f"ljust() would make 3000000000 characters, {LIMIT}"),
    "ljust twice": (
        '{{ "x".ljust(15000000).ljust(30000000) }}',
        f"ljust() would make 30000000 characters, {LIMIT}",
    ),
    "rjust": ('{{ "x".rjust(10 ** 9) }}', f"rjust() would make 1000000000 characters, {LIMIT}"),
    "center": ('{{ "x".center(10 ** 9) }}', f"center() would make 1000000000 characters, {LIMIT}"),
    "zfill": ('{{ "1".zfill(10 ** 9) }}', f"zfill() would make 1000000000 characters, {LIMIT}"),
    "expandtabs": (
        '{{ "\\t\\t".expandtabs(10 ** 9) }}',
        f"expandtabs() would make 2000000002 characters, {LIMIT}",
    ),
    "bytes ljust": (
        '{{ "x".encode().ljust(10 ** 9) }}',
        f"ljust() would make 1000000000 characters, {LIMIT}",
    ),
    "markup ljust": (
        '{{ ("x" | safe).ljust(10 ** 9) }}',
        f"ljust() would make 1000000000 characters, {LIMIT}",
    ),
    "replace": (
        BIG + '{{ big.replace("x", "y" * 1000) }}',
        f"replace() would make 1000000000 characters, {LIMIT}",
    ),
    "replace the empty string": (
        BIG + '{{ big.replace("", "y" * 100) }}',
        f"replace() would make 101000100 characters, {LIMIT}",
    ),
    "join": (
        BIG + '{{ big.join(["a"] * 1000) }}',
        f"join() would make 999001000 characters, {LIMIT}",
    ),
    "join of a generator": (
        BIG + '{{ "".join(range(10000) | map("string") | map("replace", "", big)) }}',
        "the items given would make more than 20000000 characters, over the limit",
    ),
    "translate": (
        BIG + '{{ big.translate({120: "y" * 1000}) }}',
        f"translate() would make 1000000000 characters, {LIMIT}",
    ),
    # format with widths, precisions and repeated fields
    "format width": (
        '{{ "{:>1000000000}".format(1) }}',
        f"format() would make 1000000001 characters, {LIMIT}",
    ),
    "format nested width": (
        '{{ "{:{}}".format(1, 10 ** 9) }}',
        f"format() would make 1000000020 characters, {LIMIT}",
    ),
    "format width as text": (
        '{{ "{0:{1}}".format("x", "1000000000") }}',
        f"format() would make 1000000021 characters, {LIMIT}",
    ),
    "format precision": (
        '{{ "{:.1000000000f}".format(1.0) }}',
        f"format() would make 1000000003 characters, {LIMIT}",
    ),
    "format repeated field": (
        BIG + '{{ ("{0}" * 1000).format(big) }}',
        f"format() would make 1000000000 characters, {LIMIT}",
    ),
    "format_map": (
        BIG + '{{ ("{a}" * 1000).format_map({"a": big}) }}',
        f"format_map() would make 1000000000 characters, {LIMIT}",
    ),
    "percent width": (
        '{{ "%1000000000s" % "x" }}',
        f"the % format would make 1000000013 characters, {LIMIT}",
    ),
    "percent star width": (
        '{{ "%*s" % (10 ** 9, "x") }}',
        f"the % format would make 1000000004 characters, {LIMIT}",
    ),
    "percent precision": (
        '{{ "%.1000000000f" % 1.0 }}',
        f"the % format would make 1000000016 characters, {LIMIT}",
    ),
    "percent repeated key": (
        BIG + '{{ ("%(a)s" * 1000) % {"a": big} }}',
        f"the % format would make 1000005000 characters, {LIMIT}",
    ),
    # filters and globals
    "filter center": (
        '{{ "x" | center(10 ** 9) }}',
        f"the filter center would make 1000000000 characters, {LIMIT}",
    ),
    "filter center, folded when compiled": (
        '{{ "x" | center(3000000000) }}',
        f"the filter center would make 3000000000 characters, {LIMIT}",
    ),
    "filter indent": (
        '{{ ("a\\n" * 100000) | indent(1000) }}',
        f"the filter indent would make 200201000 characters, {LIMIT}",
    ),
    "filter indent by text": (
        '{{ ("a\\n" * 100000) | indent("y" * 1000) }}',
        f"the filter indent would make 200201000 characters, {LIMIT}",
    ),
    "filter wordwrap": (
        '{{ ("a " * 100000) | wordwrap(1, wrapstring="x" * 1000) }}',
        f"the filter wordwrap would make 200201000 characters, {LIMIT}",
    ),
    "filter format": (
        '{{ "%1000000000s" | format("x") }}',
        f"the filter format would make 1000000013 characters, {LIMIT}",
    ),
    "filter replace": (
        BIG + '{{ big | replace("x", "y" * 25) }}',
        f"the filter replace would make 25000000 characters, {LIMIT}",
    ),
    "filter join": (
        BIG + "{{ ([big] * 1000) | join }}",
        f"the filter join would make 6000000000 characters, {LIMIT}",
    ),
    "filter batch": (
        "{{ [1] | batch(10 ** 9, 0) | list }}",
        f"the filter batch would make 1000000001 items, {ITEMS}",
    ),
    "filter slice": (
        "{{ [1] | slice(10 ** 9) | list }}",
        f"the filter slice would make 1000000001 items, {ITEMS}",
    ),
    "filter tojson": (
        '{{ {"a": [[[[1, 2, 3]]]]} | tojson(10 ** 8) }}',
        f"the filter tojson would make 21000000192 characters, {LIMIT}",
    ),
    "filter urlize": (
        '{{ ("a.co " * 200000) | urlize(target="x" * 1000) }}',
        f"the filter urlize would make 549001080 characters, {LIMIT}",
    ),
    "filter sum": (
        "{{ ([[0] * 1000000] * 1000) | sum(start=[]) }}",
        f"the filter sum would make 1000000000 items, {ITEMS}",
    ),
    "lipsum": ("{{ lipsum(10 ** 6) }}", f"lipsum() would make 1420000000 characters, {LIMIT}"),
    # growth step by step
    "~ doubling": (
        '{% set ns = namespace(s="x" * 1000000) %}{% for i in range(40) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        f"a string would make 32000000 characters, {LIMIT}",
    ),
    "+ doubling": (
        '{% set ns = namespace(s="x" * 1000000) %}{% for i in range(40) %}'
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
        f"+ would make 32000000 characters, {LIMIT}",
    ),
    "list doubling": (
        "{% set ns = namespace(l=[0] * 1000) %}{% for i in range(40) %}"
        "{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | length }}",
        f"+ would make 1024000 items, {ITEMS}",
    ),
    "a macro's text": (
        BIG + "{% macro m() %}{% for i in range(100) %}{{ big }}{% endfor %}{% endmacro %}"
        "{% set x = m() %}{{ x | length }}",
        f"the text of a block would make 100000000 characters, {LIMIT}",
    ),
    "a set block": (
        BIG + "{% set x %}{% for i in range(100) %}{{ big }}{% endfor %}{% endset %}{{ x }}",
        f"the text of a block would make 100000000 characters, {LIMIT}",
    ),
    "a filter block": (
        BIG + "{% filter upper %}{% for i in range(100) %}{{ big }}{% endfor %}{% endfilter %}",
        f"the text of a block would make 100000000 characters, {LIMIT}",
    ),
}
WITHIN = (
    '{{ "x".ljust(3) }}|{{ "{:>3}".format(1) }}|{{ "%3s" % "x" }}|{{ "a\\nb" | indent(2) }}|'
    '{{ [1, 2, 3] | join(",") }}|{{ "ab" | center(6) }}|{{ {"a": 1} | tojson }}|'
    '{{ "a-b" | replace("-", "--") }}|{{ ",".join(range(3) | map("string")) }}|'
    '{{ [1, 2, 3] | batch(2) | list | length }}|{{ ("x" * 1000000) | length }}|'
    '{{ "%(a)s" % {"a": "b"} }}|{{ [[1], [2]] | sum(start=[]) }}'
)
DRIVER = textwrap.dedent(
    """\
    import json, resource, sys
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from cas_plan.publish import templating
    cases, folder, output = json.loads(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    said = {}
    for name, text in cases.items():
        (folder / "t.j2").write_text(text, encoding="utf-8")
        environment = templating.environment(folder, output, "en", templating.LIMITS)
        try:
            said[name] = ["made", templating.render(environment, "t.j2", {})]
        except templating.TemplateProblem as problem:
            said[name] = ["refused", str(problem)]
        except BaseException as error:
            said[name] = ["failed", f"{type(error).__name__}: {error}"]
    print(json.dumps(said))
    """
)


@pytest.fixture(scope="module", params=["md", "html"])
def rendered(request, tmp_path_factory) -> dict[str, list[str]]:
    """Every case rendered in one process limited to 1 GB of address space."""
    folder = tmp_path_factory.mktemp("templates")
    cases = {name: text for name, (text, _) in CASES.items()} | {"within": WITHIN}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(cases), str(folder), request.param],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", list(CASES))
def test_a_template_cannot_build_past_the_limits(rendered, name):
    assert rendered[name] == ["refused", f"template t.j2 (line 1): {CASES[name][1]}"]


def test_within_the_limits_templates_still_compute(rendered):
    state, text = rendered["within"]
    assert state == "made"
    assert text.replace("&#34;", '"') == (
        'x  |  1|  x|a\n  b|1,2,3|  ab  |{"a": 1}|a--b|0,1,2|2|1000000|b|[1, 2]'
    )


def test_the_report_command_says_it_in_one_line(invoke, tmp_path):
    plan = write_plan(tmp_path / "plan", minimal_files())
    template = tmp_path / "evil.md.j2"
    template.write_text(CASES["format width"][0] + "\n", encoding="utf-8")
    result = invoke("report", "--year", "2018", "--template", str(template), "--plan", str(plan))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"casplan: error: template evil.md.j2 (line 1): {CASES['format width'][1]}"
    )
    assert result.stdout == ""


def test_the_bundled_templates_are_not_limited(invoke, tmp_path):
    """The limits are for a user's template: the bundled ones render as before."""
    from cas_plan.publish import templating

    environment = templating.environment(Path(tmp_path), "md", "en")
    assert environment.limits is None
    assert type(environment).__name__ == "ImmutableSandboxedEnvironment"
