"""The display agent's own `/live` subscription: every event once, in order, after any drop.

The same protocol as the pages' live client (assets/js/lib/resync.js, the same
``Resync`` line for line, and lib/live.js), for Python: subscribe with the last
seq applied; take the missed events (or a snapshot) from the acknowledgement;
hold the events pushed while the subscription is being answered and apply them
after it; drop any seq already applied. ``Resync`` is that bookkeeping, free of
sockets; ``LiveListener`` drives it from a python-socketio client that
reconnects by itself.

``HubClock`` tells the announcer how old a call is by the hub's clock rather
than this PC's, learnt from the timestamps of the events as they arrive.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import engineio
import socketio

log = logging.getLogger(__name__)

NAMESPACE = "/live"
Event = dict[str, Any]
Delivery = tuple[Event, bool]  # an event and whether it arrived live (not replayed)


class HubClock:
    """The hub's clock as this device sees it.

    A live event arrives a few milliseconds after its ``at``, so the last one
    gives the offset between the hub's clock and this PC's. Events replayed
    after a drop and snapshot times only raise the estimate (each is a moment
    the hub's clock has passed). Before anything has arrived, the PC's clock is
    all there is. This keeps "a call older than N seconds is not spoken" right
    on a PC whose clock is off, and against a demo hub on a clock of its own.
    """

    def __init__(
        self,
        wall: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall or (lambda: datetime.now().astimezone())
        self._monotonic = monotonic
        self._offset: float | None = None  # hub epoch seconds minus our monotonic seconds
        self._tz = self._wall().tzinfo
        self._lock = threading.Lock()

    def observe(self, at: datetime, *, live: bool) -> None:
        """Learn from a moment the hub stamped: ``live`` for an event just pushed."""
        offset = at.timestamp() - self._monotonic()
        with self._lock:
            if live or self._offset is None or offset > self._offset:
                self._offset = offset
            self._tz = at.tzinfo

    def observe_text(self, text: Any, *, live: bool) -> None:
        """Like observe(), for an ISO 8601 timestamp from the wire; ignores anything else."""
        if not isinstance(text, str):
            return
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return
        if moment.tzinfo is not None:
            self.observe(moment, live=live)

    def now(self) -> datetime:
        """The estimated current time on the hub's clock (an aware datetime)."""
        with self._lock:
            offset, tz = self._offset, self._tz
        if offset is None:
            return self._wall()
        return datetime.fromtimestamp(self._monotonic() + offset, tz=tz)

    def skew(self) -> timedelta | None:
        """How far the hub's clock is ahead of this PC's (None until an event arrived)."""
        with self._lock:
            if self._offset is None:
                return None
        return self.now() - self._wall()


def call_from_recent(call: Mapping[str, Any]) -> Event:
    """A snapshot's ``recent_calls`` entry in the shape of a pushed call event."""
    # Public: the number and the window, never the ticket's id (screens speak numbers).
    data = {key: call.get(key) for key in ("number", "service", "window", "window_name",
                                           "recall_count")}
    return {"seq": call.get("seq"), "type": call.get("type"), "at": call.get("at"), "data": data}


class Resync:
    """What to hand on from the hub's answers, so each event is applied exactly once."""

    def __init__(self, rooms: Iterable[str], remember: int = 5000) -> None:
        self.rooms = list(rooms)
        self.seq: int | None = None
        self.floor = 0  # events at or below it are covered by the last snapshot
        self._applied: set[int] = set()
        self._order: deque[int] = deque()
        self._capacity = remember
        self._pending: list[Event] | None = None

    def subscribing(self) -> dict[str, Any]:
        """The `subscribe` request to send now; pushes are held until its answer."""
        self._pending = []
        return {"rooms": self.rooms, "since": self.seq}

    def pushed(self, event: Any) -> list[Delivery]:
        """An `event` pushed by the hub: the deliveries it makes now (none while held)."""
        if not _is_event(event):
            log.warning("ignoring a malformed pushed event: %r", event)
            return []
        if self._pending is not None:
            self._pending.append(event)
            return []
        return self._take(event, live=True)

    def acknowledged(self, ack: Any) -> tuple[list[Delivery], dict[str, Any] | None]:
        """The answer to `subscribe`: the deliveries in order, and the snapshot if one came.

        The first snapshot is only the picture of the hall: its calls were made
        before this device listened. A later snapshot (after a long drop or a new
        day) hands on the calls it lists that came after the last seq applied.
        """
        held, self._pending = self._pending or [], None
        if not isinstance(ack, Mapping) or not isinstance(ack.get("seq"), int):
            raise ValueError(f"the hub refused or garbled the subscription: {ack!r}")
        deliveries: list[Delivery] = []
        snapshot = ack.get("snapshot")
        if isinstance(snapshot, Mapping):
            before = self.seq
            self._applied.clear()
            self._order.clear()
            self.floor = self.seq = ack["seq"]
            if before is not None:
                missed = [call_from_recent(call) for call in snapshot.get("recent_calls") or ()
                          if isinstance(call, Mapping) and isinstance(call.get("seq"), int)
                          and call["seq"] > before]
                for event in sorted(missed, key=lambda e: e["seq"]):
                    self._remember(event["seq"])
                    deliveries.append((event, False))
        else:
            events = [e for e in ack.get("events") or () if _is_event(e)]
            for event in sorted(events, key=lambda e: e["seq"]):
                deliveries += self._take(event, live=False)
            if self.seq is None or ack["seq"] > self.seq:
                self.seq = ack["seq"]
        for event in sorted(held, key=lambda e: e["seq"]):
            deliveries += self._take(event, live=True)
        return deliveries, dict(snapshot) if isinstance(snapshot, Mapping) else None

    def lost(self) -> None:
        """The connection dropped: forget a subscription left unanswered."""
        self._pending = None

    @property
    def waiting(self) -> bool:
        """Whether a subscription is out, unanswered."""
        return self._pending is not None

    def behind(self, beat: Any) -> bool:
        """A `heartbeat` {seq, heard, every}: whether this listener missed an event.

        `heard` is the seq of the last event the hub sent to the room; holding
        less means one went missing (the hub's process was cut off from its
        message queue, or stalled), so subscribe again with `since`. Events the
        room does not hear raise the center's `seq` without reaching us: they
        are no reason to resubscribe.
        """
        if self._pending is not None or self.seq is None or not isinstance(beat, Mapping):
            return False
        heard = beat.get("heard")
        return isinstance(heard, int) and not isinstance(heard, bool) and heard > self.seq

    def _take(self, event: Event, *, live: bool) -> list[Delivery]:
        seq = event["seq"]
        if seq in self._applied or (self.seq is not None and seq <= self.floor):
            return []
        self._remember(seq)
        if self.seq is None or seq > self.seq:
            self.seq = seq
        return [(event, live)]

    def _remember(self, seq: int) -> None:
        self._applied.add(seq)
        self._order.append(seq)
        while len(self._order) > self._capacity:
            self._applied.discard(self._order.popleft())


def _is_event(event: Any) -> bool:
    return (isinstance(event, Mapping) and isinstance(event.get("seq"), int)
            and not isinstance(event.get("seq"), bool) and isinstance(event.get("type"), str))


class _InOrderEngineIO(engineio.Client):
    """engine.io's client starts a thread per message, so two events pushed back to
    back may reach the handlers in either order; handled in its reading thread, they
    keep the hub's order (the order the hall hears them in)."""

    def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class _InOrderClient(socketio.Client):
    def _engineio_client_class(self) -> type[engineio.Client]:
        return _InOrderEngineIO


class LiveListener:
    """Listens to rooms of the hub's `/live` for as long as it runs, reconnecting by itself.

    ``on_event(event, live)`` gets every event once, in seq order within each
    answer; ``on_status`` gets "connecting", "live", "lost" or "refused" as it
    changes. Callbacks run in the socket's reading thread: keep them short.
    """

    def __init__(self, hub: str, token: str, rooms: Iterable[str],
                 on_event: Callable[[Event, bool], Any], *,
                 on_status: Callable[[str], Any] | None = None,
                 clock: HubClock | None = None) -> None:
        self.hub = hub
        self.token = token
        self.resync = Resync(rooms)
        self.clock = clock or HubClock()
        self.status = "connecting"
        self._on_event = on_event
        self._on_status = on_status
        self._lock = threading.Lock()
        self._live = threading.Event()
        self._closed = False
        self._client = _InOrderClient(reconnection=True, reconnection_delay=0.5,
                                      reconnection_delay_max=5, handle_sigint=False)
        self._client.on("connect", self._connected, namespace=NAMESPACE)
        self._client.on("disconnect", self._disconnected, namespace=NAMESPACE)
        self._client.on("connect_error", self._refused, namespace=NAMESPACE)
        self._client.on("event", self._pushed, namespace=NAMESPACE)
        self._client.on("heartbeat", self._heartbeat, namespace=NAMESPACE)
        self._client.on("resync", self._resync, namespace=NAMESPACE)
        self._thread = threading.Thread(target=self._connect, name="live-listener", daemon=True)
        self._last_heard = time.monotonic()  # when the hub last sent anything
        self._every: float | None = None  # the hub's heartbeat interval, once heard
        self.resubscribed = 0  # subscriptions made again on a heartbeat, resync or silence

    def start(self) -> LiveListener:
        """Connect in the background (retrying until the hub answers) and return."""
        self._thread.start()
        threading.Thread(target=self._watch, name="live-watchdog", daemon=True).start()
        return self

    def wait_live(self, timeout: float | None = None) -> bool:
        """Block until subscribed and caught up; False on timeout."""
        return self._live.wait(timeout)

    def close(self) -> None:
        """Disconnect for good."""
        self._closed = True
        try:
            self._client.disconnect()
        except Exception:  # noqa: BLE001 - closing a half-open client must not raise
            log.debug("disconnect failed", exc_info=True)

    # -- socket handlers (the client's reading thread) ------------------------------

    def _connect(self) -> None:
        try:
            self._client.connect(self.hub, auth={"token": self.token}, namespaces=[NAMESPACE],
                                 transports=["websocket"], wait_timeout=10, retry=True)
        except Exception as error:  # noqa: BLE001 - reported, the agent goes on showing
            if not self._closed:
                log.error("cannot listen to %s: %s", self.hub, error)
                self._status("lost")

    def _connected(self) -> None:
        with self._lock:
            request = self.resync.subscribing()
        self._client.emit("subscribe", request, namespace=NAMESPACE, callback=self._acknowledged)

    def _acknowledged(self, ack: Any = None) -> None:
        self._last_heard = time.monotonic()
        with self._lock:
            try:
                deliveries, snapshot = self.resync.acknowledged(ack)
            except ValueError as error:
                log.error("%s", error)
                self._status("refused")
                return
        if snapshot is not None:  # its times are moments the hub's clock has passed
            for window in snapshot.get("windows") or ():
                self.clock.observe_text(window.get("since"), live=False)
            for call in snapshot.get("recent_calls") or ():
                self.clock.observe_text(call.get("at"), live=False)
        self._deliver(deliveries)
        self._status("live")
        self._live.set()

    def _pushed(self, event: Any) -> None:
        self._last_heard = time.monotonic()
        with self._lock:
            deliveries = self.resync.pushed(event)
        self._deliver(deliveries)

    def _heartbeat(self, beat: Any = None) -> None:
        self._last_heard = time.monotonic()
        every = beat.get("every") if isinstance(beat, Mapping) else None
        if isinstance(every, (int, float)) and not isinstance(every, bool) and every > 0:
            self._every = float(every)
        with self._lock:
            behind = self.resync.behind(beat)
        if behind:
            log.warning("missed events (hub heard seq %s, here %s); subscribing again",
                        beat.get("heard"), self.resync.seq)
            self._resubscribe()

    def _resync(self, _message: Any = None) -> None:
        log.warning("the hub asks this display to subscribe again")
        self._resubscribe()

    def _resubscribe(self) -> None:
        with self._lock:
            if self.resync.waiting or not self._client.connected:
                return
            request = self.resync.subscribing()
            self.resubscribed += 1
        try:
            self._client.emit("subscribe", request, namespace=NAMESPACE,
                              callback=self._acknowledged)
        except Exception:  # noqa: BLE001 - the reconnection subscribes anyway
            log.debug("subscribing again failed", exc_info=True)

    def _watch(self) -> None:
        """Subscribe again when the hub has been silent for three heartbeats (its
        process stalled, or what it sent was lost): the answer catches us up."""
        while not self._closed:
            time.sleep(1.0)
            every = self._every
            if every is None or self.status != "live":
                continue
            if time.monotonic() - self._last_heard > 3 * every:
                log.warning("no heartbeat from %s for %.0f s; subscribing again", self.hub,
                            time.monotonic() - self._last_heard)
                self._last_heard = time.monotonic()
                self._resubscribe()

    def _disconnected(self, *reason: Any) -> None:
        with self._lock:
            self.resync.lost()
        self._live.clear()
        if not self._closed:
            self._status("lost")

    def _refused(self, data: Any = None) -> None:
        code = data.get("message") if isinstance(data, Mapping) else data
        refused = code in ("invalid_token", "unknown_center", "invalid_center")
        self._status("refused" if refused else "lost", f" ({code})" if refused else "")

    def _deliver(self, deliveries: list[Delivery]) -> None:
        for event, live in deliveries:
            self.clock.observe_text(event.get("at"), live=live)
            try:
                self._on_event(event, live)
            except Exception:  # a bad event must not stop the ones after it
                log.exception("handling event seq %s failed", event.get("seq"))

    def _status(self, status: str, detail: str = "") -> None:
        if status == self.status:
            return
        self.status = status
        if status == "live":
            log.info("listening to %s on %s", ", ".join(self.resync.rooms), self.hub)
        elif status == "lost":
            log.warning("connection to %s lost; reconnecting", self.hub)
        elif status == "refused":
            log.error("the hub %s refused this display%s", self.hub, detail)
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("status callback failed")
