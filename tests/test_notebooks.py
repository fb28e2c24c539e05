"""Structure of the chapter notebooks: the course-wide standard, checked for every chapter.

nbval (run on notebooks/ by the same pytest call) re-executes each notebook and compares
outputs; these tests check what nbval cannot: coverage of the notes items, the "Note on the
notes" boxes, navigation, an explorer, figures, and that stored outputs come from one
top-to-bottom run without errors.
"""
import json
import re

import pytest

from course import CHAPTERS, REPO, items_for

NB_DIR = REPO / "notebooks"


def _load(stem):
    return json.loads((NB_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))


def _src(cell):
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def test_every_chapter_notebook_exists():
    missing = [stem for stem, *_ in CHAPTERS if not (NB_DIR / f"{stem}.ipynb").exists()]
    assert not missing, f"missing chapter notebooks: {missing}"
    assert (NB_DIR / "00_contents.ipynb").exists()


CHAPTER_PARAMS = [pytest.param(stem, id=stem) for stem, *_ in CHAPTERS if (NB_DIR / f"{stem}.ipynb").exists()]


@pytest.mark.parametrize("stem", CHAPTER_PARAMS)
def test_every_notes_item_of_the_chapter_is_cited(stem):
    text = "\n".join(_src(c) for c in _load(stem)["cells"])
    missing = [it["id"] for it in items_for(stem) if f"`{it['id']}`" not in text]
    assert not missing, f"{stem} does not cite notes items {missing} (cite as `id`)"


@pytest.mark.parametrize("stem", CHAPTER_PARAMS)
def test_wrong_and_ambiguous_items_get_a_note_on_the_notes(stem):
    boxes = [_src(c) for c in _load(stem)["cells"]
             if c["cell_type"] == "markdown" and "Note on the notes" in _src(c)]
    flagged = [it["id"] for it in items_for(stem) if it["verdict"] != "correct"]
    missing = [i for i in flagged if not any(f"`{i}`" in b for b in boxes)]
    assert not missing, f"{stem}: no 'Note on the notes' box for {missing}"


@pytest.mark.parametrize("stem", CHAPTER_PARAMS)
def test_navigation_summary_and_exercises_link(stem):
    cells = _load(stem)["cells"]
    md = [_src(c) for c in cells if c["cell_type"] == "markdown"]
    assert md[0].lstrip().startswith("#") or "00_contents.ipynb" in md[0]
    assert "00_contents.ipynb" in md[0] or "00_contents.ipynb" in md[1], "no contents link at the top"
    assert "00_contents.ipynb" in md[-1], "no contents link at the bottom"
    assert re.search(r"[\u4e00-\u9fff]", md[0] + md[1]), "the title should give the Chinese term"
    assert any(re.search(r"^#+ .*Summary", m, re.M) for m in md), "no Summary section"
    assert any(f"../exercises/{stem}/{stem}.ipynb" in m for m in md), "no link to the chapter's exercises"
    assert any(re.search(r"learning goals|you will learn", m, re.I) for m in md), "no learning goals"


@pytest.mark.parametrize("stem", CHAPTER_PARAMS)
def test_executed_top_to_bottom_without_errors(stem):
    code = [c for c in _load(stem)["cells"] if c["cell_type"] == "code" and _src(c).strip()]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), f"not executed in one run: {counts[:10]}…"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"stored error output: {errors[0].get('ename')}: {errors[0].get('evalue')}"


@pytest.mark.parametrize("stem", CHAPTER_PARAMS)
def test_figures_explorer_and_self_checks(stem):
    cells = _load(stem)["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    pngs = sum("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", []))
    assert pngs >= 2, f"{stem} shows {pngs} figures; the standard is at least 2"
    explorer_cells = [c for c in code if re.search(r"\bmh\.\w+_explorer\(", _src(c))]
    assert explorer_cells, "no slider explorer (mh.<name>_explorer(...))"
    for c in explorer_cells:
        assert "nbval-ignore-output" in c.get("metadata", {}).get("tags", []), \
            "explorer cells must be tagged nbval-ignore-output (widget output has no stable text)"
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.get("outputs", [])), \
            "explorer cell has no stored widget output"
    asserts = sum(len(re.findall(r"^\s*assert ", _src(c), re.M)) for c in code)
    assert asserts >= 5, f"{stem} asserts only {asserts} worked results"


@pytest.mark.parametrize("stem", CHAPTER_PARAMS)
def test_no_package_logic_copied_into_the_notebook(stem):
    """Notebooks call the package; they do not define their own helper functions at length."""
    for c in _load(stem)["cells"]:
        if c["cell_type"] != "code":
            continue
        for m in re.finditer(r"^def (\w+)\(.*?(?=^\S|\Z)", _src(c), re.M | re.S):
            body_lines = [ln for ln in m.group(0).splitlines()[1:] if ln.strip() and not ln.strip().startswith("#")]
            assert len(body_lines) <= 6, (
                f"{stem} defines {m.group(1)}() with {len(body_lines)} lines: reusable logic belongs in mvcalc_helpers")


