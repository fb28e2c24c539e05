"""The contents notebook: every glossary term is met in the chapter its "first met in" column names,
and the setup check's stored output is a slider picture, not the text ``IntSlider(...)``."""
from __future__ import annotations

import json
import re

import pytest

from course import REPO

NB_DIR = REPO / "notebooks"


def _text(stem: str) -> str:
    nb = json.loads((NB_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def _glossary():
    rows = []
    for line in _text("00_contents").splitlines():
        m = re.match(r"^\| ([^|]+) \| ([^|]*[\u4e00-\u9fff][^|]*) \| \[\d\d\]\((\d\d_\w+)\.ipynb\) \|$", line)
        if m:
            rows.append(m.groups())
    return rows


def _alternatives(term: str) -> list[str]:
    """'extremum (local maximum / minimum)' → ['extremum']; 'learning rate, step size' → both."""
    base = re.sub(r"\(.*?\)", "", term)
    return [a.strip() for a in re.split(r"[/,]", base) if a.strip()]


def _english_in(alt: str, text: str) -> bool:
    norm = lambda s: re.sub(r"[\s\-]+", " ", s.lower())  # noqa: E731
    return re.search(r"(?<![a-z])" + re.escape(norm(alt)) + r"(s|es)?(?![a-z])", norm(text)) is not None


GLOSSARY = _glossary()


def test_glossary_is_complete():
    assert len(GLOSSARY) >= 60
    assert len({en for en, _, _ in GLOSSARY}) == len(GLOSSARY), "a term is listed twice"


@pytest.mark.parametrize("english, chinese, chapter", GLOSSARY, ids=[g[0] for g in GLOSSARY])
def test_glossary_term_appears_in_the_chapter_named(english, chinese, chapter):
    text = _text(chapter)
    found = [a for a in _alternatives(english) if _english_in(a, text)] + \
            [a for a in _alternatives(chinese) if a in text]
    assert found, f"{english!r} / {chinese!r}: neither appears in {chapter}"


def test_the_matcher_rejects_a_term_a_chapter_never_uses():
    assert not _english_in("loss", "the glossary of a closs")        # whole words only
    assert not any(_english_in(a, "partial derivatives of f(x, y)") for a in _alternatives("saddle point"))


def test_setup_check_output_is_a_slider_before_anything_runs():
    nb = json.loads((NB_DIR / "00_contents.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "setup_check_slider" in "".join(c["source"]))
    bundles = [o["data"] for o in cell["outputs"] if o["output_type"] == "display_data"]
    assert len(bundles) == 1
    # JupyterLab shows the PNG until the widget manager is ready, then the live widget
    assert {"application/vnd.jupyter.widget-view+json", "image/png"} <= set(bundles[0])
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    model = bundles[0]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert state[model]["model_name"] == "IntSliderModel" and state[model]["state"]["value"] == 3
