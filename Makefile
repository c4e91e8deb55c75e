# `make run`  : set up, then execute every notebook (full profile by default) into build/.
#               `KERAS_BACKEND=jax make run` runs the course on JAX (or torch).
# `make test` : set up, then lint, unit tests and doctests once, then on each backend the
#               backend-specific unit tests and nbval over every notebook (fast profile).
#               These checks run JOBS at a time (one per core by default, each given its share
#               of the cores); each one's output appears, whole, when it ends.
#               `make test JOBS=1` runs them one after the other.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BACKENDS ?= tensorflow jax torch
STAMP  := $(VENV)/.installed
CORES  := $(shell nproc 2>/dev/null || echo 1)
JOBS   ?= $(CORES)
# Threads per check when several run at once: PyTorch's and TensorFlow's thread pools slow
# each other down badly when together they ask for more threads than there are cores.
THREADS := $(shell n=$$(( $(CORES) / $(JOBS) )); [ $$n -ge 1 ] && echo $$n || echo 1)
# (`make test` sets SIDE_BY_SIDE when it runs more than one check at a time.)
ifeq ($(SIDE_BY_SIDE),yes)
SHARE  := OMP_NUM_THREADS=$(THREADS) TF_NUM_INTRAOP_THREADS=$(THREADS) \
          TF_NUM_INTEROP_THREADS=$(THREADS)
else
SHARE  :=
endif
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONDONTWRITEBYTECODE := 1

# The checks of `make test`, the longest first, so that JOBS at a time finish soonest.
ORDER  := nbval-jax nbval-torch unit backends-jax nbval-tensorflow backends-torch
NBVALS := $(foreach b,$(BACKENDS),nbval-$(b))
UNITS  := $(foreach b,$(filter-out tensorflow,$(BACKENDS)),backends-$(b))
CHECKS := $(filter unit $(NBVALS) $(UNITS),$(ORDER)) $(filter-out $(ORDER),$(NBVALS) $(UNITS))

.PHONY: run test setup lint unit backends nbval clean checks $(NBVALS) $(UNITS)

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
	KERAS_BACKEND=tensorflow $(SHARE) $(PY) -m pytest -p no:cacheprovider tests
	KERAS_BACKEND=tensorflow $(SHARE) $(PY) -m pytest -p no:cacheprovider --doctest-modules \
	    course_utils

# The unit tests marked every_backend, on each backend but TensorFlow (`unit` ran them there).
backends: $(UNITS)

$(UNITS): backends-%: $(STAMP)
	@echo "== unit tests marked every_backend on $*"
	KERAS_BACKEND=$* $(SHARE) $(PY) -m pytest -p no:cacheprovider -m every_backend -q tests

nbval: $(NBVALS)

$(NBVALS): nbval-%: $(STAMP)
	@echo "== nbval on $*"
	KERAS_BACKEND=$* COURSE_PROFILE=fast $(SHARE) $(PY) -m pytest --nbval-lax \
	    --nbval-current-env -p no:cacheprovider notebooks

checks: $(CHECKS)

test: lint
	@echo "== $(words $(CHECKS)) checks, $(JOBS) at a time: $(strip $(CHECKS))"
	@echo "   (each check's output appears when it ends; the longest take several minutes)"
	@$(MAKE) --no-print-directory -j$(JOBS) --output-sync=target checks \
	    SIDE_BY_SIDE=$(if $(filter 1,$(JOBS)),no,yes)

clean:
	rm -rf build
