#!/usr/bin/env bash
# `make serve`: the production stack on this machine: gunicorn and a Celery worker with beat,
# DEBUG off, against DATABASE_URL and REDIS_URL. Plain HTTP on 127.0.0.1, so no TLS redirect.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?Set DATABASE_URL (e.g. postgres://kai@127.0.0.1:5432/kai)}"
: "${REDIS_URL:?Set REDIS_URL (e.g. redis://127.0.0.1:6379/0)}"
mkdir -p var
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key
  SECRET_KEY=$(cat var/secret_key)
fi
export SECRET_KEY DEBUG=false
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}" SECURE_COOKIES="${SECURE_COOKIES:-false}"
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8000}"
# This machine's own stack: password-reset e-mails may go to this terminal unless SMTP is set.
export ALLOW_CONSOLE_EMAIL="${ALLOW_CONSOLE_EMAIL:-true}"

.venv/bin/python manage.py check --deploy --fail-level ERROR  # refuse to start on an error
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py collectstatic --no-input -v0
.venv/bin/python manage.py load_program

.venv/bin/celery -A kai_site worker -B -Q default,scoring --concurrency "${CONCURRENCY:-2}" --loglevel INFO &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
.venv/bin/gunicorn -c deploy/gunicorn.conf.py kai_site.wsgi