def test_contents_links_every_chapter_its_exercises_and_has_a_glossary():
    text = "\n".join(_src(c) for c in _load("00_contents")["cells"])
    for stem, *_ in CHAPTERS:
        assert f"({stem}.ipynb)" in text, f"contents does not link {stem}"
        assert f"(../exercises/{stem}/{stem}.ipynb)" in text, f"contents does not link {stem}'s exercises"
    glossary = [ln for ln in text.splitlines() if re.match(r"^\| [^|]+ \| [^|]*[\u4e00-\u9fff][^|]* \|", ln)]
    assert len(glossary) >= 40, f"glossary has only {len(glossary)} English–中文 rows"


def test_every_link_between_notebooks_points_to_a_file():
    """Relative links in markdown cells (chapters, exercises) resolve once the course is complete."""
    broken = []
    for nb_path in sorted(NB_DIR.glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for c in nb["cells"]:
            if c["cell_type"] != "markdown":
                continue
            for target in re.findall(r"\]\(([^)#\s]+\.ipynb)\)", _src(c)):
                if not (nb_path.parent / target).resolve().exists():
                    broken.append(f"{nb_path.name} → {target}")
    assert not broken, f"broken links: {broken}"


def test_vendored_notes_checklist_matches_the_source():
    from course import SHARED_NOTES_ITEMS, VENDORED_NOTES_ITEMS, notes_items
    items = notes_items()
    assert len(items) == 82 and {i["verdict"] for i in items} == {"correct", "wrong", "ambiguous-notation"}
    if not SHARED_NOTES_ITEMS.exists():
        pytest.skip("../shared/notes is not beside this clone; using the vendored copy")
    assert VENDORED_NOTES_ITEMS.read_bytes() == SHARED_NOTES_ITEMS.read_bytes(), \
        "tests/data/notes_items.json differs from ../shared/notes/notes_items.json: copy the source again"


@pytest.mark.parametrize("stem, number", [("04_taylor_hessian", 4), ("05_extrema_definiteness", 5)])
def test_chapters_4_and_5_follow_the_chapter_style(stem, number):
    """Navigation bar first and last, `# N · Title`, sections `## N.k`, subsections `### N.k.m` or `### Explorer:`."""
    cells = _load(stem)["cells"]
    md = [_src(c) for c in cells if c["cell_type"] == "markdown"]
    nav = md[0].splitlines()[0]
    assert nav.startswith("[← 0") and "00_contents.ipynb" in nav and md[-1].strip() == nav
    assert re.search(rf"^# {number} · .*[\u4e00-\u9fff]", md[0], re.M)
    headings = re.findall(r"^(#{2,3}) (.*)$", "\n".join(md), re.M)
    for level, title in headings:
        if level == "##":
            assert re.match(rf"{number}\.\d+ ", title) or title in ("Summary", "Exercises"), title
        else:
            assert re.match(rf"{number}\.\d+\.\d+ ", title) or title.startswith("Explorer: "), title
    assert [t for lv, t in headings if lv == "##"][-2:] == ["Summary", "Exercises"]


@pytest.mark.parametrize("stem", ["04_taylor_hessian", "05_extrema_definiteness"])
def test_chapters_4_and_5_teach_curvature_on_the_running_example(stem):
    """Issue 11: the neuron's Hessian and curvature, the stable step η < 2/λ_max with its explorer,
    and (chapter 5) the condition number and saddle points — computed, not typed in."""
    cells = _load(stem)["cells"]
    code = "\n".join(_src(c) for c in cells if c["cell_type"] == "code")
    text = "\n".join(_src(c) for c in cells if c["cell_type"] == "markdown")
    assert "mh.neuron_hessian(" in code and "mh.learning_rate_explorer(" in code
    assert "np.linalg.eig(" not in code.replace("np.linalg.eig(M)  ", "") or "np.sort" in code
    if stem.startswith("04"):
        assert "mh.newton_method(" in code and "2/\\lambda_{\\max}" in text
    else:
        assert "condition number" in text and "saddle" in text.lower() and "kappa" in code
    assert not re.search(r"\(λ = 0\.\d+\)|GD \(λ", code + text), "λ is for eigenvalues; the step size is η"


def _navigation_bar(i):
    parts = []
    if i > 0:
        stem, title, _ = CHAPTERS[i - 1]
        parts.append(f"[← {stem[:2]} {title}]({stem}.ipynb)")
    parts.append("[Contents](00_contents.ipynb)")
    if i + 1 < len(CHAPTERS):
        stem, title, _ = CHAPTERS[i + 1]
        parts.append(f"[{stem[:2]} {title} →]({stem}.ipynb)")
    return " | ".join(parts)


@pytest.mark.parametrize("i", range(len(CHAPTERS)), ids=[c[0] for c in CHAPTERS])
def test_one_navigation_bar_first_and_last(i):
    """Every chapter opens and ends with the same bar: previous chapter, contents, next chapter."""
    cells = _load(CHAPTERS[i][0])["cells"]
    expected = _navigation_bar(i)
    assert _src(cells[0]).splitlines()[0] == expected
    assert _src(cells[-1]).strip() == expected
