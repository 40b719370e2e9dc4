# Newsroom: `make run` to serve the site on a laptop, `make test` to run the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint format migrations-check ci clean backup restore bench bench-ingest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

run: export DEBUG ?= 1
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py local_admin --url http://127.0.0.1:$(PORT)/admin/
	@echo "Serving the site on http://127.0.0.1:$(PORT)/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# PYTEST_ARGS narrows a run, e.g. PYTEST_ARGS='-m "not browser"'.
test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

# The database (PostgreSQL or SQLite, from DATABASE_URL) and media files, in one archive
# that only its owner can read (0600), without sign-in sessions (ARGS=--with-sessions keeps them).
backup: $(VENV)/.installed
	$(BIN)/python manage.py backup --output backups/ $(ARGS)

# make restore FILE=backups/newsroom-….tar.gz (into an empty database)
restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/newsroom-….tar.gz"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

ci:
	.ci/run

# The site under load at 1,000 and 100,000 stories (PostgreSQL, Redis, wrk, nginx):
# bench/results/latest.md. BENCH_ARGS="--sizes 1000 --duration 2" for a quick look;
# BENCH_ARGS=--breaking for breaking news through the purged proxy (docs/benchmark.md).
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Ingest: how well it reads the annotated real pages, and how fast on large input.
bench-ingest: $(VENV)/.installed
	$(BIN)/python bench/ingest_eval.py
	$(BIN)/python bench/ingest_speed.py

clean:
	rm -rf $(VENV) *.egg-info
