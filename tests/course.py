"""The course's chapter list and which notes items each chapter covers (single source for tests)."""
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The course notes' checklist. The source is ../shared/notes/ (beside the repository in the
# project's workspace and CI); a copy ships in tests/data/ so that a clone anywhere can run the
# suite, and tests/test_notebooks.py keeps the two identical whenever the source is present.
SHARED_NOTES_ITEMS = REPO.parent / "shared" / "notes" / "notes_items.json"
VENDORED_NOTES_ITEMS = REPO / "tests" / "data" / "notes_items.json"
NOTES_ITEMS = SHARED_NOTES_ITEMS if SHARED_NOTES_ITEMS.exists() else VENDORED_NOTES_ITEMS

# (file stem, title, notes-item id prefixes it covers)
CHAPTERS = [
    ("01_partial_derivatives", "Partial derivatives", ("000-S1-", "000-S2-", "001-S2-", "001-S3-")),
    ("02_chain_rule_jacobian", "Chain rule and the Jacobian", ("000-S3-", "001-S5-")),
    ("03_gradient_descent", "Directional derivative, gradient, gradient descent", ("000-S4-", "001-S4-")),
    ("04_taylor_hessian", "Taylor formula and the Hessian", ("000-S5-", "001-S6-def", "001-S6-Ex")),
    ("05_extrema_definiteness", "Extrema, definiteness and quadratic forms",
     ("000-S6-", "001-S6-convex", "001-S7", "001-S8")),
    ("06_matrix_calculus", "Matrix calculus", ("000-S7-",)),
    ("07_backpropagation", "Backpropagation", ("000-S8-",)),
    # beyond the notes: no notes items
    ("08_automatic_differentiation", "Automatic differentiation", ()),
]


def notes_items():
    return json.loads(NOTES_ITEMS.read_text(encoding="utf-8"))


def items_for(stem):
    prefixes = next(c[2] for c in CHAPTERS if c[0] == stem)
    return [it for it in notes_items() if it["id"].startswith(prefixes)]
