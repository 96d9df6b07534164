"""What the end-to-end tests drive: a real `jiaohao hub` process, a REST client and a
Socket.IO `/live` client. Fixtures built from these live in this folder's conftest.py."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import engineio
import socketio

from tests.support.kit import Api, expect_error  # noqa: F401 - the kit's REST client
from tools import process
from tools.process import (  # noqa: F401 - the kit's names, imported from here by tests
    CHINA,
    OPENING,
    ROOT,
    clean_environment,
    copy_journal,
    fast_clock,
    free_port,
    jiaohao,
    jiaohao_command,
)

DEMO_TOML = Path(process.DEMO_CONFIG)
NAMESPACE = "/live"
# The hub's clock starts at OPENING (09:00 of a working day) and runs at real speed;
# accounts are made at 08:00 of it.
PREPARED_AT = datetime(2026, 11, 26, 8, 0, tzinfo=CHINA)
PASSWORD = "e2e-Passw0rd-42"

# Accounts every test hub has: name -> (role, windows the clerk may serve or "").
USERS = {
    "admin": ("admin", ""),
    "director": ("manager", ""),
    **{f"clerk{n}": ("clerk", "") for n in range(1, 9)},
    "narrow": ("clerk", "1"),  # may serve window 1 only
}
DEVICES = {
    **{f"kiosk-{n}": "kiosk" for n in range(1, 9)},
    "hall-1": "display",
    "window-3": "display",
    "pad-1": "pad",
    "caller-1": "caller",
    "old-kiosk": "kiosk",  # revoked after it is added
}
REVOKED = ("old-kiosk",)
WINDOW_OF = {"pad-1": 1, "window-3": 3}  # devices that stand at a window (--window)


# --------------------------------------------------------------------- processes


def sqlite_url(path: Path) -> str:
    """sqlite:////abs/path.db (four slashes: an absolute path)."""
    return f"sqlite:///{path.resolve()}"


run_cli = jiaohao  # the CLI, as an operator runs it (raises CliFailed)


@dataclass(frozen=True)
class Journal:
    """A prepared journal file and the device tokens the CLI printed for it."""

    path: Path
    tokens: dict[str, str]


def prepare_journal(path: Path, config: Path = DEMO_TOML) -> Journal:
    """Accounts and devices made with the CLI, as an installer would."""
    store = sqlite_url(path)
    where = ["--config", str(config), "--store", store]
    env = clean_environment({"JIAOHAO_CLOCK": fast_clock(PREPARED_AT)})
    run_cli("user", "add", "admin", "--role", "admin", "--password-stdin", *where,
            stdin=PASSWORD + "\n", env=env)  # the first configures the center

    def add_user(name: str) -> None:
        role, windows = USERS[name]
        extra = ["--windows", windows] if windows else []
        run_cli("user", "add", name, "--role", role, "--password-stdin", *extra, *where,
                stdin=PASSWORD + "\n", env=env)

    def add_device(name: str) -> tuple[str, str]:
        at = ["--window", str(WINDOW_OF[name])] if name in WINDOW_OF else []
        printed = run_cli("device", "add", name, "--role", DEVICES[name], *at, *where, env=env)
        assert re.fullmatch(r"dev\.demo\.[A-Za-z0-9_-]{20,}\n", printed), printed
        return name, printed.strip()

    # Several CLI processes at once append to one journal, as operators might.
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(add_user, [name for name in USERS if name != "admin"]))
        tokens = dict(pool.map(add_device, DEVICES))
    for name in REVOKED:
        run_cli("device", "revoke", name, *where, env=env)
    return Journal(path, tokens)


def busy_config(folder: Path, daily_cap: int = 999) -> Path:
    """The demo center with the highest daily caps (the demo's add up to 1,000 tickets
    a day, fewer than the issuing tests need)."""
    text = DEMO_TOML.read_text(encoding="utf-8")
    raised = re.sub(r"(?m)^daily_cap = \d+$", f"daily_cap = {daily_cap}", text)
    assert raised != text
    path = folder / "busy.toml"
    path.write_text(raised, encoding="utf-8")
    return path


class HubProcess(process.HubProcess):
    """A hub of the test journal (`prepare_journal`), with its device tokens and the
    REST and Socket.IO clients the end-to-end tests drive it with."""

    def __init__(
        self,
        mode: str,
        workdir: Path,
        journal: Journal,
        *,
        config: Path = DEMO_TOML,
        env: dict[str, str] | None = None,
    ) -> None:
        super().__init__(mode, workdir, env=env, config=config, store=sqlite_url(journal.path))
        self.mode = mode
        self.workdir = workdir
        self.journal = journal
        self.tokens.update(journal.tokens)
        self._user_tokens: dict[str, str] = {}

    # ---------------------------------------------------------------- clients

    def device(self, name: str) -> str:
        return self.journal.tokens[name]

    def user(self, name: str, *, fresh: bool = False) -> str:
        """A bearer token of a user, from POST /auth/token (cached)."""
        if fresh or name not in self._user_tokens:
            answer = Api(self.base_url).ok(
                "POST", "/auth/token", json={"username": name, "password": PASSWORD})
            self._user_tokens[name] = answer["token"]
        return self._user_tokens[name]

    def api(self, token: str | None = None) -> Api:
        return Api(self.base_url, token)

    def manager(self) -> Api:
        return self.api(self.user("director"))

    def seq(self) -> int:
        """The center's journal position, as a manager reads it."""
        found: int = self.manager().ok("GET", "/state")["seq"]
        return found

    def events(self, since: int = 0) -> list[dict[str, Any]]:
        """The journal after `since`, as a manager reads it (page by page)."""
        found: list[dict[str, Any]] = []
        manager = self.manager()
        while True:
            page = manager.ok("GET", "/events", params={"since": since, "limit": 10000})
            found.extend(page["events"])
            if not page["events"]:
                return found
            since = page["events"][-1]["seq"]

    def live(self, token: str | None = None, **options: Any) -> LiveClient:
        return LiveClient(self.base_url, token, **options)


