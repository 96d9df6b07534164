"""Socket.IO namespace `/live`: subscribe with `since`, then hear events live.

Subscribing joins the rooms first and reads second, under the center's lock
(the same lock under which events are published), so every event is either
in the acknowledgement or arrives live after it — the client drops any seq it
already has. The ack carries the missed events, or a snapshot when `since` is
null, from another business day, or further back than memory holds.

Besides `event` and `progress`, clients hear `heartbeat` {seq, heard, every}
every `heartbeat_seconds` in each room (`heard`: the seq of the last event sent
to that room; a client holding less subscribes again with its `since`) and
`resync` {seq} when the hub wants every client of a center to subscribe again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

from flask import request
from flask_socketio import ConnectionRefusedError as Refused
from flask_socketio import Namespace, SocketIO, join_room, leave_room
from pydantic import Field as Size

from hub.core import AuthError, Hub
from hub.domain.events import Event
from hub.read import views
from hub.read.wire import (
    HALL,
    MANAGER,
    STAFF_ROOM,
    TO_HOLDER,
    TO_MANAGERS,
    TO_PUBLIC,
    TO_STAFF,
    affected_services,
    audience_of,
    hears,
    payload,
    rooms_for,
    ticket_room,
)
from hub.store.auth import MANAGERS, STAFF, Principal
from hub.web.heap import HeapTrim
from hub.web.revocation import still_valid
from hub.web.schema import Input, ValidationError, problems

log = logging.getLogger(__name__)
NAMESPACE = "/live"
MAX_REPLAY = 5000
SNAPSHOT_REUSE = timedelta(seconds=1)  # a snapshot serves the subscribes of this long
ROOM = re.compile(r"hall|manager|staff|window:[1-9][0-9]{0,2}|ticket:[A-Za-z0-9_-]{8,40}")
# The richest payload a client's rooms entitle it to, most told first.
RANK = (TO_MANAGERS, TO_STAFF, TO_HOLDER, TO_PUBLIC)


@dataclass
class Client:
    principal: Principal | None
    center: str
    rooms: set[str] = field(default_factory=set)
    token: str | None = None  # checked again on subscribe and when accounts change


def socket_room(center: str, room: str) -> str:
    return f"{center}|{room}"


def may_join(who: Principal | None, room: str) -> bool:
    if room.startswith("ticket:"):
        return True  # holding the unguessable id is the permission
    if who is None:
        return False
    if room == MANAGER:
        return who.role in MANAGERS
    if room == HALL:
        return True
    if room == STAFF_ROOM:
        return who.kind == "user" and who.role in STAFF
    return who.role in ("display", "pad", "caller") + STAFF  # window:N


class Live(Namespace):
    def __init__(self, hub: Hub) -> None:
        super().__init__(NAMESPACE)
        self.hub = hub
        self.clients: dict[str, Client] = {}
        # The seq of the last event sent to each socket room by this process, for the
        # heartbeat: a client that holds less than its room heard missed something.
        self._heard: dict[str, int] = {}
        # (center, staff) -> (state, seq, built at, snapshot): see `_snapshot`.
        self._snapshots: dict[tuple[str, bool], tuple[Any, int, Any, dict[str, Any]]] = {}
        self.heap: HeapTrim | None = None  # told of each answered subscription

    @property
    def relays(self) -> bool:
        """Whether each process sends the journal's events to its own clients.

        Processes that share a journal all follow it (`Hub.follow_forever`): each
        one relays every event, its own on append and the others' as it reads
        them, to the clients connected to it, bypassing the message queue. A
        message-queue outage then cannot lose an event: the journal is where a
        process that was cut off or stalled catches up from.
        """
        return self.hub.follows()

    def _emit(self, kind: str, message: Any, rooms: str | list[str], seq: int | None) -> None:
        self.socketio.emit(kind, message, to=rooms, namespace=NAMESPACE,
                           ignore_queue=self.relays)
        if seq is not None:
            for room in [rooms] if isinstance(rooms, str) else rooms:
                self._heard[room] = seq

    # ------------------------------------------------------------------ publishing

    def publish(self, center: str, events: Sequence[Event]) -> None:
        """Send durable events to the rooms that hear them (called under the center lock).

        An event that changes a service's queue carries that queue's waiting count
        and estimated wait (`data.queue`), so screens never recount the rules; and
        the phones following a waiting ticket of that queue get a `progress`
        message with its people ahead.
        """
        try:
            self._publish(center, events)
        except Exception:  # noqa: BLE001 - the events are durable; a failed push must not undo the answer
            log.exception("center %s: publishing events %s failed", center,
                          [event.seq for event in events])

    def _publish(self, center: str, events: Sequence[Event]) -> None:
        state = self.hub.centers[center].state
        listened = self._listened(center)
        clerk_name, pause_reason = _namers(state)
        # First what each event touches; then the queues and window queues of all of
        # them at once (a batch of commands is published together, on the state after
        # it: each figure is computed once, not once per event, and only for rooms
        # somebody listens to).
        plans = []
        touched: set[str] = set()
        wanted_windows: set[int] = set()
        for event in events:
            # A window's staffing (sign-in, pause, reopen, sign-out) changes the waits
            # of the services it serves: their queues and phones hear it too.
            services = affected_services(event) | views.staffing_services(state, event)
            touched |= services
            rooms = [socket_room(center, room) for room in rooms_for(event, state.windows)]
            if listened is not None:
                rooms = [room for room in rooms if room in listened]
            if not rooms:
                continue
            windows = views.windows_touched(state.config, services, event.windows_of()) \
                if services else set()
            wanted_windows |= windows
            plans.append((event, services, windows, rooms))
        queues = views.queue_summary(state, {s for _, services, _, _ in plans
                                             for s in services}) if plans else {}
        # The window screens' "next number, how many wait": from the hub's routing.
        all_window_queues = views.window_queues(
            state, self.hub.centers[center].clock(), wanted_windows) if wanted_windows else {}
        for event, services, windows, rooms in plans:
            queue = {s: queues[s] for s in sorted(services) if s in queues}
            window_queues = {w: figures for w, figures in all_window_queues.items()
                             if int(w) in windows}
            by_audience: dict[str, list[str]] = {}
            for room in rooms:
                by_audience.setdefault(audience_of(room.split("|", 1)[1]), []).append(room)
            for audience in RANK:  # the most told first: a client in two rooms keeps it
                if audience not in by_audience:
                    continue
                message = payload(event, audience, clerk_name=clerk_name,
                                  pause_reason=pause_reason)
                if queue:
                    message["data"]["queue"] = queue
                if window_queues and audience == TO_PUBLIC:  # for the window screens
                    message["data"]["window_queues"] = window_queues
                self._emit("event", message, by_audience[audience], event.seq)
        if touched and events:
            self._progress(center, state, touched, events[-1].seq)

    def _listened(self, center: str) -> set[str] | None:
        """The socket rooms of `center` that clients of this process are in, or None
        when other processes' clients hear this process's emits (a message queue
        without relaying): then every room is published to."""
        if not self.relays and self.hub.settings.message_queue:
            return None
        return set(self._rooms_of(center))

    def followed(self, center: str, events: Sequence[Event]) -> None:
        """Events another writer appended, read from the journal (called under the
        center's lock, as `publish` is): send them to this process's clients,
        and update the phones connected here that follow tickets of the queues
        they changed. Without relaying (no shared journal to follow) the appending
        process's message queue has already sent the events: only the progress."""
        if self.relays:
            self.publish(center, events)
            return
        touched: set[str] = set()
        state = self.hub.centers[center].state
        for event in events:
            touched |= affected_services(event) | views.staffing_services(state, event)
        if touched:
            self._progress(center, self.hub.centers[center].state, touched, events[-1].seq)

    def reset(self, center: str) -> None:
        """The journal no longer holds events this process sent (a Redis failover
        lost writes that had not reached the replica): every client of the center
        subscribes again; its `since` is then ahead and it gets a snapshot."""
        self._heard = {room: seq for room, seq in self._heard.items()
                       if not room.startswith(socket_room(center, ""))}
        self._snapshots = {key: kept for key, kept in self._snapshots.items()
                           if key[0] != center}
        rooms = self._rooms_of(center)
        if rooms:
            seq = self.hub.centers[center].state.seq
            self.socketio.emit("resync", {"seq": seq}, to=rooms, namespace=NAMESPACE,
                               ignore_queue=True)

    # ------------------------------------------------------------------ heartbeat

    def heartbeat_forever(self, every: float) -> None:
        """Every `every` seconds, a heartbeat to each room of each center here."""
        while self.hub.still_open_after(self.socketio.sleep, every):
            by_center: dict[str, list[str]] = {}
            for room in self._rooms():
                by_center.setdefault(room.split("|", 1)[0], []).append(room)
            for center in list(self.hub.centers):
                try:
                    self.heartbeat(center, every, by_center.get(center, []))
                except Exception:  # noqa: BLE001 - one bad beat must not end them
                    log.exception("center %s: heartbeat failed", center)

    def heartbeat(self, center: str, every: float, rooms: list[str] | None = None) -> None:
        """`heartbeat` {seq, heard, every} to each socket room of `center` in this
        process, one emit per room: `seq` is the center's latest seq as this process
        knows it from the journal, `heard` the seq of the last event sent to the
        room. A client whose own seq is below `heard` missed an event and
        subscribes again with its `since`; one that hears no heartbeat for a few
        intervals (a stalled process) does so too."""
        rooms = self._rooms_of(center) if rooms is None else rooms
        prefix = socket_room(center, "")
        listened = set(rooms)
        for room in [r for r in self._heard if r.startswith(prefix) and r not in listened]:
            del self._heard[room]  # nobody here listens to it any more
        if not rooms:
            return

        def beat(state: Any) -> None:
            for room in rooms:
                self.socketio.emit(
                    "heartbeat", {"seq": state.seq, "heard": self._heard.get(room, 0),
                                  "every": every},
                    to=room, namespace=NAMESPACE, ignore_queue=True)

        self.hub.centers[center].read(beat)

    def _rooms(self) -> list[str]:
        """The socket rooms of every center that clients of this process are in."""
        rooms = self.socketio.server.manager.rooms.get(NAMESPACE, {})
        return [room for room, members in list(rooms.items())
                if isinstance(room, str) and "|" in room and members]

    def _rooms_of(self, center: str) -> list[str]:
        """The socket rooms of `center` that clients of this process are in."""
        prefix = socket_room(center, "")
        return [room for room in self._rooms() if room.startswith(prefix)]

    def _progress(self, center: str, state: Any, services: set[str], seq: int) -> None:
        prefix = socket_room(center, "ticket:")
        rooms = self.socketio.server.manager.rooms.get(NAMESPACE, {})
        wanted = {
            room[len(prefix):]
            for room in rooms
            if isinstance(room, str) and room.startswith(prefix)
        }
        if not wanted:
            return
        for update in views.progress(state, services, wanted):
            # Each process tells its own phones (`wanted` is read from its own rooms).
            self._emit("progress", {"seq": seq, "data": update},
                       socket_room(center, ticket_room(update["id"])), None)

    # ------------------------------------------------------------------ handlers

    def trigger_event(self, event: str, *args: Any) -> Any:
        # Socket.IO hands a client's own event named "connect" or "disconnect" to the
        # handlers of the connection's lifecycle. Those run only while the connection
        # is being made or closed; an event from a connected client is not one of them.
        if event in ("connect", "disconnect") and args and \
                self.socketio.server.manager.is_connected(args[0], self.namespace):
            return None
        try:
            return super().trigger_event(event, *args)
        finally:
            # Each event runs in a Flask request context made from the connection's
            # handshake environ, and werkzeug's Request leaves itself in that environ
            # ("werkzeug.request"), with its URL adapter and the route lookup's 404:
            # kept for the connection's life, about 3 KB per phone.
            environ = self.socketio.server.get_environ(args[0], self.namespace) if args else None
            if environ is not None:
                environ.pop("werkzeug.request", None)

    def on_connect(self, auth: Any = None) -> None:
        # Refused(code): the client's connect_error gets {"message": code}; the
        # built-in ConnectionRefusedError would tell it only "refused".
        auth = auth if isinstance(auth, dict) else {}
        token = auth.get("token")
        who = None
        if token is not None:
            if not isinstance(token, str) or not token:
                raise Refused("invalid_token")
            try:
                who = self.hub.authenticate(token)
            except AuthError as error:
                raise Refused(error.code) from None
        center_id = who.center if who else auth.get("center")
        if center_id is not None and not isinstance(center_id, str):
            raise Refused("invalid_center")
        center = self.hub.center(center_id)
        if center is None:
            raise Refused("unknown_center")
        self.clients[request.sid] = Client(  # type: ignore[attr-defined]
            who, center.id, token=token if who else None)

    def end(self, sid: str) -> None:
        """Disconnect a client (its principal was revoked): it leaves every room."""
        self.clients.pop(sid, None)
        self.socketio.server.disconnect(sid, namespace=NAMESPACE)

    def on_disconnect(self, reason: Any = None) -> None:
        self.clients.pop(request.sid, None)  # type: ignore[attr-defined]

    def on_subscribe(self, data: Any = None) -> dict[str, Any]:
        sid = request.sid  # type: ignore[attr-defined]
        client = self.clients.get(sid)
        if client is None:
            return _error("not_connected", "connect first")
        if not still_valid(self.hub, client.token):
            self.end(sid)
            return _error("invalid_token", "the token is no longer valid; sign in again")
        message = _subscription(data)
        if isinstance(message, dict):
            return message  # the error ack
        rooms, since = list(message.rooms), message.since
        for room in rooms:
            if not may_join(client.principal, room):
                return _error("forbidden", f"you may not join {room}", "rooms")
        center = self.hub.centers[client.center]
        ticket_ids = [room.split(":", 1)[1] for room in rooms if room.startswith("ticket:")]
        if ticket_ids and not all(t in center.state.tickets for t in ticket_ids):
            return _error("unknown_ticket", "no such ticket today", "rooms")

        def join_and_ack(state: Any) -> dict[str, Any]:
            # Joining and reading under the center's lock, under which events are
            # published: each event is in the ack or heard live, never both.
            if not self.socketio.server.manager.is_connected(sid, NAMESPACE):
                # Gone while waiting for the lock (a page closed mid-subscribe).
                return _error("not_connected", "connect first")
            for room in _listening(client.rooms) - _listening(rooms):
                leave_room(socket_room(center.id, room), sid=sid, namespace=NAMESPACE)
            for room in _listening(rooms):
                join_room(socket_room(center.id, room), sid=sid, namespace=NAMESPACE)
            client.rooms = set(rooms)
            return self._ack(center, state, rooms, since)

        answer = center.read(join_and_ack)
        if self.heap is not None:
            self.heap.touched()
        return answer

    def _ack(self, center: Any, state: Any, rooms: list[str], since: int | None
             ) -> dict[str, Any]:
        now = center.clock()
        if since is not None and since <= state.seq and views.is_today(state, state.config, now):
            missed = state.seq - since
            if missed <= MAX_REPLAY:
                events = center.events_since(since) or []
                if len(events) == missed and not any(e.type == "day_started" for e in events):
                    clerk_name, pause_reason = _namers(state)
                    replay = []
                    for e in events:
                        hearing = [room for room in rooms if hears(room, e)]
                        if hearing:
                            audience = min((audience_of(r) for r in hearing), key=RANK.index)
                            replay.append(payload(e, audience, clerk_name=clerk_name,
                                                  pause_reason=pause_reason))
                    return {"seq": state.seq, "events": replay}
        staff = MANAGER in rooms or STAFF_ROOM in rooms
        snapshot = self._snapshot(center.id, state, now, staff)
        tickets = [r.split(":", 1)[1] for r in rooms if r.startswith("ticket:")]
        if tickets:
            snapshot = {**snapshot}  # the shared one stays as it is
            snapshot["tickets"] = {
                t: views.public_ticket(state, state.config, state.tickets[t]) for t in tickets
            }
        return {"seq": state.seq, "snapshot": snapshot}

    def _snapshot(self, center: str, state: Any, now: Any, staff: bool) -> dict[str, Any]:
        """The center's snapshot (staff's or the public one) at `state.seq`, built once
        for every client subscribing within SNAPSHOT_REUSE seconds at that seq: a hall's
        phones coming back at once would otherwise each build it, holding the event
        loop (and everyone's pongs) for a pass over every waiting ticket apiece."""
        key = (center, staff)
        cached = self._snapshots.get(key)
        if cached is not None and cached[0] is state and cached[1] == state.seq and \
                timedelta(0) <= now - cached[2] < SNAPSHOT_REUSE:
            return cached[3]
        snapshot = views.snapshot(state, now) if staff else views.public_snapshot(state, now)
        self._snapshots[key] = (state, state.seq, now, snapshot)
        return snapshot


def _namers(state: Any) -> tuple[Any, Any]:
    """How public payloads name a clerk and which pause reasons they may show."""
    def clerk_name(username: str) -> str:
        return views.clerk_name(state, username)

    def pause_reason(reason: str) -> str | None:
        return views.public_reason(state.config, reason)

    return clerk_name, pause_reason


def guard_packets(socketio: SocketIO) -> None:
    """Drop a connection that sends a Socket.IO packet the hub cannot decode (broken
    JSON, or nested past the parser's depth), with one log line: python-socketio
    would log a traceback for each such packet and keep the connection."""
    server = socketio.server
    handle = server._handle_eio_message

    def decoded_first(eio_sid: str, data: Any) -> Any:
        if isinstance(data, str):  # binary attachments arrive as bytes
            try:
                server.packet_class(encoded_packet=data)
            except (ValueError, RecursionError):
                log.warning("closing a Socket.IO connection that sent an unreadable packet")
                server.eio.disconnect(eio_sid)
                return None
        return handle(eio_sid, data)

    server.eio.on("message", decoded_first)


def _listening(rooms: Iterable[str]) -> set[str]:
    """The socket rooms to be in: the manager room alone hears every event, so a
    manager who also names other rooms would otherwise hear events twice."""
    rooms = set(rooms)
    if MANAGER in rooms:
        return {MANAGER}
    if STAFF_ROOM in rooms:  # staff hear what the hall and window rooms hear, and more
        return {STAFF_ROOM} | {r for r in rooms if r.startswith("ticket:")}
    return rooms


class Subscribe(Input):
    """The `subscribe` message: {rooms: [...], since: SEQ|null}."""

    rooms: Annotated[list[Annotated[str, Size(pattern=f"^(?:{ROOM.pattern})$")]],
                     Size(min_length=1, max_length=10)]
    since: Annotated[int, Size(ge=0)] | None = None


def _subscription(data: Any) -> Subscribe | dict[str, Any]:
    """The `subscribe` message checked, or the error ack naming the field."""
    if not isinstance(data, dict):
        return _error("invalid_body", "send {rooms: [...], since: SEQ|null}")
    try:
        return Subscribe.model_validate(data)
    except ValidationError as error:
        found = problems(error, keep_last_index=True)[0]
        if found.code == "unknown_field":
            return _error("invalid_body", "send {rooms: [...], since: SEQ|null}")
        if found.field.startswith("rooms."):  # one room: a string naming a room we have
            room = data["rooms"][int(found.field.split(".")[1])]
            return _error("invalid_field", f"unknown room {room!r}", "rooms")
        if found.field == "rooms":
            return _error("invalid_field", "rooms must list 1 to 10 rooms", "rooms")
        return _error("invalid_field", "since must be a seq number or null", "since")


def _error(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    answer = {"error": code, "message": message}
    if field:
        answer["field"] = field
    return answer
