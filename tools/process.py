"""Start real hub processes and redis-servers (for `jiaohao bench` and the tests).

Accounts and devices are made with the CLI, exactly as an operator would,
then `jiaohao hub` runs as a child process until `stop()`.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import redis
import requests

from hub.clock import parse_fast
from hub.settings import ROOT

DEMO_CONFIG = str(ROOT / "hub" / "centers" / "demo.toml")
CHINA = timezone(timedelta(hours=8))
# A fixed working day (Thursday 26 November 2026 in chinese-calendar's data), the
# center open from 09:00, so runs do not depend on the real date or hour.
OPENING = datetime(2026, 11, 26, 9, 0, tzinfo=CHINA)
DEMO_CLOCK = f"fast:1@{OPENING.isoformat()}"
# A traceback anywhere, or a log record at ERROR or above ("<date> <time> LEVEL name: …").
PROBLEM = re.compile(r"Traceback|^\S+ \S+ (ERROR|CRITICAL) ")


def free_port() -> int:
    """A free loopback port for a server started later, below the kernel's ephemeral
    range. A port the kernel hands out for bind(0) is in that range, where every
    outgoing connection (browsers, clients, redis) also takes its local port: one of
    them can take it before the server binds it ("Address already in use", seen in
    CI). Below the range only other servers bind, and each port is tried first."""
    low = _ephemeral_low()
    for _ in range(100):
        port = _PICK.randrange(PORTS_FROM, low) if low > PORTS_FROM + 1000 else 0
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue  # taken (or lingering): another one
            found: int = s.getsockname()[1]
            return found
    raise OSError("no free loopback port")


PORTS_FROM = 10_000  # servers' ports are picked from here to the ephemeral range
_PICK = random.SystemRandom()  # not the global generator, which hypothesis seeds


def _ephemeral_low() -> int:
    """The first port of the kernel's ephemeral range (32768 on Linux by default)."""
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text(encoding="ascii")
        return int(text.split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def jiaohao_command() -> list[str]:
    """The `jiaohao` console script of the running interpreter."""
    script = Path(sys.executable).with_name("jiaohao")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tools.cli"]


def clean_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any JIAOHAO_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIAOHAO_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def fast_clock(start: datetime, speed: float = 1) -> str:
    """A JIAOHAO_CLOCK that starts at `start` and runs `speed` times real speed."""
    return f"fast:{speed:g}@{start.isoformat()}"


def clock_speed(spec: str) -> float:
    """How fast a JIAOHAO_CLOCK runs (1 for the real clock)."""
    try:
        return parse_fast(spec)[0] if spec else 1.0
    except ValueError:
        return 1.0  # the hub itself says what is wrong with it


class CliFailed(RuntimeError):
    """`jiaohao …` exited with an error; the message carries its stderr."""


def jiaohao(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    """Run the CLI, returning its stdout; raise CliFailed with its stderr when it fails."""
    result = subprocess.run(
        [*jiaohao_command(), *args], input=stdin, capture_output=True, text=True,
        env=env or clean_environment(), cwd=ROOT, timeout=120, check=False,
    )
    if result.returncode != 0:
        raise CliFailed(f"jiaohao {' '.join(args)} exited {result.returncode}: "
                        f"{result.stderr.strip()}")
    return result.stdout


def prepare_demo_journal(store: str, config: str, clock: str) -> dict[str, Any]:
    """`tools.demo.prepare` on the journal at `store`: the demo's credentials."""
    from hub.settings import load_settings
    from tools.demo import prepare

    settings = load_settings(None, environ={}, store=store, centers=config, clock=clock)
    credentials: dict[str, Any] = prepare(settings)
    return credentials


def sqlite_path(store: str) -> Path | None:
    """The file of a sqlite:/// journal URL, else None."""
    return Path(store[len("sqlite:///"):]) if store.startswith("sqlite:///") else None


def pinned(clock: str) -> bool:
    """Whether a JIAOHAO_CLOCK starts at a fixed moment (then the demo journal made with
    it does not depend on when it is made)."""
    return clock.startswith("fast:") and "@" in clock


def journal_exists(path: Path) -> bool:
    return any(Path(f"{path}{end}").exists() for end in ("", "-wal", "-shm"))


def copy_journal(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite journal (its WAL included), via SQLite's backup API;
    a new target is created 0600, as the hub creates its journal."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


# Demo journals prepared in this process (one per pytest worker): argon2-hashing the
# demo's ten passwords and writing its devices, cases and appointments takes seconds,
# and every hub of the same configuration and clock gets the same journal from it.
_DEMO_JOURNALS: dict[tuple[str, str, str], tuple[Path, dict[str, Any]]] = {}


def demo_journal(config: str, clock: str) -> tuple[Path, dict[str, Any]]:
    """The demo journal for `config` (its path and content) and `clock`, prepared once in
    this process, and (a copy of) its credentials. Copy the file before using it."""
    content = hashlib.sha256(Path(config).read_bytes()).hexdigest()
    key = (str(Path(config).resolve()), content, clock)
    found = _DEMO_JOURNALS.get(key)
    if found is None or not found[0].exists():
        folder = Path(tempfile.mkdtemp(prefix="jiaohao-demo-journal-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "journal.db"
        credentials = prepare_demo_journal(f"sqlite:///{path.resolve()}", config, clock)
        with sqlite3.connect(path) as db:  # everything in the main file, the WAL empty
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        found = _DEMO_JOURNALS[key] = (path, credentials)
    return found[0], copy.deepcopy(found[1])


class HubProcess:
    """One `jiaohao hub` child process: start (waiting for /health), SIGTERM or SIGKILL,
    restart, its log. Accounts and devices are made with the CLI, as an operator would.

    Its clock starts at 09:00 of a working day (or `env["JIAOHAO_CLOCK"]`) at the
    first start and goes on across restarts, at its speed, instead of jumping back.
    `restart(at=…)` (or `start(at=…)` after a stop) jumps it forward to a later moment,
    so a test need not wait in real time for the hub's own clock to get there (the
    journal keeps its events; the hub's tick then finds the day as it stood)."""

    def __init__(self, async_mode: str = "gevent", folder: str | Path | None = None,
                 env: dict[str, str] | None = None, config: str | Path = DEMO_CONFIG,
                 store: str | None = None) -> None:
        self.async_mode = async_mode
        self.folder = Path(folder or tempfile.mkdtemp(prefix="jiaohao-hub-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.store = store or f"sqlite:///{(self.folder / 'journal.db').resolve()}"
        self.config = str(config)
        self.port = free_port()
        self.url = self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_env = dict(env or {})
        self.env = clean_environment({"JIAOHAO_CLOCK": DEMO_CLOCK, **self.extra_env})
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.folder / "hub.log"
        self.passwords: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.starts = 0
        # Where the hub's clock stood at a real moment (time.monotonic()), and its speed.
        self._clock_at: datetime | None = None
        self._clock_real = 0.0
        self.speed = clock_speed(self.env["JIAOHAO_CLOCK"])
        self._log_mark = 0

    # ---------------------------------------------------------------- accounts

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
        """The demo's staff logins, device tokens and appointments, in this hub's journal.

        A new SQLite journal gets a copy of the one prepared first in this process for
        the same configuration and clock (`demo_journal`), with its passwords and tokens;
        any other journal is prepared in place."""
        clock = self.env["JIAOHAO_CLOCK"]
        journal = sqlite_path(self.store)
        if journal is not None and pinned(clock) and not journal_exists(journal):
            template, credentials = demo_journal(self.config, clock)
            copy_journal(template, journal)
        else:
            credentials = prepare_demo_journal(self.store, self.config, clock)
        for name, (_role, password) in credentials["users"].items():
            self.passwords[name] = password
        self.tokens.update(credentials["devices"])
        return credentials

    def login(self, name: str) -> str:
        answer = requests.post(f"{self.url}/api/v1/auth/token", timeout=10,
                               json={"username": name, "password": self.passwords[name]})
        answer.raise_for_status()
        token: str = answer.json()["token"]
        return token

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """`jiaohao ARGS` on this hub's journal, with the hub's clock (so its events
        happen on the hub's business day)."""
        env = {**self.env, "JIAOHAO_CLOCK": fast_clock(self.now())}
        return jiaohao(*args, "--config", self.config, "--store", self.store,
                       stdin=stdin, env=env)

    # ---------------------------------------------------------------- life

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def started_at(self) -> datetime:
        """Where the hub's clock stood at the first start."""
        clock = self.env.get("JIAOHAO_CLOCK", DEMO_CLOCK)
        if clock.startswith("fast:") and "@" in clock:
            return datetime.fromisoformat(clock.split("@", 1)[1])
        return datetime.now(CHINA)

    def now(self) -> datetime:
        """The moment the hub's clock reads (its start moment before the first start)."""
        if self._clock_at is None:
            return self.started_at()
        elapsed = (time.monotonic() - self._clock_real) * self.speed
        return self._clock_at + timedelta(seconds=elapsed)

    def start(self, timeout: float = 60.0, *, at: datetime | None = None,
              speed: float | None = None) -> HubProcess:
        """Start the hub and wait until it answers. Its clock goes on from where it
        stood; `at` jumps it forward to a later moment (never back: the journal
        holds events up to now), `speed` changes how fast it runs from there."""
        assert not self.running, "the hub is already running"
        moment = self.now()
        if at is not None:
            if at < moment:
                raise ValueError(f"the hub's clock reads {moment.isoformat()}: it cannot "
                                 f"go back to {at.isoformat()}")
            moment = at
        if speed is not None:
            self.speed = speed
        env = dict(self.env)
        if self.starts or at is not None or speed is not None:
            env["JIAOHAO_CLOCK"] = fast_clock(moment, self.speed)
        command = [*jiaohao_command(), "hub", "--config", self.config, "--store", self.store,
                   "--port", str(self.port), "--async-mode", self.async_mode]
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            env=env, cwd=ROOT)
        self._clock_at, self._clock_real = moment, time.monotonic()
        self.starts += 1
        self.wait_ready(timeout)
        self._read_clock()
        return self

    def _read_clock(self) -> None:
        """Where the hub's clock stands now, as the hub says (its clock starts when the
        process has loaded, a little after it was started)."""
        before = time.monotonic()
        try:
            answer = requests.get(f"{self.url}/api/v1/clock", timeout=10)
            reading = datetime.fromisoformat(answer.json()["now"])
        except (requests.RequestException, ValueError, KeyError, TypeError):
            return  # the estimate from the start stays
        self._clock_at, self._clock_real = reading, (before + time.monotonic()) / 2

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until /health answers; a hub that exits or never answers is an error (and is
        not left running, to warn as a live Popen inside some later test)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the hub exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the hub did not answer /health in {timeout} s:\n{self.log()[-3000:]}")

    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no chance to flush or close anything."""
        if self.running:
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, as systemd stops it; its exit code. A hub that ignores it is killed
        and that is an error."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise RuntimeError(
                    f"the hub ignored SIGTERM for {timeout} s:\n{self.log()[-4000:]}") from None
        return self.process.returncode

    def restart(self, *, at: datetime | None = None, speed: float | None = None) -> None:
        """SIGTERM and start again; the clock goes on, or jumps forward to `at`."""
        if self.running:
            self.stop()
        self.start(at=at, speed=speed)

    # ---------------------------------------------------------------- its log

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def mark_log(self) -> None:
        self._log_mark = len(self.log())

    def problems(self, since_mark: bool = True) -> list[str]:
        """Tracebacks and ERROR lines the hub wrote (since the mark)."""
        text = self.log()[self._log_mark if since_mark else 0:]
        return [line for line in text.splitlines() if PROBLEM.search(line)]

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

    def pid(self) -> int:
        assert self.process is not None, "redis-server is not started"
        return self.process.pid

    def client(self) -> Any:
        return redis.Redis.from_url(self.url)