# --------------------------------------------------------------------- Socket.IO


class _OrderedEngineIO(engineio.Client):  # type: ignore[misc]
    """python-engineio hands every message to a new thread, so handlers can run out of
    order; these tests check the order the hub sent events in, so this client handles
    each message on the reading thread, in the order it arrived."""

    def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class _OrderedClient(socketio.Client):  # type: ignore[misc]
    def _engineio_client_class(self) -> type[engineio.Client]:
        return _OrderedEngineIO


@dataclass
class Ack:
    """A subscribe acknowledgement and where it fell among the live events."""

    data: dict[str, Any]
    position: int  # how many live events had arrived before it


@dataclass
class LiveClient:
    """A python-socketio client of the hub's /live namespace that records what it hears."""

    base_url: str
    token: str | None = None
    center: str | None = None
    reconnect: bool = False  # as pages do: come back by themselves after a drop
    received: list[dict[str, Any]] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    refused: list[Any] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)  # why the connection ended, each time
    connects: int = 0

    def __post_init__(self) -> None:
        self._condition = threading.Condition()
        self.sio = _OrderedClient(reconnection=self.reconnect, reconnection_delay=0.5,
                                  reconnection_delay_max=2)
        self.sio.on("event", self._on_event, namespace=NAMESPACE)
        self.sio.on("connect_error", self._on_refused, namespace=NAMESPACE)
        self.sio.on("connect", self._on_connect, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    def _on_event(self, data: Any) -> None:
        with self._condition:
            self.received.append(data)
            self._condition.notify_all()

    def _on_refused(self, data: Any = None) -> None:
        self.refused.append(data)

    def _on_connect(self) -> None:
        with self._condition:
            self.connects += 1
            self._condition.notify_all()

    def _on_disconnect(self, reason: str = "") -> None:
        with self._condition:
            self.drops.append(reason)
            self._condition.notify_all()

    def wait_state(self, predicate: Callable[[LiveClient], bool], timeout: float = 60) -> bool:
        """Wait until `predicate(self)` holds (connects, drops…)."""
        with self._condition:
            return self._condition.wait_for(lambda: predicate(self), timeout)

    def connect(self) -> LiveClient:
        auth: dict[str, Any] = {}
        if self.token is not None:
            auth["token"] = self.token
        if self.center is not None:
            auth["center"] = self.center
        self.sio.connect(self.base_url, namespaces=[NAMESPACE], auth=auth,
                         transports=["websocket"], wait_timeout=20)
        return self

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
        elif getattr(self.sio.eio, "queue", None) is not None:
            # Dropped by the hub: end engine.io's writer thread now, rather than after
            # its ping timeout with an error line in the test's output.
            self.sio.eio.queue.put(None)

    def call(self, event: str, data: Any, timeout: float = 30) -> Any:
        return self.sio.call(event, data, namespace=NAMESPACE, timeout=timeout)

    def subscribe(self, rooms: list[str], since: int | None = None,
                  timeout: float = 30) -> dict[str, Any]:
        """Emit `subscribe` and wait for its ack; errors come back as {error, ...}."""
        done = threading.Event()

        def acked(data: Any = None) -> None:
            with self._condition:
                self.acks.append(Ack(data, len(self.received)))
            done.set()

        self.sio.emit("subscribe", {"rooms": rooms, "since": since}, namespace=NAMESPACE,
                      callback=acked)
        assert done.wait(timeout), f"no ack to subscribe {rooms} in {timeout}s"
        answer: dict[str, Any] = self.acks[-1].data
        return answer

    def wait_for(self, predicate: Callable[[list[dict[str, Any]]], bool],
                 timeout: float = 60) -> bool:
        with self._condition:
            return self._condition.wait_for(lambda: predicate(self.received), timeout)

    def wait_seq(self, seq: int, timeout: float = 60) -> bool:
        """Wait until an event with `seq` (or later) arrived."""
        return self.wait_for(lambda got: bool(got) and got[-1]["seq"] >= seq, timeout)

    def events(self) -> list[dict[str, Any]]:
        with self._condition:
            return list(self.received)


def seqs(events: Iterable[dict[str, Any]]) -> list[int]:
    return [event["seq"] for event in events]


def of_type(events: Iterable[dict[str, Any]], *types: str) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] in types]
