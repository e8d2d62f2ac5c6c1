# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run serve test setup import lint bench clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

import: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_dump fixtures/

run: import
	@if [ -n "$$DJANGO_SUPERUSER_USERNAME" ]; then \
	  $(BIN)/python manage.py createsuperuser --noinput 2>/dev/null \
	  && echo "Admin account $$DJANGO_SUPERUSER_USERNAME created." \
	  || echo "Admin account $$DJANGO_SUPERUSER_USERNAME already exists."; \
	else \
	  echo "Admin login: run '$(BIN)/python manage.py createsuperuser', or set"; \
	  echo "DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD before 'make run'."; \
	fi
	@echo "Serving on http://$(HOST)/  (admin: http://$(HOST)/admin/)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

# The production path, locally: DEBUG off, a real SECRET_KEY, the database of DATABASE_URL,
# collected static files, gunicorn (gunicorn.conf.py: workers from the CPU count).
serve: setup
	$(BIN)/python -c "import cmforum.wsgi"
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	@echo "Serving on http://$(HOST)/ with gunicorn"
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Issue 13's figures beside their references, written to docs/benchmarks.md (not part of
# `make test`; about 25 min at the default sizes). PostgreSQL from DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/bench; the bench* databases it names are dropped and
# recreated), plus SQLite at 100k. SIZES="10000 100000 1000000" adds the 1M figures.
SIZES ?= 10000 100000
bench: setup
	$(BIN)/python bench/run.py --sizes $(SIZES) $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
