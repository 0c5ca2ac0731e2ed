"""A ``streamlit run`` server for the browser benchmark: started on a free port, its peak memory read."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 120


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def peak_mb(self) -> float:
        """The server process's peak resident memory (VmHWM), in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc/<pid>/status")

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen, timeout_s: float = 10) -> None:
    """Stop a server politely (SIGTERM), then for good if it has not gone within ``timeout_s``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout_s)


# What `make run` sets in the dashboard's environment (the Makefile; engine/memory.py says why), so that
# a server started here runs as a user's does.
SERVER_ENV = {"MALLOC_ARENA_MAX": "2"}


def start_server(script: Path, cwd: Path, log_path: Path, env: dict[str, str] | None = None) -> Server:
    """``streamlit run script`` (headless, no file watcher, on a free port) in the environment `make run`
    gives it (``SERVER_ENV``); returns once it is healthy."""
    port = free_port()
    full_env = {**os.environ, **SERVER_ENV, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
                "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", **(env or {})}
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.runOnSave", "false"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    server = Server(process, port, log_path)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{script.name} exited with {process.returncode}:\n{server.log()[-3000:]}")
        try:
            with urllib.request.urlopen(server.url + "_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)  # polling a health endpoint: nothing to wait on but time
    server.stop()
    raise RuntimeError(f"{script.name} was not healthy within {START_TIMEOUT_S} s:\n{server.log()[-3000:]}")
