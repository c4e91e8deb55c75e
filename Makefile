# `make run`  : set up, then execute every notebook (full profile by default) into build/.
# `make test` : set up, then lint, unit tests, doctests and nbval (fast profile).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup lint unit nbval clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -e .
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m course_utils.runner notebooks

lint: $(STAMP)
	$(PY) -m ruff check course_utils tests notebooks bench
	$(PY) -m ruff format --check course_utils tests notebooks bench

unit: $(STAMP)
	$(PY) -m pytest tests
	$(PY) -m pytest --doctest-modules course_utils

nbval: $(STAMP)
	COURSE_PROFILE=fast $(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider notebooks

test: lint unit nbval

clean:
	rm -rf build
