"""The one Jinja2 environment every template runs in: the report's, the site's pages and a
user's `report --template`.

Jinja2's immutable sandbox, so a template reads the plain data it is given and nothing else;
undefined variables are errors; HTML is autoescaped and Markdown text is escaped by the `md`
filter, and every printed value passes `output.html.finalize` (control and bidi characters made
visible, as every output shows them); the language's filters
(`l10n.formats.jinja_filters`) and `mermaid` for chart labels. A user's template also runs
within `LIMITS`: the sandbox keeps it from the files and the interpreter, the limits from the
machine (a CI runner renders other people's templates).
"""

from __future__ import annotations

import functools
import inspect
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cas_plan.core.errors import PlanProblems
from cas_plan.l10n.formats import jinja_filters
from cas_plan.output.html import finalize
from cas_plan.output.markdown import md_escape
from cas_plan.publish import growth
from cas_plan.publish.charts import mermaid_text
from cas_plan.publish.growth import TemplateLimitError


@dataclass(frozen=True)
class TemplateLimits:
    """What a user's template may spend."""

    range_items: int = 10_000  # one range()
    power_bits: int = 4_096  # the size of an integer `a ** b` may make
    repeat_items: int = 1_000_000  # `'x' * n`, `[0] * n`, and any one list a template builds
    string_chars: int = 20_000_000  # any one string it builds (ljust, format, join, ~, a macro)
    output_chars: int = 20_000_000
    seconds: float = 30.0


LIMITS = TemplateLimits()


class TemplateProblem(PlanProblems):
    """A template that fails (syntax, undefined variable, sandbox violation, a limit): one line."""


def templates_dir() -> Path:
    """templates/ of the repository (a source checkout), or the copy installed in the package."""
    package = Path(__file__).resolve().parents[1]
    source_tree = package.parents[1] / "templates"
    return source_tree if (source_tree / "report.md.j2").is_file() else package / "templates"


def environment(
    folder: Path, output_format: str, lang: str, limits: TemplateLimits | None = None
) -> Any:
    """The sandboxed environment for the templates in `folder` that write `output_format`
    ("html" or "md") in `lang`. `limits` for a user's template; the bundled ones run without
    (their output grows with the plan)."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    html = output_format == "html"
    settings: dict[str, Any] = {
        "loader": FileSystemLoader(folder),
        "undefined": StrictUndefined,
        "autoescape": html,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "finalize": finalize,
    }
    if limits is None:
        made: Any = ImmutableSandboxedEnvironment(**settings)
        made.limits = None
    else:
        made = _bounded_sandbox(limits, settings)
    made.filters.update({**jinja_filters(lang), "md": md_escape, "mermaid": mermaid_text})
    if limits is not None:
        _bounded_filters(made, limits)
    return made


def _bounded_sandbox(limits: TemplateLimits, settings: dict[str, Any]) -> Any:
    """Jinja2's immutable sandbox with bounded ranges, powers, repetition, time and sizes: every
    call, operator, filter, `~` and macro measured (`publish.growth`), the ones that could build
    a value past the limits in one step before they run."""
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedCode(CodeGenerator):
        """`a ~ b` measured too: Jinja joins it in the template's own code, not by a call."""

        def visit_Concat(self, node: Any, frame: Any) -> None:
            self.write("environment.built(")
            super().visit_Concat(node, frame)
            self.write(")")

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset(["**", "*", "%", "+"])
        intercepted_unops = frozenset(["-", "+"])
        code_generator_class = BoundedCode
        deadline = math.inf

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            self.check_time()
            _check_binop(limits, operator, left, right)
            return self.built(super().call_binop(context, operator, left, right))

        def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
            self.check_time()
            return super().call_unop(context, operator, arg)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            __self.check_time()
            args = _checked_call(limits, __obj, args, kwargs)
            return __self.built(super().call(__context, __obj, *args, **kwargs))

        def getattr(self, obj: Any, attribute: str) -> Any:
            self.check_time()
            return super().getattr(obj, attribute)

        def concat(self, pieces: Any) -> str:  # a macro's, a block's or a {% set %}'s text
            parts = list(pieces)
            _check_size(limits, sum(len(part) for part in parts), "the text of a block")
            return "".join(parts)

        def built(self, value: Any) -> Any:
            size = growth.size_of(value)
            if size is not None:
                text = isinstance(value, str | bytes | bytearray)
                _check_size(limits, size, "a string" if text else "a list", items=not text)
            return value

        def start_clock(self) -> None:
            self.deadline = time.monotonic() + limits.seconds

        def check_time(self) -> None:
            if time.monotonic() > self.deadline:
                raise TemplateLimitError(f"ran for more than {limits.seconds:g} seconds")

    made: Any = BoundedSandbox(**settings)
    made.limits = limits
    _bounded_globals(made, limits)
    return made


