# mvcalc — two commands do all the set-up on a machine with only python3:
#   make lab    create .venv, install the course, copy the notebooks a learner works in to work/
#               (git-ignored; never overwritten) and start JupyterLab on work/ (PORT=8888)
#   make test   create/update .venv with the test extras and run the whole suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8888
IP     ?= 127.0.0.1
PYTEST_ARGS ?=
# pins of the versions the stored outputs were made with; `make test CONSTRAINTS=` = newest versions
CONSTRAINTS ?= constraints.txt
PIP_C  := $(if $(strip $(CONSTRAINTS)),-c $(CONSTRAINTS))
# torch (autograd cross-checks only): auto = only where a CPU-only wheel exists; yes; no
TORCH  ?= auto
# parallel pytest workers (pytest-xdist); JOBS=0 runs in one process
JOBS   ?= auto
XDIST  := $(if $(filter 0,$(JOBS)),-p no:xdist,-n $(JOBS) --dist loadfile)

.PHONY: lab lab-repo check test test-fast test-notebooks notebooks exercises check-exercises release bench upgrade clean help

help:
	@echo "make lab              start JupyterLab on your copy of the course, work/ (PORT=$(PORT))"
	@echo "make check            self-check: the setup, then every exercise in work/ (visible checks)"
	@echo "make test             run the whole test suite (unit, doctest, nbval, grading, browser)"
	@echo "make test-fast        the quick part: unit, property and doctests (no kernels, no browser)"
	@echo "make test-notebooks   run every chapter with nbval (stored outputs compared)"
	@echo "make notebooks        re-execute every chapter notebook in place (authors)"
	@echo "make exercises        regenerate exercises/ from solutions/ (refuses to overwrite answers)"
	@echo "make check-exercises  say whether exercises/ matches solutions/ (never writes)"
	@echo "make release          build the student edition in dist/student/ (no key)"
	@echo "make lab-repo         JupyterLab on the whole repository, key included (authors)"
	@echo "make bench            print the benchmark table"
	@echo "make upgrade          newest versions in .venv-upgrade-3.X: re-execute copies of the chapters, diff outputs"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# the stamps re-run pip only when pyproject.toml or the pins change
$(VENV)/.installed-course: pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet -e . $(PIP_C)
	$(PY) -m mvcalc_helpers._setup prune
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet -e ".[test]" $(PIP_C)
	$(PY) tools/deps.py torch --install --mode $(TORCH) $(PIP_C)
	$(PY) -m mvcalc_helpers._setup prune
	@touch $(VENV)/.installed-course $@

# work/ is the learner's copy: made on the first `make lab`, never overwritten (a course update
# only replaces copies the learner has not changed), git-ignored so `git pull` never conflicts
lab: $(VENV)/.installed-course
	$(PY) -m mvcalc_helpers.workspace sync --course "$(CURDIR)" --work "$(CURDIR)/work"
	@echo "Starting JupyterLab on http://$(IP):$(PORT)/lab  (the token is printed below; Ctrl-C stops it)"
	$(VENV)/bin/jupyter lab --no-browser --ip=$(IP) --port=$(PORT) --ServerApp.port_retries=0 \
	    --ServerApp.root_dir="$(CURDIR)/work" \
	    --LabApp.default_url=/lab/tree/notebooks/00_contents.ipynb \
	    $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

lab-repo: $(VENV)/.installed-course
	$(VENV)/bin/jupyter lab --no-browser --ip=$(IP) --port=$(PORT) --ServerApp.port_retries=0 \
	    --ServerApp.root_dir="$(CURDIR)" \
	    --LabApp.default_url=/lab/tree/notebooks/00_contents.ipynb \
	    $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

check: $(VENV)/.installed-course
	$(PY) -m mvcalc_helpers.workspace sync --course "$(CURDIR)" --work "$(CURDIR)/work"
	$(PY) -m mvcalc_helpers.workspace check --course "$(CURDIR)" --work "$(CURDIR)/work"

# the chapters run once, under nbval inside tests/test_roundoff.py (another BLAS kernel, one
# thread), not twice: the native nbval items are deselected here (make test-notebooks runs them)
test: $(VENV)/.installed-test
	$(PY) -m pytest $(XDIST) -m "not notebook" $(PYTEST_ARGS)

# the inner loop: unit, property and doctests — no browser, no `slow` (kernels, sandboxes,
# subprocess commands, the figure gallery), no chapter runs; test-notebooks runs the chapters
test-fast: $(VENV)/.installed-test
	$(PY) -m pytest $(XDIST) -m "not browser and not slow and not notebook" $(PYTEST_ARGS)

test-notebooks: $(VENV)/.installed-test
	$(PY) -m pytest $(XDIST) notebooks $(PYTEST_ARGS)

notebooks: $(VENV)/.installed-course
	$(VENV)/bin/mvcalc-run-notebooks

exercises: $(VENV)/.installed-course
	$(VENV)/bin/mvcalc-build-exercises

# its own target: `make exercises --check` would be read by make itself (--check-symlink-times)
check-exercises: $(VENV)/.installed-course
	$(VENV)/bin/mvcalc-build-exercises --check

release: $(VENV)/.installed-course
	$(PY) -m mvcalc_helpers.release dist/student

bench: $(VENV)/.installed-test
	$(PY) -m benchmarks

# newest versions into .venv-upgrade-<python version>; copies of the chapters re-executed there and their text
# outputs diffed against the committed ones; WRITE=1 overwrites the notebooks and constraints.txt
upgrade: | $(PY)
	$(PY) tools/deps.py upgrade $(if $(WRITE),--write)

# never removes work/ (answers), grades/ or submitted/ (student data)
clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info artifacts dist
