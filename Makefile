# Cultivate's two commands: `make run` and `make test`. Everything else is theirs.

# The first Python 3.11+ on the PATH, unless PYTHON is given.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; \
	done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_PASSWORD_FILE := var/demo-password
# Two workers: the machines this runs on have two cores.
PYTEST_WORKERS ?= 2

.PHONY: run test install lint screenshots clean bench

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Cultivate needs Python 3.11 or newer on the PATH (or PYTHON=/path/to/python)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the dependencies change.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(INSTALLED)

$(DEMO_PASSWORD_FILE): | $(INSTALLED)
	@mkdir -p var
	@$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(12))' > $@

run: install $(DEMO_PASSWORD_FILE)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty --password "$$(cat $(DEMO_PASSWORD_FILE))"
	@echo
	@echo "  Cultivate is starting on http://127.0.0.1:8000"
	@echo "  Sign in as admin@ manager@ mentor@ coach@ or engineer@example.com"
	@echo "  with the password: $$(cat $(DEMO_PASSWORD_FILE))"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --check
	$(BIN)/djlint templates --lint

test: lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

# Retake the README's pictures of the dashboards, from the demo organisation.
screenshots: install
	CULTIVATE_SCREENSHOTS=1 $(BIN)/pytest tests/browser/test_screenshots.py -p no:xdist

# Time the pages and the reminder sweep for a large organisation, in a database
# of the benchmark's own (var/bench/, or DATABASE_URL's server): see README.md.
# The HTTP run needs locust (the bench extra): installed here, not for `make test`.
bench: install
	@test $(VENV)/.installed-bench -nt pyproject.toml || { \
		$(BIN)/python -m pip install --quiet -e '.[dev,bench]' && touch $(VENV)/.installed-bench; }
	$(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
