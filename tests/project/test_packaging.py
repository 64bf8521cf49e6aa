"""What `pip install .` ships: every package directory of src/cas_plan (an editable install
finds them all anyway, so only this test and .ci/run's fresh install notice a missing one)."""

from __future__ import annotations

import tomllib

from plans import REPO


def test_every_package_directory_is_installed():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["setuptools"]["packages"]
    source = REPO / "src"
    found = sorted(
        ".".join(directory.relative_to(source).parts)
        for directory in [source / "cas_plan", *(source / "cas_plan").rglob("*")]
        if directory.is_dir() and any(directory.glob("*.py"))
    )
    assert packages == [*found, "cas_plan.templates"]
