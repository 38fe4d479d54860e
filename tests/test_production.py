"""Secure defaults: deploy checks, security headers, error pages, health, upload limit, logs."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import path

from kai_site.logging import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent


def check_deploy(**variables) -> subprocess.CompletedProcess:
    """`check --deploy --fail-level WARNING` as a production process runs it, with these variables."""
    # A production process has none of the test run's variables (browser tests set some).
    dropped = ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="kai.example.org")
    for name in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "EMAIL_BACKEND", "ALLOW_CONSOLE_EMAIL"):
        env.pop(name, None)
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.org",
}


def test_check_deploy_passes_with_production_settings():
    result = check_deploy(**SMTP)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_console_email_backend_unless_told_it_is_meant():
    # The default backend prints password-reset links, with their tokens, to the server's output.
    refused = check_deploy()
    assert refused.returncode != 0
    assert "kai_site.E001" in refused.stderr and "ALLOW_CONSOLE_EMAIL" in refused.stderr
    allowed = check_deploy(ALLOW_CONSOLE_EMAIL="true")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_the_email_check_leaves_development_alone(settings):
    from kai_site.checks import email_backend_check

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.DEBUG = True
    assert email_backend_check() == []
    settings.DEBUG = False
    assert [error.id for error in email_backend_check()] == ["kai_site.E001"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    assert [error.id for error in email_backend_check()] == ["kai_site.E001"]
    settings.EMAIL_BACKEND = SMTP["EMAIL_BACKEND"]
    assert email_backend_check() == []


@pytest.mark.django_db
def test_pages_send_the_security_headers_and_no_server_version(client, program):
    response = client.get("/ko/")
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Server" not in response


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/ko/phases/first-stage/",
        "/ko/teams/upstage/",
        "/ko/models/solar-open-100b/",
        "/ko/benchmarks/",
        "/ko/accounts/login/",
    ],
)
def test_no_page_carries_an_inline_script(client, program, url):
    html = client.get(url).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.django_db
def test_a_missing_page_answers_the_custom_404_without_a_traceback(client):
    response = client.get("/en/teams/does-not-exist/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This page does not exist" in html and "Traceback" not in html


def _boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom", _boom)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_answers_the_custom_500_without_a_traceback(client):
    client.raise_request_exception = False
    response = client.get("/boom")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret internal detail" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_healthz_checks_the_database_cache_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_naming_an_unreachable_broker(client, settings):
    from kai_site.celery import app

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    old = app.conf.broker_url
    app.conf.broker_url = settings.REDIS_URL
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, settings, member_a):
    from evaluations.models import EvaluationRun

    settings.RUN_UPLOAD_MAX_BYTES = 1000
    settings.UPLOAD_OVERHEAD_BYTES = 100
    client.force_login(member_a)
    response = client.post(
        "/en/runs/new/", data=b"x" * 2000, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "limited to 1,000 bytes" in response.content.decode()
    assert EvaluationRun.objects.count() == 0


def test_the_json_log_formatter_writes_one_object_a_line_with_the_extra_fields():
    record = logging.makeLogRecord(
        {"name": "kai.request", "levelname": "INFO", "msg": "request", "status": 200, "path": "/x"}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "request" and entry["status"] == 200 and entry["path"] == "/x"


@pytest.mark.django_db
def test_each_request_is_logged_once_with_its_status(client, caplog):
    caplog.set_level(logging.INFO, logger="kai.request")
    client.get("/ko/teams/nobody/")
    records = [r for r in caplog.records if r.name == "kai.request"]
    assert len(records) == 1 and records[0].status == 404 and records[0].path == "/ko/teams/nobody/"
