"""The role x room matrix of /live, table-driven: who may join which room, and
whether what that room then hears names tickets by id or clerks by login.

Every room (hall, manager, staff, window:N, ticket:<id>) against every role
(anonymous, kiosk, display, caller, pad, clerk, manager, admin), and the same
roles of another center (Riverside, served by the same hub), who may join only
their own center's rooms and never hear or read the demo center."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ManualClock
from tests.security.kit import Kit, heard, kit, strings, subscribe

ROOMS = ("hall", "manager", "staff", "window:1", "ticket")
ROLES = ("anonymous", "kiosk", "display", "caller", "pad", "clerk", "manager", "admin")
Y, N = True, False
# May the role join the room?  (ticket: the room of a ticket the client holds)
MATRIX: dict[str, tuple[bool, ...]] = {
    #            hall manager staff window:1 ticket
    "anonymous": (N, N, N, N, Y),
    "kiosk":     (Y, N, N, N, Y),
    "display":   (Y, N, N, Y, Y),
    "caller":    (Y, N, N, Y, Y),
    "pad":       (Y, N, N, Y, Y),
    "clerk":     (Y, N, Y, Y, Y),
    "manager":   (Y, Y, Y, Y, Y),
    "admin":     (Y, Y, Y, Y, Y),
}
# Which rooms' events name tickets by id (and clerks by login): staff rooms only;
# the ticket's own room gets that one ticket's id.
TELLS_IDS = {"hall": N, "manager": Y, "staff": Y, "window:1": N, "ticket": "own"}
TELLS_LOGINS = {"hall": N, "manager": Y, "staff": Y, "window:1": N, "ticket": N}
DEVICE_ROLES = {"kiosk": "kiosk", "display": "display", "caller": "caller", "pad": "pad"}
CLERK = "wangli"


def test_the_matrix_covers_every_room_and_role() -> None:
    assert set(MATRIX) == set(ROLES) and all(len(row) == len(ROOMS) for row in MATRIX.values())


class Scene:
    def __init__(self, made: Kit) -> None:
        self.k = made
        for center in ("demo", "riverside"):
            for role in ROLES:
                self.token(center, role)
        k = made
        self.clerk = k.tokens[("demo", CLERK)]
        k.window(self.clerk, 1, "sign-in")
        kiosk = self.token("demo", "kiosk")
        assert kiosk
        self.ticket = k.issue("social-security", kiosk)
        k.window(self.clerk, 1, "call", ticket=self.ticket["number"])
        self.other = k.issue("social-security", kiosk)  # somebody else's ticket, waiting
        river_kiosk = self.token("riverside", "kiosk")
        assert river_kiosk
        self.river_ticket = k.issue("household", river_kiosk)

    def token(self, center: str, role: str) -> str | None:
        k = self.k
        if role == "anonymous":
            return None
        if role in DEVICE_ROLES:
            return k.device(f"{role}-{center}", DEVICE_ROLES[role], center,
                            window=1 if role == "pad" else None)
        name = CLERK if (center, role) == ("demo", "clerk") else f"{role}-{center}"
        return k.user(name, role, center)

    def room(self, room: str, center: str = "demo") -> str:
        if room != "ticket":
            return room
        ticket = self.ticket if center == "demo" else self.river_ticket
        return f"ticket:{ticket['id']}"


@pytest.fixture(scope="module")
def scene() -> Iterator[Scene]:
    with kit(ManualClock()) as made:
        yield Scene(made)


CASES = [(role, room, MATRIX[role][i]) for role in ROLES for i, room in enumerate(ROOMS)]


@pytest.mark.parametrize(("role", "room", "allowed"), CASES,
                         ids=[f"{role}-{room}" for role, room, _ in CASES])
def test_who_joins_which_room_and_what_it_hears(scene: Scene, role: str, room: str,
                                                allowed: bool) -> None:
    k = scene.k
    client = k.live(scene.token("demo", role), center="demo")
    ack = subscribe(client, [scene.room(room)])
    if not allowed:
        assert (ack.get("error"), ack.get("field")) == ("forbidden", "rooms"), ack
        return
    assert "snapshot" in ack, ack
    assert ack["snapshot"]["center"] == "demo"
    k.window(scene.clerk, 1, "recall")  # heard by every one of these rooms
    events = heard(client)
    recalls = [e for e in events if e["type"] == "ticket_recalled"]
    assert len(recalls) == 1, events
    data = recalls[0]["data"]
    assert data["number"] == scene.ticket["number"] and data["window"] == 1
    ids = TELLS_IDS[room]
    assert ("id" in data) == bool(ids)
    if ids == "own":
        assert data["id"] == scene.ticket["id"]
    everything = strings(ack) | strings(events)
    if ids is not True:
        assert scene.other["id"] not in everything
    if not TELLS_LOGINS[room]:
        assert CLERK not in everything
    assert ("actor" in recalls[0]) == (room == "manager")


@pytest.mark.parametrize("role", ROLES)
def test_another_centers_principals_never_reach_this_center(scene: Scene, role: str) -> None:
    k = scene.k
    token = scene.token("riverside", role)
    for i, room in enumerate(ROOMS):
        client = k.live(token, center="riverside")
        # The demo center's ticket is not a Riverside ticket.
        if room == "ticket":
            ack = subscribe(client, [scene.room("ticket", "demo")])
            assert ack.get("error") == "unknown_ticket", ack
            ack = subscribe(client, [scene.room("ticket", "riverside")])
        else:
            ack = subscribe(client, [room])
        if not MATRIX[role][i]:
            assert ack.get("error") == "forbidden", (room, ack)
            continue
        assert ack["snapshot"]["center"] == "riverside", (room, ack)
        k.window(scene.clerk, 1, "recall")  # the demo center's activity
        assert heard(client) == [], (role, room)
        assert scene.ticket["id"] not in strings(ack) and CLERK not in strings(ack)
    if token:  # a Riverside token names Riverside, whatever center the client asks for
        client = k.live(token, center="demo")
        answer = k.call("GET", "/api/v1/state?center=demo", token)
        assert answer.status_code == 403
