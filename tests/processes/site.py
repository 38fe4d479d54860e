"""A throwaway copy of the site for tests that need several real processes.

Each process (two gunicorn servers, management commands, scripts) runs with the site's real
settings and the embedded default: an SQLite file in a temporary folder, no REDIS_URL, so the
shared database cache is the one under test. Everything the processes write stays in that folder.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# Variables of the test run that a production process would not have.
DROPPED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "MEDIA_ROOT",
    "ANSWER_KEY_ROOT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    status: int
    body: str
    headers: dict


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def get(self, path: str, *, headers: dict | None = None) -> Answer:
        return request("GET", f"http://127.0.0.1:{self.port}{path}", headers=headers)

    def post_json(self, path: str, payload: dict, *, headers: dict | None = None) -> Answer:
        data = json.dumps(payload).encode()
        wanted = {"Content-Type": "application/json", **(headers or {})}
        return request("POST", f"http://127.0.0.1:{self.port}{path}", data=data, headers=wanted)


def request(method: str, url: str, *, data: bytes | None = None, headers=None) -> Answer:
    wanted = {"Accept-Language": "en", **(headers or {})}
    req = urllib.request.Request(url, data=data, method=method, headers=wanted)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return Answer(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.read().decode(), dict(exc.headers))


@dataclass
class TempSite:
    folder: Path
    env: dict = field(default_factory=dict)
    servers: list[Server] = field(default_factory=list)

    @classmethod
    def create(cls, folder: Path, **extra_env) -> TempSite:
        env = {k: v for k, v in os.environ.items() if k not in DROPPED}
        env.update(
            DEBUG="true",
            LOG_FORMAT="plain",
            DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
            MEDIA_ROOT=str(folder / "media"),
            ANSWER_KEY_ROOT=str(folder / "keys"),
            PYTHONUNBUFFERED="1",
            **extra_env,
        )
        site = cls(folder, env)
        site.manage("migrate", "--no-input")
        return site

    def run(self, *args: str, check: bool = True, timeout: float = 180) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args[:3]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def manage(self, *args: str, **kwargs) -> str:
        return self.run("manage.py", *args, **kwargs)

    def shell(self, code: str) -> dict:
        """Run Python in a `manage.py shell` process; it prints one JSON object last."""
        out = self.manage("shell", "--no-imports", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def start_server(self) -> Server:
        port = free_port()
        log = self.folder / f"server-{port}.log"
        env = self.env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "kai_site.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        server = Server(port, process, log)
        self.servers.append(server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"the server stopped:\n{log.read_text()}")
            try:
                if server.get("/ping").status == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the server did not answer:\n{log.read_text()}")

    def stop(self) -> None:
        for server in self.servers:
            server.process.terminate()
        for server in self.servers:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
        self.servers.clear()
