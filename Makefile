# BKN Award: `make run` to use the application, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
# The first Python >= 3.12 on PATH (Django 6.1 needs it); pyenv's shims included.
PYTHON_SYS ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
		command -v $$p; break; fi; done)

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv npm lint format migrate demo worker web clean

$(VENV)/.terpasang: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON_SYS)" ]; then \
		echo "GALAT: butuh Python 3.12 atau lebih baru (Django 6.1), tetapi tidak ada di PATH."; \
		echo "Pasang Python >= 3.12 (mis. 'pyenv install 3.12' lalu 'pyenv local 3.12'), kemudian ulangi."; \
		exit 1; fi
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Virtualenv lama memakai Python < 3.12: dibuat ulang."; rm -rf $(VENV); fi
	@[ -x $(PY) ] || { echo "Membuat $(VENV) dengan $(PYTHON_SYS)"; "$(PYTHON_SYS)" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.terpasang

# axe-core for the accessibility checks of the browser tests (a test tool only: package.json).
node_modules/.terpasang: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "GALAT: uji aksesibilitas butuh Node.js dan npm (untuk axe-core), tetapi npm tidak ada di PATH."; \
		echo "Pasang Node.js 18 atau lebih baru (mis. 'apt-get install -y nodejs npm'), kemudian ulangi."; \
		exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

npm: node_modules/.terpasang

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py impor_instansi
	$(PY) manage.py siapkan_demo

# The web server and a Celery worker together, the worker with its beat (reminders, the e-mail
# outbox's retries, the daily digest); Ctrl-C stops both.
run: demo
	@echo "Menjalankan server web (http://$(HOST):$(PORT)/) dan worker Celery. Tekan Ctrl-C untuk berhenti."
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT INT TERM; \
	$(VENV)/bin/celery -A bkn_award worker --beat --schedule var/celerybeat-schedule --loglevel=INFO --concurrency=2 --without-gossip --without-mingle & \
	$(PY) manage.py runserver $(HOST):$(PORT) & \
	wait -n

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: venv npm lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) node_modules var/db.sqlite3* var/celery var/cache .pytest_cache .ruff_cache
