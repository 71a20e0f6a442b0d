"""The analytics package stays free of Flask, and its command group is cheap to register."""

from __future__ import annotations

import json
import subprocess
import sys


def loaded_after(code: str, watched: tuple[str, ...]) -> list[str]:
    """Return which of the watched top-level modules a fresh interpreter has after ``code``."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([n for n in {watched!r} if n in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_importing_analytics_and_all_its_modules_loads_no_flask():
    modules = [
        "analytics",
        "analytics.commands",
        "analytics.tasks",
        "analytics.report",
        "analytics.microdata",
        "analytics.simulate",
        "analytics.sdmx",
    ]
    code = "\n".join(f"import {name}" for name in modules)
    assert loaded_after(code, ("flask", "werkzeug")) == []


def test_registering_the_command_group_loads_no_heavy_library():
    # The bot registers the group on every `flask` command; only running it may load pandas.
    code = "from analytics.commands import make_group\nmake_group(lambda: None)"
    assert loaded_after(code, ("pandas", "numpy", "matplotlib", "scipy", "pyreadstat")) == []
