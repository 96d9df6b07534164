"""A crowd of Socket.IO display clients for `jiaohao bench` (run as its own process).

`python -m tools.bench_fanout URL TOKEN N` connects N clients to /live on
gevent green threads, subscribes each to the hall, prints "ready", then
records when each client receives each `ticket_called`. On stdin "done" it
prints one JSON line: {seq: [receive times]}.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402 - after monkey-patching, as gevent requires
import select  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

import gevent  # noqa: E402
import socketio  # noqa: E402


def main() -> int:
    import logging

    # A thousand clients disconnecting at the end would each log their own goodbye.
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    logging.getLogger("socketio.client").setLevel(logging.CRITICAL)
    url, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    received: dict[int, list[float]] = defaultdict(list)
    clients = []

    def connect(index: int) -> None:
        client = socketio.Client(reconnection=False)

        @client.on("event", namespace="/live")
        def on_event(message: dict) -> None:
            if message.get("type") == "ticket_called":
                received[message["seq"]].append(time.time())

        for attempt in range(5):
            try:
                client.connect(url, namespaces=["/live"], auth={"token": token},
                               transports=["websocket"], wait_timeout=30)
                break
            except socketio.exceptions.ConnectionError:
                gevent.sleep(0.2 * (attempt + 1))
        client.call("subscribe", {"rooms": ["hall"], "since": None}, namespace="/live",
                    timeout=60)
        clients.append(client)

    jobs = [gevent.spawn(connect, i) for i in range(count)]
    gevent.joinall(jobs, raise_error=True)
    print(f"ready {len(clients)}", flush=True)
    # A plain read of stdin would block every green thread: wait cooperatively.
    select.select([sys.stdin], [], [])
    sys.stdin.readline()
    print(json.dumps(received), flush=True)
    for client in clients:
        client.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
