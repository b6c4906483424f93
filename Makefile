# Two commands on a fresh machine: `make run` (the product) and `make test` (every test + lint).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATASET ?= ml-latest-small
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export OMP_WAIT_POLICY := PASSIVE

.PHONY: install run test lint clean

# torch first, from the pinned CPU build: anything unpinned would pull GBs of CUDA wheels.
$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Prepares data, builds the index and trains GenRec when missing (progress bars), then opens the chat.
run: install
	$(VENV)/bin/recagent data info --dataset $(DATASET)
	$(VENV)/bin/recagent index --dataset $(DATASET)
	$(VENV)/bin/recagent chat --dataset $(DATASET) $(if $(USER_ID),--user $(USER_ID))

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: install lint
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) artifacts test-artifacts
