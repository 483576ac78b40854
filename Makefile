# Cultivate's two commands: `make run` and `make test`. Everything else is theirs.

# The first Python 3.11+ on the PATH, unless PYTHON is given.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; \
	done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_PASSWORD_FILE := var/demo-password
SECRET_KEY_FILE := var/secret-key
STATIC_MANIFEST := var/static/staticfiles.json
# Where `make run` listens (the Procfile's web line reads it too).
BIND ?= 127.0.0.1:8000
# BIND without its port: "127.0.0.1", "[::1]", "0.0.0.0".
BIND_HOST = $(patsubst %:$(lastword $(subst :, ,$(BIND))),%,$(BIND))
ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1],$(BIND_HOST)
# `make run` serves as production does, so no debug page ever shows a URL list
# or a traceback, but over plain HTTP on this machine: a secret generated once
# under var/, and no HTTPS redirect, HSTS or HTTPS-only cookies.
RUN_ENV = DJANGO_SETTINGS_MODULE=growth.settings DJANGO_DEBUG=0 DJANGO_HTTPS=0 \
	SECRET_KEY_FILE='$(CURDIR)/$(SECRET_KEY_FILE)' BIND='$(BIND)' \
	ALLOWED_HOSTS='$(ALLOWED_HOSTS)'
# Two workers: the machines this runs on have two cores.
PYTEST_WORKERS ?= 2

.PHONY: run run-env test install lint screenshots clean bench

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

$(SECRET_KEY_FILE): | $(INSTALLED)
	@mkdir -p var
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# With DEBUG off WhiteNoise serves the collected files only, from var/static.
# Collecting (and compressing) takes half a minute: only when they change.
$(STATIC_MANIFEST): $(INSTALLED) $(shell find static -type f) | $(SECRET_KEY_FILE)
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@touch $@

run: install $(DEMO_PASSWORD_FILE) $(SECRET_KEY_FILE) $(STATIC_MANIFEST)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty --password "$$(cat $(DEMO_PASSWORD_FILE))"
	@echo
	@echo "  Cultivate is starting on $$($(RUN_ENV) $(BIN)/python -c 'from django.conf import settings; print(settings.SITE_URL)')"
	@echo "  Sign in as admin@ manager@ mentor@ coach@ or engineer@example.com"
	@echo "  with the password: $$(cat $(DEMO_PASSWORD_FILE))"
	@echo
	$(RUN_ENV) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

# The environment `make run` serves with, one VAR=value a line (its tests read it).
run-env:
	@for pair in $(RUN_ENV); do echo "$$pair"; done

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
