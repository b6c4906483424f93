# Two commands on a fresh machine: `make run` (the UI at http://127.0.0.1:7860) and `make test` (every test + lint).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATASET ?= ml-latest-small
HOST ?= 127.0.0.1
PORT ?= 7860
LLM ?=
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export OMP_WAIT_POLICY := PASSIVE

.PHONY: install run test lint clean chromium postgresql

# torch first, from the pinned CPU build: anything unpinned would pull GBs of CUDA wheels.
$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Prepares data, builds the index and trains GenRec when missing (progress bars), then serves the UI.
# LLM=local: the local language model answers (installed on first use; `recagent llm install`).
run: install
	$(VENV)/bin/recagent data info --dataset $(DATASET)
	$(VENV)/bin/recagent index --dataset $(DATASET)
	RECAGENT_LLM=$(LLM) $(VENV)/bin/recagent ui --dataset $(DATASET) --host $(HOST) --port $(PORT)

# The browser tests drive Debian's chromium (never `playwright install`); emoji fonts for the screenshots.
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  PKGS="chromium fonts-noto-color-emoji"; \
	  $$SUDO apt-get install -y -q $$PKGS || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$PKGS; }; }

# The PostgreSQL session-store tests start Debian's server themselves (a temporary directory, a loopback port).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q postgresql || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; }; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: install lint chromium postgresql
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) artifacts test-artifacts
