#!/usr/bin/env bash
# Sets everything up and serves PoA Reports on the embedded defaults: a SQLite file, Celery tasks
# in-process, the demo data. Prints the address and the demo log-ins.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=config.settings.local
host=${HOST:-127.0.0.1}
port=${PORT:-8000}
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
echo
echo "PoA Reports is running at http://$host:$port/  (administration: http://$host:$port/admin/)"
echo "Stop it with Ctrl+C."
exec .venv/bin/python manage.py runserver "$host:$port"
