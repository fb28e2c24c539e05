"""A set-up step that both Makefiles (the repository's and the student edition's) run after
``pip install``: remove packages that a dependency's extra drags in, that the course never uses,
and whose mere import is slow.

``rfc3987-syntax`` comes with ``jsonschema[format-nongpl]`` (required by jupyter-events, so by
JupyterLab). ``jsonschema`` imports it at import time, only to check strings of the JSON-schema
format "iri" — which no Jupyter schema uses — and importing it builds some 35 Earley parsers with
lark: 2.3 s on these machines, paid by every process that imports ``nbformat`` (every pytest
worker, ``nbclient``, the grader, ``make check``, JupyterLab). Without it ``jsonschema`` leaves
that one format unchecked (see ``jsonschema/_format.py``); nothing else changes
(python-jsonschema/jsonschema#1428). Removing it halves the time of a command-line test such as
``tests/test_grading_generate.py`` (51 s → 26 s).

    python -m mvcalc_helpers._setup prune
"""
from __future__ import annotations

import subprocess
import sys
from importlib import metadata

# package: why it goes (each must be optional for everything installed)
UNUSED_SLOW_IMPORTS = {
    "rfc3987-syntax": "imported by jsonschema at start-up (2.3 s) only to check the 'iri' format",
}


def installed(names=UNUSED_SLOW_IMPORTS) -> list:
    """Those of ``names`` that are installed in this environment."""
    found = []
    for name in names:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(name)
    return found


def prune() -> int:
    """Uninstall the installed packages of UNUSED_SLOW_IMPORTS; returns pip's exit status."""
    names = installed()
    if not names:
        return 0
    print("removing unused packages that slow every start-up: " + ", ".join(names))
    return subprocess.run([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", *names]).returncode


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] != ["prune"]:
        sys.exit("usage: python -m mvcalc_helpers._setup prune")
    sys.exit(prune())
