"""Dependencies are declared once and pinned once.

pyproject.toml declares the runtime dependencies with the lower bounds the course relies on
(JupyterLab 4, ipywidgets 8, jupyterlab_widgets beside JupyterLab); constraints.txt pins every
package to the version the stored notebook outputs were made with, on every Python the README
names (3.10–3.13, with environment markers where an older Python cannot have the same version);
environment.yml pins the runtime packages to the same versions. torch stays optional.
"""
import re

try:
    import tomllib
except ModuleNotFoundError:          # Python 3.10: the same parser, from PyPI (test extra)
    import tomli as tomllib

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement

from conftest import REPO

PYTHONS = ("3.10", "3.11", "3.12", "3.13")     # what the README promises


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _project():
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _pyproject():
    return {_norm(Requirement(r).name): str(Requirement(r).specifier) for r in _project()["dependencies"]}


def _environment():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict) or re.split(r"[=<>! ]", dep)[0] in ("python", "pip"):
            continue
        m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep)
        out[_norm(m.group(1))] = str(Requirement(m.group(1) + m.group(2)).specifier)
    return out


def _constraints(python_version):
    """{name: version} that constraints.txt pins on that Python; fails on a name pinned twice."""
    env = {"python_version": python_version, "python_full_version": python_version + ".0"}
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        req = Requirement(line)
        assert str(req.specifier).startswith("=="), f"constraints.txt pins exact versions: {line!r}"
        if req.marker is None or req.marker.evaluate(env):
            name = _norm(req.name)
            assert name not in pins, f"{name} is pinned twice for Python {python_version}"
            pins[name] = str(req.specifier)[2:]
    return pins


def _declared(python_version):
    """Every requirement of the runtime set and of the test and torch extras on that Python."""
    project = _project()
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in ("test", "torch"):
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    env = {"python_version": python_version, "python_full_version": python_version + ".0"}
    return [r for r in reqs if r.marker is None or r.marker.evaluate(env)]


def test_environment_yml_declares_the_runtime_set_pinned_like_constraints():
    py, env = _pyproject(), _environment()
    assert set(py) == set(env), (
        f"only in pyproject: {sorted(set(py) - set(env))}; only in environment.yml: {sorted(set(env) - set(py))}")
    pins = _constraints("3.11")
    for name, spec in env.items():
        assert spec == f"=={pins[name]}", f"environment.yml: {name}{spec}, constraints.txt: =={pins[name]}"
        assert Requirement(name + py[name]).specifier.contains(pins[name]), (name, py[name], pins[name])


def test_environment_yml_installs_the_package_on_a_python_the_pins_exist_for():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_sections and "-e ." in pip_sections[0]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python and ">=3.11" in python[0], "environment.yml's pins are those of Python >= 3.11"


@pytest.mark.parametrize("python_version", PYTHONS)
def test_constraints_pin_every_declared_dependency_within_its_bounds(python_version):
    pins = _constraints(python_version)
    for req in _declared(python_version):
        name = _norm(req.name)
        assert name in pins, f"constraints.txt has no pin for {name} on Python {python_version}"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} (constraints.txt) is outside pyproject's {req.specifier}")


def test_constraints_pins_differ_by_python_only_where_marked():
    """Python 3.10 cannot have numpy 2.4 (numpy dropped 3.10): such packages carry markers."""
    assert _constraints("3.10")["numpy"].startswith("2.2")
    assert _constraints("3.11")["numpy"] == _constraints("3.13")["numpy"]
    assert _constraints("3.11")["torch"] == "2.13.0"


def test_torch_is_optional():
    project = _project()
    for group in [project["dependencies"], project["optional-dependencies"]["test"]]:
        assert not any(_norm(Requirement(r).name) == "torch" for r in group), "torch must stay optional"
    assert any(_norm(Requirement(r).name) == "torch" for r in project["optional-dependencies"]["torch"])


def test_tomllib_has_a_fallback_on_python_310():
    tomli = [Requirement(r) for r in _project()["optional-dependencies"]["test"] if Requirement(r).name == "tomli"]
    assert tomli and tomli[0].marker == Marker("python_version < '3.11'")