def _bounded_globals(made: Any, limits: TemplateLimits) -> None:
    """`range()` and `lipsum()` within the limits."""
    from jinja2.utils import generate_lorem_ipsum

    def bounded_range(*args: int) -> Any:
        made.check_time()
        items = range(*args)
        if len(items) > limits.range_items:
            raise TemplateLimitError(
                f"range() of {len(items)} items is over the limit of {limits.range_items}"
            )
        for number, item in enumerate(items):
            if number % 1000 == 999:
                made.check_time()
            yield item

    def bounded_lipsum(*args: Any, **kwargs: Any) -> Any:
        arguments = inspect.signature(generate_lorem_ipsum).bind(*args, **kwargs).arguments
        _check_size(limits, growth.lipsum_size(arguments), "lipsum()")
        return generate_lorem_ipsum(*args, **kwargs)

    made.globals["range"] = bounded_range
    made.globals["lipsum"] = bounded_lipsum


def _bounded_filters(made: Any, limits: TemplateLimits) -> None:
    """Every filter measured, and those that could build past the limits in one step
    (`growth.filter_size`) reckoned before they run; a generator they take is made a list
    first (`growth.materialized`), so its size is known."""

    def bounded(name: str, function: Any) -> Any:
        inner = inspect.unwrap(function)
        # Jinja's async-ready filters take an eval context the function they wrap does not
        passed = 1 if _passes(function) and not _passes(inner) else 0
        signature = inspect.signature(inner)

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            made.check_time()
            if name not in growth.GROWING_FILTERS:
                return made.built(function(*args, **kwargs))
            bound = signature.bind(*args[passed:], **kwargs)
            bound.apply_defaults()
            for key, measure in (("value", growth.text_size), ("iterable", _items)):
                if key in bound.arguments:
                    given = bound.arguments[key]
                    budget, unit = (
                        (limits.string_chars, "characters")
                        if key == "value"
                        else (limits.repeat_items, "items")
                    )
                    bound.arguments[key] = growth.materialized(given, budget, measure, unit)
            size = growth.filter_size(name, bound.arguments, made.newline_sequence)
            _check_size(limits, size or 0, f"the filter {name}", items=name in _ITEM_FILTERS)
            return made.built(function(*args[:passed], *bound.args, **bound.kwargs))

        return run

    made.filters = {name: bounded(name, function) for name, function in made.filters.items()}


_ITEM_FILTERS = frozenset(["batch", "slice", "sum"])


def _passes(function: Any) -> bool:
    return getattr(function, "jinja_pass_arg", None) is not None


def _items(value: object) -> int:
    return growth.size_of(value) or 1


