"""pyproject.toml and environment.yml declare the same runtime dependencies, with the lower
bounds the course relies on (JupyterLab 4, ipywidgets 8, jupyterlab_widgets beside JupyterLab)."""
import re
import tomllib

import yaml
from packaging.requirements import Requirement

from conftest import REPO


def _pyproject():
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    return {Requirement(r).name.lower().replace("_", "-"): str(Requirement(r).specifier)
            for r in data["project"]["dependencies"]}


def _environment():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict) or dep.split("=")[0].split(">")[0].split("<")[0] in ("python", "pip"):
            continue
        m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep)
        out[m.group(1).lower().replace("_", "-")] = str(Requirement(m.group(1) + m.group(2)).specifier)
    return out


def test_environment_yml_matches_pyproject():
    py, env = _pyproject(), _environment()
    assert set(py) == set(env), (
        f"only in pyproject: {sorted(set(py) - set(env))}; only in environment.yml: {sorted(set(env) - set(py))}")
    mismatched = {k: (py[k], env[k]) for k in py if py[k] != env[k]}
    assert not mismatched, f"version specifiers differ (pyproject, environment.yml): {mismatched}"


def test_environment_yml_installs_the_package():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_sections and "-e ." in pip_sections[0]


def test_lower_bounds_that_the_course_relies_on():
    py = _pyproject()
    for name, bound in [("jupyterlab", ">=4"), ("ipywidgets", ">=8"), ("jupyterlab-widgets", ">=3")]:
        assert name in py, f"{name} must be a runtime dependency (sliders need it beside JupyterLab)"
        assert py[name].startswith(bound), f"{name} must be pinned {bound}..., got {py[name]!r}"


def test_installed_versions_satisfy_the_bounds():
    from importlib.metadata import version
    for name, spec in _pyproject().items():
        assert Requirement(name + spec).specifier.contains(version(name), prereleases=True), (name, version(name))
