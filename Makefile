# CPOR Portal. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DEMO_PASSWORD ?= cpor-demo

.PHONY: run test lint format venv migrate seed messages bench serve-prod serve-ctl worker beat clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## run: embedded SQLite, no broker, demo data, http://127.0.0.1:$(PORT) (e-mail links too, unless SITE_URL is set)
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: seed
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: venv
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: refresh and compile the translation catalogs (needs gettext; compiled .mo files are committed)
messages: venv
	$(PY) manage.py makemessages -l sv --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages -l sv --ignore=.venv

clean:
	rm -rf var/cpor.sqlite3* var/media

# --- the real thing on this machine: PostgreSQL, Redis, gunicorn, Celery worker + beat ----
# Production settings (DJANGO_ENV=production) that still work on plain http://127.0.0.1:
# TLS redirect off, local host names, a secret key generated once into var/secret-key.
# Every value can be overridden from the environment (see README "Running the real thing").
PROD_ENV = set -e; mkdir -p var; \
	test -s var/secret-key || (umask 077; $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret-key); \
	export DJANGO_ENV=production; \
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret-key)}"; \
	export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cpor}"; \
	export REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/0}"; \
	export DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	export SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}"; \
	export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"
# Creates the PostgreSQL database DATABASE_URL names when it is missing and psql reaches the
# server (serve-prod, bench); a SQLite or empty DATABASE_URL is left alone.
CREATE_DATABASE = case "$${DATABASE_URL:-}" in postgres://*|postgresql://*) \
	if command -v psql >/dev/null 2>&1 && ! psql "$$DATABASE_URL" -c 'select 1' >/dev/null 2>&1; then \
	  db=$$(basename "$${DATABASE_URL%%\?*}"); \
	  psql "$${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$$db\"" && echo "$@: created database $$db"; \
	fi;; \
	esac
CELERY_WORKER = $(VENV)/bin/celery -A cpor_portal worker -l info -c 2 --without-gossip --without-mingle
CELERY_BEAT = $(VENV)/bin/celery -A cpor_portal beat -l info -s var/celerybeat-schedule --pidfile=

## serve-prod: nginx → gunicorn (gthread) + one Celery worker + one beat, each supervised, on PostgreSQL and Redis, http://127.0.0.1:$(PORT)
serve-prod: SHELL := /bin/bash
serve-prod: venv
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt-get install -y -qq nginx-light >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null)
	@$(PROD_ENV); \
	$(CREATE_DATABASE); \
	$(PY) manage.py migrate --noinput || { echo "serve-prod: cannot migrate $$DATABASE_URL: is PostgreSQL running and the database created?" >&2; exit 1; }; \
	if [ -n "$${SEED:-}" ]; then $(PY) manage.py seed_demo; fi; \
	export PORT=$(PORT) CPOR_BIN="$(abspath $(VENV))/bin"; \
	exec deploy/serve

## serve-ctl: the supervisor of a running serve-prod, e.g. `make serve-ctl ARGS="status"` or ARGS="restart worker"
serve-ctl: venv
	@CPOR_VAR_DIR="$${CPOR_VAR_DIR:-$(CURDIR)/var}" $(VENV)/bin/supervisorctl -c deploy/supervisord.conf $(or $(ARGS),status)

## worker / beat: one Celery worker, or the one beat, in the serve-prod environment
worker: venv
	@$(PROD_ENV); exec $(CELERY_WORKER)

beat: venv
	@$(PROD_ENV); exec $(CELERY_BEAT)

## bench: load BENCH_CLAIMS claims (1M on PostgreSQL, 100k on SQLite) and measure; see README "Benchmark"
## (creates a missing PostgreSQL database first, as serve-prod does; bench.run migrates it)
bench: venv
	@$(CREATE_DATABASE)
	@command -v wrk >/dev/null 2>&1 || (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)) || echo "wrk unavailable: HTTP runs skipped"
	$(PY) -m bench.run
