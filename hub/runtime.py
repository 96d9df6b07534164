"""The async mode's primitives, chosen once at start-up.

Flask-SocketIO runs on gevent (default) or eventlet green threads, or on
plain threads (tests with the Flask test client). The journal is blocking
I/O, so it runs through `run_blocking` on a real OS thread: the event loop
keeps serving while SQLite waits for fsync.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Runtime:
    mode: str
    run_blocking: Callable[..., Any]
    make_lock: Callable[[], Any]


def patch(mode: str) -> None:
    """Monkey-patch the standard library for a green-thread mode. Call first thing."""
    if mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    elif mode == "eventlet":
        # eventlet warns on import that new projects should prefer other
        # servers; we support it on purpose, so the warning is filtered here.
        with warnings.catch_warnings():
            _quiet_eventlet()
            import eventlet

        eventlet.monkey_patch()


# python-socketio loads at import, whatever the server uses, the client library of its
# Redis message queue (redis; valkey when installed) and, for its own Socket.IO client,
# requests: 14 MB of an idle hub's 77 MB, and 0.15 s of its start. The hub server
# uses neither requests nor, on SQLite, Redis.
NOT_USED_BY_THE_SERVER = ("requests",)
REDIS_CLIENTS = ("redis", "valkey")


def uses_redis(store: str, message_queue: str) -> bool:
    """Whether a hub with this journal and message queue talks to Redis (redis://,
    rediss://, unix://, redis+sentinel://): all but SQLite and memory on their own."""
    return bool(message_queue) or not store.startswith(("sqlite:", "memory:"))


def leave_out_unused_clients(store: str, message_queue: str) -> None:
    """Keep the client libraries the hub server will not use from being loaded: an
    `import` of one then fails as if it were not installed, which python-socketio
    expects of optional libraries. For the `jiaohao hub` process only, before Flask-
    SocketIO is imported (not in a process that also runs clients, as the demo does)."""
    redis = uses_redis(store, message_queue)
    for name in NOT_USED_BY_THE_SERVER + (() if redis else REDIS_CLIENTS):
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]


def _quiet_eventlet() -> None:
    # EventletDeprecationWarning derives from Warning, not DeprecationWarning.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated", category=Warning)


def runtime_for(mode: str) -> Runtime:
    if mode == "gevent":
        import gevent
        import gevent.lock

        def run_gevent(function: Callable[..., Any], *args: Any) -> Any:
            # An exception is handed back as a value and raised here, in the caller:
            # gevent's pool would print the traceback of one raised in the thread,
            # though the caller handles it (a ConcurrencyError is a normal retry).
            ok, value = gevent.get_hub().threadpool.apply(_outcome, (function, args))
            if ok:
                return value
            raise value

        return Runtime(mode, run_gevent, gevent.lock.RLock)
    if mode == "eventlet":
        with warnings.catch_warnings():
            _quiet_eventlet()
            from eventlet import semaphore, tpool

        class GreenRLock:
            """A re-entrant lock for green threads (eventlet has no RLock of its own)."""

            def __init__(self) -> None:
                self._semaphore = semaphore.Semaphore(1)
                self._owner: Any = None
                self._depth = 0

            def __enter__(self) -> GreenRLock:
                import eventlet

                me = eventlet.getcurrent()
                if self._owner is me:
                    self._depth += 1
                    return self
                self._semaphore.acquire()
                self._owner, self._depth = me, 1
                return self

            def __exit__(self, *exc: object) -> None:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._semaphore.release()

        def run_eventlet(function: Callable[..., Any], *args: Any) -> Any:
            return tpool.execute(function, *args)

        return Runtime(mode, run_eventlet, GreenRLock)

    def run_direct(function: Callable[..., Any], *args: Any) -> Any:
        return function(*args)

    return Runtime("threading", run_direct, threading.RLock)


def _outcome(function: Callable[..., Any], args: tuple[Any, ...]) -> tuple[bool, Any]:
    """(True, result) or (False, the exception) of `function(*args)`."""
    try:
        return True, function(*args)
    except Exception as error:  # noqa: BLE001 - re-raised by the caller
        return False, error