def test_lower_bounds_that_the_course_relies_on():
    py = _pyproject()
    for name, bound in [("jupyterlab", ">=4"), ("ipywidgets", ">=8"), ("jupyterlab-widgets", ">=3")]:
        assert name in py, f"{name} must be a runtime dependency (sliders need it beside JupyterLab)"
        assert py[name].startswith(bound), f"{name} must be pinned {bound}..., got {py[name]!r}"


def test_installed_versions_satisfy_the_bounds():
    from importlib.metadata import version
    for name, spec in _pyproject().items():
        assert Requirement(name + spec).specifier.contains(version(name), prereleases=True), (name, version(name))


def _deps_tool():
    import importlib.util
    spec = importlib.util.spec_from_file_location("deps_tool", REPO / "tools" / "deps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_upgrade_diff_compares_what_was_printed_not_how_the_kernel_chunked_it(tmp_path):
    import nbformat
    deps = _deps_tool()
    cell = lambda *texts: nbformat.v4.new_code_cell("...", outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text=t) for t in texts])
    one = nbformat.v4.new_notebook(cells=[cell("q(e1) = 6.0   q(e3) = -6.0\n")])
    two = nbformat.v4.new_notebook(cells=[cell("q(e1) =", " 6.0   q(e3) = -6.0\n")])
    changed = nbformat.v4.new_notebook(cells=[cell("q(e1) = 6.0   q(e3) = -6.1\n")])
    for name, nb in (("one", one), ("two", two), ("changed", changed)):
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    out = {n: deps._text_outputs(tmp_path / f"{n}.ipynb") for n in ("one", "two", "changed")}
    assert out["one"] == out["two"] == ["Cell 0: q(e1) = 6.0   q(e3) = -6.0"]
    assert out["changed"] != out["one"]


def test_the_lock_tool_reads_the_markers_like_pip():
    deps = _deps_tool()
    for version in PYTHONS:
        assert deps.pins_for(version) == _constraints(version)


def _install_recipes(makefile_text):
    """The recipe lines of each rule that runs `pip install -e .`, by rule."""
    rules, current = {}, None
    for line in makefile_text.splitlines():
        if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
            current = line.split(":")[0]
        elif line.startswith("\t") and current:
            rules.setdefault(current, []).append(line.strip())
    return {r: lines for r, lines in rules.items() if any("pip install" in ln and "-e " in ln for ln in lines)}


def test_every_install_removes_the_unused_slow_imports():
    """Both Makefiles (the repository's, the student edition's) prune after installing the course,
    so no start-up pays for rfc3987-syntax (mvcalc_helpers/_setup.py says why)."""
    from mvcalc_helpers import release

    for name, text in [("Makefile", (REPO / "Makefile").read_text()), ("edition Makefile", release._MAKEFILE)]:
        recipes = _install_recipes(text)
        assert recipes, f"{name}: no rule installs the course?"
        for rule, lines in recipes.items():
            last_install = max(i for i, ln in enumerate(lines) if "pip install" in ln or "deps.py torch" in ln)
            assert any("mvcalc_helpers._setup prune" in ln for ln in lines[last_install + 1:]), \
                f"{name}: rule {rule} installs without pruning afterwards"


def test_what_is_pruned_is_only_ever_an_optional_extra():
    """Nothing installed requires a pruned package except through an extra (e.g. jsonschema's
    format-nongpl), so removing it cannot break a package."""
    from importlib import metadata

    from mvcalc_helpers._setup import UNUSED_SLOW_IMPORTS

    pruned = {_norm(n) for n in UNUSED_SLOW_IMPORTS}
    for dist in metadata.distributions():
        for req in dist.requires or []:
            r = Requirement(req)
            if _norm(r.name) in pruned:
                assert r.marker is not None and "extra" in str(r.marker), \
                    f"{dist.metadata['Name']} requires {req} unconditionally"


def test_prune_reports_installed_and_skips_missing():
    from mvcalc_helpers import _setup

    assert _setup.installed(["pytest", "no-such-package-xyz"]) == ["pytest"]