def _checked_call(
    limits: TemplateLimits, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    """A call's arguments, after the size of what a string's method would build is reckoned
    (`str.format` as the sandbox wraps it too); a generator given to `join` made a list."""
    target = function
    owner = getattr(function, "__self__", None)
    if owner is None:  # the sandbox's own `format` wraps the bound method
        target = getattr(function, "__wrapped__", function)
        owner = getattr(target, "__self__", None)
    name = getattr(target, "__name__", "")
    if isinstance(owner, str | bytes):
        if name == "join" and args:
            given = growth.materialized(args[0], limits.string_chars, growth.text_size)
            args = (given, *args[1:])
        size = growth.method_size(owner, name, args, kwargs)
        _check_size(limits, size or 0, f"{name}()")
    return args


def _check_size(limits: TemplateLimits, size: int, what: str, *, items: bool = False) -> None:
    bound, unit = (limits.repeat_items, "items") if items else (limits.string_chars, "characters")
    if size > bound:
        raise TemplateLimitError(f"{what} would make {size} {unit}, over the limit of {bound}")


def _check_binop(limits: TemplateLimits, operator: str, left: Any, right: Any) -> None:
    """`a ** b`, `x * n`, `s % v` and `a + b` within the limits, before Python computes them."""
    power = operator == "**" and _is_int(left) and _is_int(right) and right > 0
    if power and _bits(left) * right > limits.power_bits:
        raise TemplateLimitError(f"{left} ** {right} is over the limit of {limits.power_bits} bits")
    if operator == "*":
        for sized, times in ((left, right), (right, left)):
            repeated = isinstance(sized, str | list | tuple) and _is_int(times)
            if repeated and len(sized) * times > limits.repeat_items:
                raise TemplateLimitError(
                    f"repeating {len(sized)} items {times} times is over the "
                    f"limit of {limits.repeat_items}"
                )
    if operator == "%" and isinstance(left, str):
        _check_size(limits, growth.percent_size(left, right), "the % format")
    if operator == "+":
        sizes = (growth.size_of(left), growth.size_of(right))
        if sizes[0] is not None and sizes[1] is not None:
            text = isinstance(left, str | bytes)
            _check_size(limits, sizes[0] + sizes[1], "+", items=not text)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bits(value: Any) -> float:
    return math.log2(abs(value)) if value else 0.0


def render(environment: Any, name: str, context: Mapping[str, Any]) -> str:
    """The template `name` rendered with `context`. Any failure of a user's template (an
    environment with limits) is one line `template NAME (line N): ...` (TemplateProblem); of a
    bundled template, so is a template error, and anything else is a bug and raised."""
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError

    limits: TemplateLimits | None = environment.limits
    try:
        compiled = environment.get_template(name)
        if limits is None:
            return str(compiled.render(**context))
        environment.start_clock()
        return _stream(environment, compiled, context, limits)
    except TemplateLimitError as exc:
        raise TemplateProblem(f"template {name}{_where(exc, name)}: {exc}") from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else _where(exc, name)
        forbidden = "the sandbox forbids it: " if isinstance(exc, SecurityError) else ""
        raise TemplateProblem(f"template {name}{where}: {forbidden}{exc}") from None
    except Exception as exc:  # a user's template that fails (1/0, 2.0 ** 9999) is its problem
        if limits is None:
            raise
        where = _where(exc, name)
        raise TemplateProblem(f"template {name}{where}: {type(exc).__name__}: {exc}") from None


def _stream(
    environment: Any, compiled: Any, context: Mapping[str, Any], limits: TemplateLimits
) -> str:
    """The template's output, gathered piece by piece so that time and size are checked while
    it renders, not after."""
    pieces, size = [], 0
    for piece in compiled.generate(**context):
        size += len(piece)
        if size > limits.output_chars:
            raise TemplateLimitError(
                f"the output is over the limit of {limits.output_chars} characters"
            )
        environment.check_time()
        pieces.append(piece)
    return "".join(pieces)


def _where(exc: BaseException, name: str) -> str:
    """` (line N)`: the template line a rendering error happened on (Jinja2 maps its frames
    to it), or nothing."""
    line = None
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(name):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return f" (line {line})" if line else ""
