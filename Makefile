# `make run`  : set up, then execute every notebook (full profile by default) into build/.
#               `KERAS_BACKEND=jax make run` runs the course on JAX (or torch).
# `make test` : set up, then lint, unit tests and doctests once, then on each backend the
#               backend-specific unit tests and nbval over every notebook (fast profile).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BACKENDS ?= tensorflow jax torch
STAMP  := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup lint unit backends nbval clean

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
	KERAS_BACKEND=tensorflow $(PY) -m pytest tests
	KERAS_BACKEND=tensorflow $(PY) -m pytest --doctest-modules course_utils

# The unit tests marked every_backend, on each backend but TensorFlow (`unit` ran them there).
backends: $(STAMP)
	@set -e; for b in $(filter-out tensorflow,$(BACKENDS)); do \
	    echo "== unit tests marked every_backend on $$b"; \
	    KERAS_BACKEND=$$b $(PY) -m pytest -m every_backend -q tests; \
	done

nbval: $(STAMP)
	@set -e; for b in $(BACKENDS); do \
	    echo "== nbval on $$b"; \
	    KERAS_BACKEND=$$b COURSE_PROFILE=fast $(PY) -m pytest --nbval-lax --nbval-current-env \
	        -p no:cacheprovider notebooks; \
	done

test: lint unit backends nbval

clean:
	rm -rf build
