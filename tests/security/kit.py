"""A hub in this process (memory journal, a clock the test moves) with its REST and
/live endpoints driven through Flask's and Flask-SocketIO's test clients: fast
enough to try every role against every room, and to record what each room hears."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from hub.domain.accounts import AddDevice, SaveUser
from hub.settings import load_settings
from hub.store.auth import hash_password, new_device_token, token_hash
from hub.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
DEMO_TOML = ROOT / "hub" / "centers" / "demo.toml"
RIVERSIDE_TOML = ROOT / "tests" / "scale" / "riverside.toml"
NAMESPACE = "/live"


_HASHES: dict[str, str] = {}


def _hashed(password: str) -> str:
    """An argon2 hash of `password`, made once per run: each test's hub stores it as
    its own (a salted hash verifies in any hub); logging in still verifies it."""
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


class Kit:
    """The demo center and Riverside (a second center) in one in-process hub."""

    def __init__(self, clock: Any, centers: tuple[Path, ...] = (DEMO_TOML, RIVERSIDE_TOML),
                 heartbeat_seconds: float = 0.0) -> None:
        # No heartbeat timer by default: it runs on the wall clock, so on a slow run a
        # `heartbeat` reached the sockets in the middle of what a test records.
        settings = load_settings(None, environ={}, store="memory://", async_mode="threading",
                                 centers=tuple(str(c) for c in centers),
                                 heartbeat_seconds=heartbeat_seconds)
        self.clock = clock
        self.app, self.socketio, self.hub = create_app(settings, clock=clock)
        self.http = self.app.test_client()
        self.tokens: dict[tuple[str, str], str] = {}
        self.clients: list[Any] = []

    def close(self) -> None:
        for client in self.clients:
            if client.is_connected(NAMESPACE):
                client.disconnect(NAMESPACE)
        self.hub.store.close()

    # ------------------------------------------------------------------ accounts

    def user(self, name: str, role: str, center: str = "demo", display_name: str = "") -> str:
        key = (center, name)
        if key not in self.tokens:
            password = f"pw-{name}-secret"
            found = self.hub.center(center)
            assert found is not None
            found.execute(SaveUser(name, role, _hashed(password), display_name), "test")
            answer = self.http.post("/api/v1/auth/token", json={
                "username": name, "password": password, "center": center})
            assert answer.status_code == 200, answer.get_json()
            self.tokens[key] = answer.get_json()["token"]
        return self.tokens[key]

    def device(self, name: str, role: str, center: str = "demo", window: int | None = None
               ) -> str:
        key = (center, name)
        if key not in self.tokens:
            found = self.hub.center(center)
            assert found is not None
            token = new_device_token(found.id)
            # (A hub from before devices stood at windows runs these tests unbound.)
            known = {f.name for f in fields(AddDevice)}
            bound = {"window": window} if window is not None and "window" in known else {}
            found.execute(AddDevice(name, role, token_hash(token), **bound), "test")
            self.tokens[key] = token
        return self.tokens[key]

    # ------------------------------------------------------------------ REST

    def call(self, method: str, path: str, token: str | None = None, *,
             remote: str = "127.0.0.1", **kwargs: Any) -> Any:
        """A request from `remote` (phones are rate-limited by address)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.open(path, method=method, headers=headers,
                              environ_base={"REMOTE_ADDR": remote}, **kwargs)

    def ok(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        answer = self.call(method, path, token, **kwargs)
        assert answer.status_code in (200, 201), (path, answer.status_code, answer.get_json())
        return answer.get_json()

    def window(self, token: str, window: int, action: str, **body: Any) -> Any:
        return self.ok("POST", f"/api/v1/windows/{window}/{action}", token, json=body)

    def issue(self, service: str, kiosk: str, **body: Any) -> dict[str, Any]:
        found: dict[str, Any] = self.ok("POST", "/api/v1/tickets", kiosk,
                                        json={"service": service, **body})
        return found

    # ------------------------------------------------------------------ /live

    def live(self, token: str | None = None, center: str | None = "demo") -> Any:
        auth: dict[str, Any] = {}
        if token:
            auth["token"] = token
        elif center:
            auth["center"] = center
        client = self.socketio.test_client(self.app, namespace=NAMESPACE, auth=auth)
        self.clients.append(client)
        return client


def subscribe(client: Any, rooms: Any, since: int | None = None, *, raw: bool = False) -> Any:
    """The acknowledgement of a `subscribe`; `raw` sends `rooms` as the whole argument."""
    if raw:
        args = () if rooms is None else (rooms,)
        return client.emit("subscribe", *args, namespace=NAMESPACE, callback=True)
    return client.emit("subscribe", {"rooms": rooms, "since": since}, namespace=NAMESPACE,
                       callback=True)


def heard(client: Any) -> list[dict[str, Any]]:
    """The events pushed to `client` since last asked."""
    return [message["args"][0] for message in client.get_received(NAMESPACE)
            if message["name"] == "event"]


@contextmanager
def kit(clock: Any, **options: Any) -> Iterator[Kit]:
    made = Kit(clock, **options)
    try:
        yield made
    finally:
        made.close()


def walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key, inner
            yield from walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from walk(inner)


def strings(value: Any) -> set[str]:
    """Every string anywhere in a JSON value (keys and values)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(str(key))
            found |= strings(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= strings(inner)
    elif isinstance(value, str):
        found.add(value)
    return found


def when(clock: Any) -> datetime:
    moment: datetime = clock()
    return moment
