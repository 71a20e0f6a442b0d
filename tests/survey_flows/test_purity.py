"""The survey engine is pure: no web framework, database, HTTP client, Messenger or NLU code.

survey_flows must run in the terminal, in the golden tests and behind any transport, so it
may not import the application around it. Two proofs: importing every module of the package
in a fresh interpreter loads none of the forbidden packages, and no import in its source
names one of them.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]
PACKAGE = REPO / "survey_flows"
FORBIDDEN = frozenset(
    {
        "flask",
        "sqlalchemy",
        "requests",
        "pymessenger",
        "rasa",
        "psycopg",
        "psycopg2",
        "werkzeug",
        "bot",
        "nlu",
        "analytics",
    }
)

# Imports every module of a package one by one and reports, for each forbidden top-level
# package found in sys.modules, the first module after whose import it appeared.
IMPORT_ALL = """
import importlib, json, pkgutil, sys
package_name, forbidden = sys.argv[1], set(json.loads(sys.argv[2]))
package = importlib.import_module(package_name)
names = [package_name] + sorted(
    m.name for m in pkgutil.walk_packages(package.__path__, package_name + ".")
)
loaded = {}
for name in names:
    importlib.import_module(name)
    for top in {m.partition(".")[0] for m in sys.modules} & forbidden - loaded.keys():
        loaded[top] = name
print(json.dumps({"imported": names, "loaded": loaded}))
"""


def import_everything(package: str, cwd: Path) -> tuple[list[str], dict[str, str]]:
    """Return the modules imported and {forbidden package: module that brought it in}."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, package, json.dumps(sorted(FORBIDDEN))],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"importing {package} failed:\n{done.stderr}"
    result = json.loads(done.stdout.splitlines()[-1])
    return result["imported"], result["loaded"]


def forbidden_imports(path: Path) -> list[str]:
    """Return 'file:line: module' for each import of a forbidden package in a source file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.partition(".")[0] in FORBIDDEN]
    return [f"{path}:{line}: {name}" for line, name in sorted(found)]


def test_importing_every_engine_module_loads_no_application_package() -> None:
    imported, offenders = import_everything("survey_flows", REPO)
    expected = {"survey_flows"} | {
        f"survey_flows.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"
    }
    assert expected <= set(imported), f"not imported: {sorted(expected - set(imported))}"
    assert not offenders, "importing survey_flows loaded forbidden packages: " + ", ".join(
        f"{top} (after importing {module})" for top, module in sorted(offenders.items())
    )


def test_the_import_check_catches_an_impure_module(tmp_path: Path) -> None:
    """The subprocess check itself can fail: a package that imports werkzeug is caught."""
    (tmp_path / "impure").mkdir()
    (tmp_path / "impure" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "impure" / "web.py").write_text("import werkzeug\n", encoding="utf-8")
    imported, offenders = import_everything("impure", tmp_path)
    assert imported == ["impure", "impure.web"]
    assert offenders == {"werkzeug": "impure.web"}


def test_no_engine_source_file_imports_an_application_package() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert PACKAGE / "engine.py" in files
    offenders = [hit for path in files for hit in forbidden_imports(path)]
    assert not offenders, "survey_flows imports forbidden packages:\n" + "\n".join(offenders)


def test_the_source_check_catches_every_import_form(tmp_path: Path) -> None:
    source = tmp_path / "impure.py"
    source.write_text(
        "import os, flask\n"
        "from sqlalchemy.orm import Session\n"
        "from . import bot\n"  # relative: the package's own module, not the bot app
        "import importlib\n"
        "nlu = importlib.import_module('nlu.keywords')\n"
        "def later():\n"
        "    import psycopg2.extras\n",
        encoding="utf-8",
    )
    assert forbidden_imports(source) == [
        f"{source}:1: flask",
        f"{source}:2: sqlalchemy.orm",
        f"{source}:5: nlu.keywords",
        f"{source}:7: psycopg2.extras",
    ]
