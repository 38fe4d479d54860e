import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_start_with_a_secret_key():
    result = run_check(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


def test_debug_mode_starts_without_a_secret_key():
    assert run_check(DEBUG="true").returncode == 0


def test_cached_pages_are_kept_under_the_code_that_rendered_them(tmp_path, settings):
    """A deploy with a changed template or catalogue gets new cache keys, so no process serves
    the old HTML from the shared cache; the same code gives the same keys in every process."""
    from kai_site import settings as site_settings
    from kai_site.settings import code_fingerprint

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>old</p>", encoding="utf-8")
    first = code_fingerprint(tmp_path)
    assert code_fingerprint(tmp_path) == first
    page.write_text("<p>new</p>", encoding="utf-8")
    assert code_fingerprint(tmp_path) != first
    prefix = site_settings.CACHES["default"]["KEY_PREFIX"]
    assert prefix.endswith(site_settings.CODE_FINGERPRINT)
