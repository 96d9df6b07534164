"""`subscribe` checks the connection's principal again (finding 4 of issue 11).

The once-a-second revocation watch usually disconnects a revoked device first;
here it is switched off, so what is tested is `subscribe`'s own check: a socket
that connected with a device token, whose device is then revoked, is refused the
rooms it asks for, while a valid device on the same hub still joins.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub.domain.accounts import AddDevice, RevokeDevice
from hub.settings import load_settings
from hub.store.auth import new_device_token, token_hash
from hub.web import revocation
from hub.web.app import create_app
from hub.web.live import NAMESPACE
from tools.process import DEMO_CONFIG


@pytest.fixture
def hub_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any, Any]]:
    monkeypatch.setattr(revocation.RevocationWatch, "run", lambda self: None)
    settings = load_settings(None, environ={}, store="memory://", async_mode="threading",
                             centers=(DEMO_CONFIG,), heartbeat_seconds=0)
    app, socketio, hub = create_app(settings)
    yield app, socketio, hub
    hub.store.close()


def device(hub: Any, name: str, role: str = "display") -> str:
    center = hub.center()
    token = new_device_token(center.id)
    center.execute(AddDevice(name, role, token_hash(token)), "admin")
    return token


def subscribe(client: Any, rooms: list[str]) -> dict[str, Any]:
    answer: dict[str, Any] = client.emit("subscribe", {"rooms": rooms, "since": None},
                                         namespace=NAMESPACE, callback=True)
    return answer


def test_a_revoked_device_is_refused_at_subscribe(hub_app: tuple[Any, Any, Any]) -> None:
    app, socketio, hub = hub_app
    revoked_token = device(hub, "screen-revoked")
    kept_token = device(hub, "screen-kept")
    revoked = socketio.test_client(app, namespace=NAMESPACE, auth={"token": revoked_token})
    kept = socketio.test_client(app, namespace=NAMESPACE, auth={"token": kept_token})
    assert revoked.is_connected(NAMESPACE) and kept.is_connected(NAMESPACE)
    assert "snapshot" in subscribe(revoked, ["hall"])  # valid until revoked

    hub.center().execute(RevokeDevice("screen-revoked"), "admin")

    refused = subscribe(revoked, ["hall"])
    assert refused.get("error") == "invalid_token", refused
    assert "snapshot" in subscribe(kept, ["hall"])


def test_a_socket_gone_while_its_subscribe_waits_gets_no_room(
        hub_app: tuple[Any, Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A page closed while its `subscribe` waited for the center's lock (found on CI:
    python-socketio's enter_room raised 'sid is not connected' into the hub's log)."""
    app, socketio, hub = hub_app
    client = socketio.test_client(app, namespace=NAMESPACE,
                                  auth={"token": device(hub, "screen-closing")})
    sid = socketio.server.manager.sid_from_eio_sid(client.eio_sid, NAMESPACE)
    center = hub.center()
    read = center.read

    def read_after_the_socket_left(function: Any) -> Any:
        socketio.server.manager.disconnect(sid, NAMESPACE)  # as if closed meanwhile
        return read(function)

    monkeypatch.setattr(center, "read", read_after_the_socket_left)
    answer = subscribe(client, ["hall"])
    assert answer == {"error": "not_connected", "message": "connect first"}
    joined = [room for room, members in socketio.server.manager.rooms.get(NAMESPACE, {}).items()
              if sid in members]
    assert joined == []
