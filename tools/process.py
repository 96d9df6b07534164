"""Start real hub processes and redis-servers (for `jiaohao bench` and the tests).

Accounts and devices are made with the CLI, exactly as an operator would,
then `jiaohao hub` runs as a child process until `stop()`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis
import requests

from hub.settings import ROOT

DEMO_CONFIG = str(ROOT / "hub" / "centers" / "demo.toml")
# A fixed working day (Thursday), the center open from 09:00, so runs do not
# depend on the real date or hour.
DEMO_CLOCK = "fast:1@2026-11-26T09:00:00+08:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def jiaohao(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    """Run the CLI, returning its stdout; raise with its stderr when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.cli", *args], input=stdin, capture_output=True, text=True,
        env=env, timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"jiaohao {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


class HubProcess:
    def __init__(self, async_mode: str = "gevent", folder: str | None = None,
                 env: dict[str, str] | None = None, config: str = DEMO_CONFIG,
                 store: str | None = None) -> None:
        self.async_mode = async_mode
        self.folder = Path(folder or tempfile.mkdtemp(prefix="jiaohao-hub-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.store = store or f"sqlite:///{self.folder / 'journal.db'}"
        self.config = config
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "JIAOHAO_CLOCK": DEMO_CLOCK, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.folder / "hub.log"
        self.passwords: dict[str, str] = {}
        self.tokens: dict[str, str] = {}

    def add_user(self, name: str, role: str, windows: str = "") -> str:
        password = f"pw-{name}-secret"
        extra = ["--windows", windows] if windows else []
        jiaohao("user", "add", name, "--role", role, "--password-stdin", "--config",
                self.config, "--store", self.store, *extra, stdin=password + "\n", env=self.env)
        self.passwords[name] = password
        return password

    def add_device(self, name: str, role: str, window: int | None = None) -> str:
        extra = ["--window", str(window)] if window is not None else []
        token = jiaohao("device", "add", name, "--role", role, "--config", self.config,
                        "--store", self.store, *extra, env=self.env).strip()
        self.tokens[name] = token
        return token

    def prepare_demo(self) -> dict[str, Any]:
        """The demo's staff logins, device tokens and appointments, in this hub's journal."""
        from hub.settings import load_settings
        from tools.demo import prepare

        settings = load_settings(None, environ={}, store=self.store, centers=self.config,
                                 clock=self.env["JIAOHAO_CLOCK"])
        credentials = prepare(settings)
        for name, (_role, password) in credentials["users"].items():
            self.passwords[name] = password
        self.tokens.update(credentials["devices"])
        return credentials

    def start(self, timeout: float = 30.0) -> HubProcess:
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tools.cli", "hub", "--config", self.config, "--store",
                 self.store, "--port", str(self.port), "--async-mode", self.async_mode],
                stdout=log, stderr=subprocess.STDOUT, env=self.env,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited: {self.log()}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        # A hub that never answered is not left running (and warning as a live
        # Popen in whatever test the garbage collector meets it next).
        self.kill()
        raise RuntimeError(f"hub did not answer in {timeout} s: {self.log()}")

    def login(self, name: str) -> str:
        answer = requests.post(f"{self.url}/api/v1/auth/token", timeout=10,
                               json={"username": name, "password": self.passwords[name]})
        answer.raise_for_status()
        token: str = answer.json()["token"]
        return token

    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def __enter__(self) -> HubProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class RedisServer:
    """redis-server in a folder of its own; `restart()` keeps its AOF file."""

    def __init__(self, folder: Path, appendfsync: str = "always") -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.appendfsync = appendfsync
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run scripts/setup")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", "--appendfsync", self.appendfsync,
             "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        return self

    def stop(self, kill: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(10)

    def restart(self, kill: bool = True) -> None:
        self.stop(kill=kill)
        self.start()

    def client(self) -> Any:
        return redis.Redis.from_url(self.url)
