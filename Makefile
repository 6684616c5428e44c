# CPOR Portal. `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DEMO_PASSWORD ?= cpor-demo

.PHONY: run test lint format venv migrate seed messages bench serve-prod clean

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

## run: embedded SQLite, no broker, demo data, http://127.0.0.1:$(PORT)
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
