"""Benchmark: first-load size of the phase leaderboard and its throughput against a trivial view.

Run as ``.venv/bin/python tests/bench/bench_pages.py`` (``make bench`` runs it). It builds its own
site in a temporary directory: an SQLite database with ``migrate``, ``load_program`` and
``load_demo``, ``DEBUG=false`` with a throwaway SECRET_KEY, and ``collectstatic`` into a
temporary STATIC_ROOT (whitenoise's compressed manifest storage). Then it starts gunicorn
(2 workers) and prints:

* the first-load transfer size of ``/phases/first-stage/``: its HTML compressed with gzip and
  brotli (as a compressing proxy would send it), plus every stylesheet and script the page
  loads, as whitenoise serves them with ``Accept-Encoding: br`` (target <= 600 KB);
* with wrk (32 connections, 10 s each): requests per second of the leaderboard page and of the
  plain-text ``/ping`` view on the same server in the same run, their ratio (target >= 0.5),
  and the p99 latency of each.

Then the load figures, on the production stack when PostgreSQL and Redis answer (DATABASE_URL
and REDIS_URL, else the addresses `.ci/run` uses): ``deploy/serve.sh`` (what ``make serve``
runs: migrate, collectstatic, load_program, a Celery worker with beat, gunicorn with 2 workers)
against a throwaway database ``<name>_bench`` on that server and Redis database 15, checked
with ``/healthz`` (database, cache and broker) before the load. wrk at 64 connections for 30 s
each against the leaderboard page, the leaderboard API and ``/ping``: zero errors required;
requests per second and p99 latency, each also as a ratio to ``/ping``. Without PostgreSQL and
Redis the load runs on the SQLite server above, and says so.

No timed assertion: figures are printed, and the exit status is 1 only when a step fails.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
PAGE = "/ko/phases/first-stage/"
PLAIN = "/ping"
SIZE_TARGET_KB = 600
RATIO_TARGET = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp: Path) -> dict[str, str]:
    (tmp / "bench_settings.py").write_text(
        f"from kai_site.settings import *  # noqa: F403\nSTATIC_ROOT = {str(tmp / 'static')!r}\n"
    )
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(tmp), str(ROOT)]),
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-" + os.urandom(8).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        # The load test measures serving, not the API's per-address throttle.
        API_ANON_RATE="100000000/min",
    )
    env.pop("REDIS_URL", None)
    return env


def manage(env, *args: str) -> None:
    subprocess.run(
        [PY, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def fetch(url: str, encoding: str | None = None) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url)
    if encoding:
        request.add_header("Accept-Encoding", encoding)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), dict(response.headers)


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def transfer_size(base: str) -> None:
    html, _ = fetch(base + PAGE)
    html_gzip = len(gzip.compress(html, 9))
    html_br = len(brotli.compress(html, quality=5))
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html.decode())
    total_br = html_br
    lines = [
        f"  HTML {len(html) / 1024:8.1f} KB raw, {html_gzip / 1024:7.1f} KB gzip, "
        f"{html_br / 1024:7.1f} KB brotli"
    ]
    for asset in assets:
        body, headers = fetch(base + asset, "br, gzip")
        total_br += len(body)
        lines.append(
            f"  {asset.rsplit('/', 1)[-1]:<40} {len(body) / 1024:7.1f} KB "
            f"({headers.get('Content-Encoding', 'identity')})"
        )
    print(f"first-load transfer of {PAGE}:")
    print("\n".join(lines))
    verdict = "ok" if total_br <= SIZE_TARGET_KB * 1024 else "OVER TARGET"
    print(f"  total {total_br / 1024:.1f} KB (target <= {SIZE_TARGET_KB} KB): {verdict}")


def wrk(
    url: str, connections: int = 32, seconds: int = 10, *, warm_up: bool = False
) -> tuple[float, str]:
    """Requests per second and p99 latency; raises if any request failed or was not 2xx/3xx.

    A warm-up (`warm_up=True`) only fills the workers' caches: the first renders of a cold
    worker can keep a queued request past wrk's 2 s timeout, so its socket errors are printed,
    not raised; the measured runs after it must have none."""
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", result.stdout, re.M).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} non-2xx responses")
    socket_errors = re.search(r"Socket errors: (.*)", result.stdout)
    if socket_errors and warm_up:
        print(f"  (warm-up of {url.split('/', 3)[-1]}: socket errors {socket_errors.group(1)})")
    elif socket_errors:
        raise RuntimeError(f"{url}: socket errors: {socket_errors.group(1)}")
    return rps, p99


API = "/api/v1/phases/first-stage/leaderboard/"
DEFAULT_DATABASE_URL = "postgres://kai@127.0.0.1:5432/kai"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def load_test(base: str, stack: str) -> None:
    """64 connections for 30 s against the page, the API and the plain view: zero errors."""
    print(f"load on {stack}, wrk 64 connections, 30 s each, zero errors required:")
    wrk(base + PAGE, connections=64, seconds=5, warm_up=True)  # every worker fills its caches
    wrk(base + API, connections=64, seconds=5, warm_up=True)
    plain_rps, plain_p99 = wrk(base + PLAIN, connections=64, seconds=30)
    for path in (PAGE, API):
        rps, p99 = wrk(base + path, connections=64, seconds=30)
        print(
            f"  {path:<40} {rps:9.1f} req/s ({rps / plain_rps:.2f}x plain)  p99 {p99} "
            f"(plain p99 {plain_p99}; {latency_ms(p99) / latency_ms(plain_p99):.2f}x)"
        )
    print(f"  {PLAIN:<40} {plain_rps:9.1f} req/s  p99 {plain_p99}")


def production_services():
    """(database URL, Redis URL) of a reachable PostgreSQL and Redis, or None with the reason."""
    import psycopg
    import redis

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if not database_url.startswith(("postgres://", "postgresql://")):
        return None, f"DATABASE_URL is not PostgreSQL ({database_url.split(':', 1)[0]})"
    try:
        psycopg.connect(database_url, connect_timeout=3).close()
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:  # any failure means: no production stack here
        return None, f"PostgreSQL or Redis does not answer ({exc.__class__.__name__})"
    return (database_url, redis_url), ""


class ProductionStack:
    """deploy/serve.sh against a throwaway database and Redis database 15."""

    def __init__(self, database_url: str, redis_url: str, tmp: Path):
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(database_url)
        self.dbname = (parts.path.lstrip("/") or "kai") + "_bench"
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.database_url = urlunsplit(parts._replace(path="/" + self.dbname))
        self.redis_url = urlunsplit(urlsplit(redis_url)._replace(path="/15"))
        self.tmp = tmp
        self.process = None

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def _flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    def start(self) -> str:
        self._sql(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        self._sql(f'CREATE DATABASE "{self.dbname}"')
        self._flush_redis()
        port = free_port()
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            SECRET_KEY="bench-only-secret-key-" + os.urandom(8).hex(),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="2",
            GUNICORN_LOG_LEVEL="warning",
            LOG_LEVEL="WARNING",
            CONCURRENCY="1",
            API_ANON_RATE="100000000/min",
        )
        log = open(self.tmp / "serve.log", "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [str(ROOT / "deploy" / "serve.sh")],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + PLAIN, self.process, seconds=180)
        health = json.loads(fetch(base + "/healthz")[0])
        if health.get("status") != "ok":
            raise RuntimeError(f"/healthz: {health}")
        return base

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        try:
            self._sql(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
            self._flush_redis()
        except Exception as exc:  # cleanup must not hide the figures
            print(f"  (cleanup: {exc})")


def production_load_test(tmp: Path) -> bool:
    """The load figures on the production stack; False when PostgreSQL or Redis is missing."""
    services, reason = production_services()
    if services is None:
        print(f"production stack not available: {reason}; the load runs on the SQLite server")
        return False
    stack = ProductionStack(*services, tmp)
    try:
        print(
            "starting the production stack: deploy/serve.sh (gunicorn 2 workers, Celery "
            "worker with beat, PostgreSQL, Redis) …",
            flush=True,
        )
        base = stack.start()
        print("  /healthz: database, cache and broker ok")
        load_test(
            base, "the production stack (gunicorn 2 workers + Celery worker, PostgreSQL, Redis)"
        )
    finally:
        stack.stop()
    return True


def latency_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def start_sqlite_server(env, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
            "kai_site.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}{PLAIN}", server)
    return server


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="kai-bench-"))
    env = environment(tmp)
    server = None
    try:
        print("setting up: migrate, load_program, load_demo, collectstatic …", flush=True)
        manage(env, "migrate", "--no-input")
        manage(env, "load_program")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--no-input")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_sqlite_server(env, port)
        fetch(base + PAGE)  # warm each worker's fragment cache a little
        transfer_size(base)
        wrk(base + PAGE)  # warm-up run: both workers fill their caches
        page_rps, page_p99 = wrk(base + PAGE)
        plain_rps, plain_p99 = wrk(base + PLAIN)
        ratio = page_rps / plain_rps
        print("throughput with gunicorn (2 workers), wrk 32 connections, 10 s:")
        print(f"  {PAGE:<24} {page_rps:9.1f} req/s  p99 {page_p99}")
        print(f"  {PLAIN:<24} {plain_rps:9.1f} req/s  p99 {plain_p99}")
        verdict = "ok" if ratio >= RATIO_TARGET else "UNDER TARGET"
        print(f"  ratio {ratio:.2f} (target >= {RATIO_TARGET}): {verdict}")
        server.send_signal(signal.SIGTERM)  # the SQLite server is not needed any more
        server.wait(timeout=15)
        if not production_load_test(tmp):
            server = start_sqlite_server(env, port)
            load_test(base, "the SQLite server (gunicorn 2 workers, no Celery worker)")
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
