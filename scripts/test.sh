#!/usr/bin/env bash
# Installs what the tests need, makes sure PostgreSQL and Redis run, then lints and runs every
# test (extra arguments go to pytest, e.g. scripts/test.sh -m "not browser").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
scripts/services.sh
export DJANGO_SETTINGS_MODULE=config.settings.test
echo "==> translation catalogues"
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> migrations are committed"
DATABASE_URL=sqlite:// .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Model changes without a migration: run manage.py makemigrations" >&2; exit 1; }
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"
