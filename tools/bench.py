"""`jiaohao bench`: the hub's speed and memory, measured and printed as figures.

Parts: `domain` (rules in memory, SQLite appends), `issue` (tickets/s over HTTP
with 8 concurrent kiosks, and the hub's CPU per ticket), `fanout` (call → every
connected display, 100, 1,000 and 3,000 light clients in separate processes,
tools/bench_crowd.py; with `--floor` the same against a bare Flask-SocketIO +
SQLite server, tools/bench_floor.py), `restart` (start-up with a 1,000,000-event
journal), the hub's RSS idle and with clients, `partition` (2 centers, 1 then 2
processes, each center on its own) and `scale` (1, 2 and 4 hub processes on one
redis-server: tickets/s, call → display, the 1 → 2 scaling ratio). Each
against real hub processes, in each async mode. Figures are medians and
percentiles of what was measured here; nothing is asserted.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import requests

from tools.process import HubProcess

SERVICES = ["social-security", "medical-insurance", "household", "real-estate"]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 1e6


def settled_rss(pid: int, seconds: float = 3.0) -> tuple[float, float]:
    """RSS (MB) as the crowd has just subscribed, and `seconds` later: what the
    server keeps for its clients once the burst of snapshots has been sent (the hub
    gives that heap back, hub/web/heap.py)."""
    peak = rss_mb(pid)
    time.sleep(seconds)
    return peak, rss_mb(pid)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def hub_cpu_seconds(hubs: list[HubProcess]) -> float:
    """User + system CPU seconds the hub processes have used so far."""
    return sum(process_cpu_seconds(hub.pid()) for hub in hubs)


def hub_switches(hubs: list[HubProcess]) -> tuple[int, int]:
    """How often the hub processes have so far given up their core: waiting for
    something (voluntary) and taken off it for another process (involuntary)."""
    counts = [psutil.Process(hub.pid()).num_ctx_switches() for hub in hubs]
    return sum(c.voluntary for c in counts), sum(c.involuntary for c in counts)


# ------------------------------------------------------------------ issuing


def bench_config(folder: Path, center: str = "demo") -> str:
    """The demo center with 26 services (A-Z) of 999 tickets a day each, so a
    benchmark of issuing is not stopped by the daily caps (under another id when
    `center` is given: a second center of a deployment)."""
    import tomllib

    from tools.process import DEMO_CONFIG

    config = tomllib.loads(Path(DEMO_CONFIG).read_text(encoding="utf-8"))
    template = config["services"][0]
    config["services"] = [
        {**template, "id": f"bench-{letter.lower()}", "prefix": letter, "daily_cap": 999,
         "name": {"zh": f"测试业务{letter}", "en": f"Bench {letter}"}}
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    ]
    every = {service["id"]: 1 for service in config["services"]}
    config["windows"] = [{"id": n, "services": every} for n in range(1, 9)]
    config["center"]["staff"] = []
    # The demo's case rules (办件) name its own services, which the bench replaces.
    config.get("cases", {}).pop("services", None)
    config["center"]["id"] = center
    path = folder / ("bench-center.toml" if center == "demo" else f"bench-{center}.toml")
    path.write_text(_toml(config), encoding="utf-8")
    return str(path)


def _toml(value: Any, prefix: str = "") -> str:
    """Just enough TOML writing for a center configuration (via JSON-compatible inline values)."""
    lines = []
    tables = []
    for key, item in value.items():
        if isinstance(item, dict):
            tables.append((key, item))
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            tables.extend((f"[{key}]", entry) for entry in item)
        else:
            lines.append(f"{json.dumps(key)} = {_inline(item)}")
    out = "\n".join(lines) + "\n"
    for key, item in tables:
        if key.startswith("["):
            out += f"\n[[{prefix}{key[1:-1]}]]\n" + _body(item)
        else:
            out += f"\n[{prefix}{key}]\n" + _body(item)
    return out


def _body(table: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {_inline(v)}\n" for k, v in table.items())


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def ticket_request(host: str, port: int, token: str, service: str) -> bytes:
    """The bytes of one `POST /api/v1/tickets` for `service`, on a kept-alive connection."""
    body = json.dumps({"service": service}).encode()
    head = (f"POST /api/v1/tickets HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


class HttpAnswers:
    """The HTTP/1.1 answers read off one connection in turn: (status, body). The hub's
    answers carry a Content-Length (no chunked bodies)."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = b""

    def _more(self) -> None:
        data = self.connection.recv(65536)
        if not data:
            raise ConnectionError("the hub closed the connection")
        self.buffer += data

    def next(self) -> tuple[int, bytes]:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._more()
        head = self.buffer[:end].decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = next((int(line.split(":", 1)[1]) for line in lines[1:]
                       if line.lower().startswith("content-length:")), 0)
        while len(self.buffer) < end + 4 + length:
            self._more()
        body = self.buffer[end + 4:end + 4 + length]
        self.buffer = self.buffer[end + 4 + length:]
        return status, body


def bench_issue(hub: HubProcess | list[HubProcess], token: str | list[str], clients: int,
                seconds: float, redis_pid: int | None = None) -> dict[str, Any]:
    """Tickets/s with `clients` concurrent kiosks, spread over one or several hub processes
    (kiosk i on process i mod n, with token i mod the number of tokens).

    Besides the hubs' CPU per ticket, what the rest of the machine spent on each: the
    kiosks (this process) and, given its pid, redis-server. On a machine with few cores
    that is what several hub processes cannot have."""
    from urllib.parse import urlparse

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    hubs = hub if isinstance(hub, list) else [hub]
    tokens = token if isinstance(token, list) else [token]

    def kiosk(index: int) -> None:
        # Raw HTTP/1.1 on a kept-alive socket, each request's bytes made once: the
        # kiosks share the machine's cores with the hubs, and with several hub
        # processes what they spend is CPU the hubs cannot have (http.client cost
        # 0.25 ms a ticket, a fifth of a hub's).
        address = urlparse(hubs[index % len(hubs)].url)
        host, port = address.hostname or "", address.port or 80
        token = tokens[index % len(tokens)]
        posts = [ticket_request(host, port, token, f"bench-{letter}")
                 for letter in "abcdefghijklmnopqrstuvwxyz"]
        mine = []
        n = 0
        with socket.create_connection((host, port), timeout=30) as connection:
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            answers = HttpAnswers(connection)
            while time.monotonic() < stop_at:
                post = posts[(index * 3 + n) % 26]
                n += 1
                started = time.perf_counter()
                connection.sendall(post)
                status, body = answers.next()
                mine.append(time.perf_counter() - started)
                if status != 201:
                    with lock:
                        errors.append(body[:200].decode(errors="replace"))
                    break
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(clients)]
    redis_before = process_cpu_seconds(redis_pid) if redis_pid else 0.0
    crowd_before = time.process_time()
    cpu_before = hub_cpu_seconds(hubs)
    switches_before = hub_switches(hubs)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = hub_cpu_seconds(hubs) - cpu_before
    waited, preempted = (after - before for after, before in zip(
        hub_switches(hubs), switches_before, strict=True))
    crowd = time.process_time() - crowd_before
    redis_cpu = process_cpu_seconds(redis_pid) - redis_before if redis_pid else None
    count = len(latencies) or 1
    return {
        "clients": clients,
        "tickets": len(latencies),
        "tickets_per_s": round(len(latencies) / elapsed, 1),
        # What the hub processes spent: on a machine shared with other work the wall
        # rate depends on the CPU the hub was given; this one much less so.
        "hub_cpu_ms_per_ticket": round(cpu * 1000 / len(latencies), 3) if latencies else None,
        # Times per ticket a hub went idle waiting, and was preempted: a hub with a
        # core of its own is seldom preempted; one sharing its core, at every turn.
        "hub_waits_per_ticket": round(waited / count, 3),
        "hub_preempted_per_ticket": round(preempted / count, 3),
        "kiosks_cpu_ms_per_ticket": round(crowd * 1000 / count, 3),
        **({"redis_cpu_ms_per_ticket": round(redis_cpu * 1000 / count, 3)}
           if redis_cpu is not None else {}),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "errors": errors[:3],
    }


# ------------------------------------------------------------------ fan-out


# One round (a ticket issued, called, completed: three events for the hall) every
# ROUND_SECONDS: ten times a busy county hall's pace (a call every few seconds), so
# what is measured is the delay of each call, not a backlog the rounds build up when
# they come faster than the crowd's cores can take the frames (issue 13: at 0.15 s a
# round, even the bare floor's p99 was seconds at 1,000 clients).
ROUND_SECONDS = 0.5

CROWD_ENV = {"JIAOHAO_MAX_CONNECTIONS_PER_ADDRESS": "0"}
CROWD_PROCESSES = 4  # the crowd's processes at most (each reads its sockets with a selector)


def start_crowd(url: str, token: str, clients: int) -> list[subprocess.Popen[str]]:
    """Light clients (tools/bench_crowd.py) in several processes, all connected and
    subscribed to the hall when this returns."""
    count = max(1, min(CROWD_PROCESSES, clients // 100))
    sizes = [clients // count + (1 if i < clients % count else 0) for i in range(count)]
    crowd = [subprocess.Popen([sys.executable, "-m", "tools.bench_crowd", url, token, str(n)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for n in sizes]
    for process in crowd:
        assert process.stdout is not None
        ready = process.stdout.readline()
        if not ready.startswith("ready"):
            for other in crowd:
                other.kill()
            raise RuntimeError(f"crowd clients failed to connect: {ready!r}")
    return crowd


def finish_crowd(crowd: list[subprocess.Popen[str]], sent: dict[int, float], clients: int,
                 calls: int) -> dict[str, Any]:
    """Deliveries and latencies: `p50_ms`/`p99_ms` from the clerk's request to the
    call's bytes arriving at each client's socket (the kernel's timestamp: the hub's
    figure), `read_p99_ms` to the crowd's process reading them (the crowd's own
    delay added)."""
    received: dict[int, list[float]] = {}
    read: dict[int, list[float]] = {}
    closed = refused = 0
    for process in crowd:
        out, _ = process.communicate("done\n", timeout=120)
        found = json.loads(out.strip().splitlines()[-1])
        closed += found["closed"]
        refused += found.get("refused", 0)
        for seq, times in found["received"].items():
            received.setdefault(int(seq), []).extend(times)
        for seq, times in found.get("read", {}).items():
            read.setdefault(int(seq), []).extend(times)
    latencies: list[float] = []
    reading: list[float] = []
    for seq, at in sent.items():
        latencies.extend(t - at for t in received.get(seq, []))
        reading.extend(t - at for t in read.get(seq, []))
    expected = clients * len(sent)
    return {
        "clients": clients,
        "calls": calls,
        "deliveries": len(latencies),
        "delivered": round(len(latencies) / expected, 4) if expected else None,
        "sockets_closed": closed,
        "subscriptions_refused": refused,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "read_p99_ms": round(percentile(reading, 99) * 1000, 1),
    }


def bench_fanout(hub: HubProcess, display_token: str, clerk_token: str, clients: int,
                 calls: int, caller: HubProcess | None = None) -> dict[str, Any]:
    """Call → every display: `clients` light clients (several processes) listen on `hub`;
    the clerk calls through `caller` (another process, when scaled out) or `hub`."""
    caller = caller or hub
    crowd = start_crowd(hub.url, display_token, clients)
    rss_peak, rss_with_clients = settled_rss(hub.pid())
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {clerk_token}"
    kiosk = requests.Session()
    kiosk.headers["Authorization"] = f"Bearer {hub.tokens['bench-kiosk']}"
    sent: dict[int, float] = {}
    window = f"{caller.url}/api/v1/windows/4"
    cpu_before = hub_cpu_seconds([hub])
    for _ in range(calls):
        began = time.monotonic()
        kiosk.post(f"{caller.url}/api/v1/tickets", json={"service": "bench-z"}, timeout=30)
        time.sleep(0.05)
        before = time.time()
        answer = session.post(f"{window}/call-next", timeout=30).json()
        sent[answer["seq"]] = before
        session.post(f"{window}/complete", timeout=30)
        time.sleep(max(0.1, ROUND_SECONDS - (time.monotonic() - began)))
    time.sleep(2.0)  # the last call's deliveries
    cpu = hub_cpu_seconds([hub]) - cpu_before
    results = finish_crowd(crowd, sent, clients, calls)
    results["hub_rss_mb_with_clients"] = round(rss_with_clients, 1)
    results["hub_rss_mb_as_they_subscribed"] = round(rss_peak, 1)
    results["hub_cpu_s"] = round(cpu, 2)
    return results


class FloorProcess:
    """A bare Flask-SocketIO + SQLite server (tools/bench_floor.py), as a HubProcess
    stands for the hub in `bench_issue`."""

    def __init__(self, redis_url: str = "") -> None:
        from tools.process import free_port

        folder = Path(tempfile.mkdtemp(prefix="jiaohao-floor-"))
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = subprocess.Popen(
            [sys.executable, "-m", "tools.bench_floor", str(port), str(folder),
             *([redis_url] if redis_url else [])],
            stdout=subprocess.PIPE, text=True)
        assert self.server.stdout is not None
        self.server.stdout.readline()
        for _ in range(100):
            try:
                requests.post(f"{self.url}/tickets", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)

    def pid(self) -> int:
        return self.server.pid

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(10)


def floor_issue(clients: int, seconds: float) -> dict[str, Any]:
    """Tickets/s of `bench_issue` against the floor (an append and an emit per ticket)."""
    floor = FloorProcess()
    try:
        return bench_issue(floor, "-", clients, seconds)  # type: ignore[arg-type]
    finally:
        floor.stop()


def floor_fanout(clients: int, calls: int) -> dict[str, Any]:
    """The same measurement against a bare Flask-SocketIO + SQLite server (tools/bench_floor.py)."""
    floor = FloorProcess()
    server, url = floor.server, floor.url
    try:
        crowd = start_crowd(url, "-", clients)
        rss_peak, rss_with_clients = settled_rss(server.pid)
        session = requests.Session()
        sent: dict[int, float] = {}
        cpu_before = psutil.Process(server.pid).cpu_times()
        for _ in range(calls):
            began = time.monotonic()
            session.post(f"{url}/tickets", timeout=30)
            time.sleep(0.05)
            before = time.time()
            sent[session.post(f"{url}/call", timeout=30).json()["seq"]] = before
            session.post(f"{url}/complete", timeout=30)
            time.sleep(max(0.1, ROUND_SECONDS - (time.monotonic() - began)))
        time.sleep(2.0)
        after = psutil.Process(server.pid).cpu_times()
        results = finish_crowd(crowd, sent, clients, calls)
        results["server_rss_mb_with_clients"] = round(rss_with_clients, 1)
        results["server_rss_mb_as_they_subscribed"] = round(rss_peak, 1)
        results["server_cpu_s"] = round(after.user + after.system - cpu_before.user
                                        - cpu_before.system, 2)
        return results
    finally:
        floor.stop()


# ------------------------------------------------------------------ restart


def build_journal(path: Path, events: int) -> None:
    """A journal of `events` events made by the real rules (a long run of days)."""
    import itertools
    import tomllib
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from hub.center import Center
    from hub.domain import commands as cmd
    from hub.store.sqlite import SQLiteStore
    from tools.process import DEMO_CONFIG

    store = SQLiteStore(path)
    tz = ZoneInfo("Asia/Shanghai")
    now = [datetime(2026, 11, 26, 9, 0, tzinfo=tz)]
    ids = (f"t{i}" for i in itertools.count())
    batch: list[Any] = []

    center = Center("demo", store, lambda: now[0], lambda: next(ids), snapshot_every=10**9)
    config = tomllib.loads(Path(DEMO_CONFIG).read_text(encoding="utf-8"))
    center.configure(config, "bench", "file")
    # Appending one event per transaction would take minutes: decide and fold
    # through the rules in memory, and write the events in large transactions.
    appended = center.state.seq

    def flush() -> None:
        nonlocal appended
        if batch:
            store.append("demo", batch, appended)
            appended += len(batch)
            batch.clear()

    center.store = _Collector(batch)  # type: ignore[assignment]
    from hub.domain.calendar import next_working_day

    day = now[0].date()
    while center.state.seq < events:
        # One business day: clerks sign in, 100 rounds of issue/call/complete (well
        # under every daily cap), then on to the next working day's 09:00.
        now[0] = datetime.combine(day, now[0].timetz().replace(hour=9, minute=0, second=0))
        for window in (1, 2, 3, 4):
            center.execute(cmd.SignIn(window), f"clerk{window}")
        for _round in range(100):
            for service in SERVICES:
                center.execute(cmd.IssueTicket(service), "kiosk")
            for window in (1, 2, 3, 4):
                if center.execute(cmd.CallNext(window), f"clerk{window}"):
                    center.execute(cmd.Complete(window), f"clerk{window}")
            now[0] += timedelta(seconds=20)
            if center.state.seq >= events:
                break
        if len(batch) > 20000:
            flush()
        assert center.state.config is not None
        day = next_working_day(center.state.config.hours, day)
    flush()
    store.close()


class _Collector:
    """Stands in for the store while building a journal: collects appends in a batch."""

    def __init__(self, batch: list[Any]) -> None:
        self.batch = batch

    def append(self, center: str, events: Any, expected_seq: int) -> None:
        self.batch.extend(events)


def bench_restart(events: int, async_mode: str) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="jiaohao-restart-"))
    started = time.perf_counter()
    build_journal(folder / "journal.db", events)
    built = time.perf_counter() - started
    hub = HubProcess(async_mode, folder=str(folder))
    results: dict[str, Any] = {"events": events, "build_s": round(built, 1)}
    for label in ("first_start_s", "start_with_snapshot_s"):
        began = time.perf_counter()
        hub.start(timeout=600)
        results[label] = round(time.perf_counter() - began, 2)
        hub.stop()
        if label == "first_start_s":
            _snapshot(folder / "journal.db")
    return results


def _snapshot(path: Path) -> None:
    from hub.center import Center
    from hub.clock import new_id, real_clock
    from hub.store.sqlite import SQLiteStore

    store = SQLiteStore(path)
    Center("demo", store, real_clock, new_id).load().snapshot_now()
    store.close()


# ------------------------------------------------------------------ main


def run_mode(mode: str, parts: list[str], quick: bool, floor: bool = False,
             sizes: tuple[int, ...] = (100, 1000, 3000)) -> dict[str, Any]:
    results: dict[str, Any] = {}
    folder = Path(tempfile.mkdtemp(prefix="jiaohao-bench-"))
    # The crowd comes from one address (127.0.0.1): phones come from many, so the
    # per-address cap (300) is off here.
    with HubProcess(mode, folder=str(folder), config=bench_config(folder),
                    env=CROWD_ENV) as hub:
        hub.add_user("bench-clerk", "clerk")
        hub.add_device("bench-kiosk", "kiosk")
        hub.add_device("bench-hall", "display")
        hub.start()
        results["hub_rss_mb_idle"] = round(rss_mb(hub.pid()), 1)
        if "issue" in parts:
            results["issue"] = bench_issue(hub, hub.tokens["bench-kiosk"], 8,
                                           2.0 if quick else 10.0)
            if floor:
                results["floor_issue"] = floor_issue(8, 2.0 if quick else 10.0)
        if "fanout" in parts:
            clerk = hub.login("bench-clerk")
            requests.post(f"{hub.url}/api/v1/windows/4/sign-in", timeout=10,
                          headers={"Authorization": f"Bearer {clerk}"})
            for clients in ((20,) if quick else sizes):
                results[f"fanout_{clients}"] = bench_fanout(
                    hub, hub.tokens["bench-hall"], clerk, clients, 5 if quick else 30)
                if floor:
                    results[f"floor_fanout_{clients}"] = floor_fanout(clients,
                                                                      5 if quick else 30)
            # The announcer: from the clerk's call to the phrase starting to be synthesized.
            from display.latency import measure_call_to_speech

            results["call_to_speech"] = measure_call_to_speech(
                hub.url, hub.tokens["bench-hall"], clerk, 5 if quick else 30,
                kiosk_token=hub.tokens["bench-kiosk"], window=4)
    return results


def bench_scale(quick: bool) -> dict[str, Any]:
    """Tickets/s and call → display p99 with 1, 2 and 4 hub processes on one Redis."""
    from tools.process import RedisServer

    results: dict[str, Any] = {}
    for count in (1, 2, 4):
        folder = Path(tempfile.mkdtemp(prefix=f"jiaohao-scale{count}-"))
        server = RedisServer(folder).start()
        env = {"JIAOHAO_MESSAGE_QUEUE": server.url, **CROWD_ENV}
        config = bench_config(folder)
        hubs = [HubProcess("gevent", folder=str(folder / f"hub{i}"), config=config,
                           store=server.url, env=env) for i in range(count)]
        try:
            first = hubs[0]
            first.add_user("bench-clerk", "clerk")
            first.add_device("bench-kiosk", "kiosk")
            first.add_device("bench-hall", "display")
            for hub in hubs:
                hub.passwords, hub.tokens = first.passwords, first.tokens
                hub.start()
            issue = bench_issue(hubs, first.tokens["bench-kiosk"], 8, 2.0 if quick else 10.0)
            clerk = first.login("bench-clerk")
            requests.post(f"{first.url}/api/v1/windows/4/sign-in", timeout=10,
                          headers={"Authorization": f"Bearer {clerk}"})
            fanout = bench_fanout(hubs[-1], first.tokens["bench-hall"], clerk,
                                  20 if quick else 100, 5 if quick else 20, caller=first)
            results[f"processes_{count}"] = {"issue": issue, "fanout": fanout}
        finally:
            for hub in hubs:
                hub.stop()
            server.stop()
    one = results["processes_1"]["issue"]["tickets_per_s"]
    two = results["processes_2"]["issue"]["tickets_per_s"]
    results["scaling_1_to_2"] = round(two / one, 2) if one else None
    return results


PARTITION_ROUNDS = 5  # measurements of each deployment, alternated
PARTITION_IDLE = 2.0  # JIAOHAO_FOLLOW_IDLE_SECONDS in that bench


def bench_partition(quick: bool, floor: bool = False) -> dict[str, Any]:
    """Two centers on one Redis: 8 kiosks (4 per center) on 1 hub process, and on 2
    processes with each center on its own (as nginx `hash $arg_center` routes them).

    Both deployments run side by side (each on its own redis-server) and are measured
    in turn, 1, 2, 1, 2 …: on a machine whose other load changes from one second to
    the next, a single pair of runs gave ratios from 0.54 to 2.48. Reported: each
    deployment's median tickets/s and range, the ratio of the medians, and the ratio
    of each consecutive pair (its spread); how often the hubs were preempted per
    ticket; and the ceiling of the ratio on this machine (every core busy at the CPU
    per ticket the 2 processes, the kiosks and redis-server spent). With `floor`, the
    same for bare Flask-SocketIO servers journaling to the same Redis (tools/bench_floor.py,
    one XADD a ticket), measured in the same rounds: how far the stack alone scales
    from 1 to 2 processes on this machine."""
    from tools.process import RedisServer

    seconds = 2.0 if quick else 5.0
    rounds = 2 if quick else PARTITION_ROUNDS
    deployments: dict[int, tuple[Any, list[HubProcess], list[str]]] = {}
    floors: dict[int, list[FloorProcess]] = {}
    try:
        for count in (1, 2):
            folder = Path(tempfile.mkdtemp(prefix=f"jiaohao-partition{count}-"))
            server = RedisServer(folder).start()
            configs = [bench_config(folder, "demo"), bench_config(folder, "second")]
            # Each process stops following the center the other serves after
            # PARTITION_IDLE s (60 by default): the steady state of a deployment, reached
            # here in the warm-up round rather than after a minute.
            env = {"JIAOHAO_MESSAGE_QUEUE": server.url, "JIAOHAO_CENTERS": ",".join(configs),
                   "JIAOHAO_FOLLOW_IDLE_SECONDS": str(PARTITION_IDLE)}
            hubs = [HubProcess("gevent", folder=str(folder / f"hub{i}"), config=configs[0],
                               store=server.url, env=env) for i in range(count)]
            deployments[count] = (server, hubs, [])
            first = hubs[0]
            tokens = deployments[count][2]
            for index, config in enumerate(configs):
                first.config = config
                tokens.append(first.add_device(f"bench-kiosk-{index}", "kiosk"))
            for hub in hubs:
                hub.tokens = first.tokens
                hub.start()
        followed: dict[str, list[str]] = {}
        for count in (1, 2):  # warm-up, not counted: the partition settles
            server, hubs, tokens = deployments[count]
            bench_issue(hubs, tokens, 8, PARTITION_IDLE * 2)
            for index, hub in enumerate(hubs):
                centers = requests.get(f"{hub.url}/api/v1/health", timeout=10).json()["centers"]
                followed[f"{count}.{index + 1}"] = sorted(
                    center for center, check in centers.items() if check.get("followed"))
        for count in (1, 2) if floor else ():
            floors[count] = [FloorProcess(deployments[count][0].url) for _ in range(count)]
        runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
        floor_runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
        for _round in range(rounds):
            for count in (1, 2):
                server, hubs, tokens = deployments[count]
                # kiosk i: center i mod 2, process i mod count (with 2, center k on process k).
                runs[count].append(bench_issue(hubs, tokens, 8, seconds,
                                               redis_pid=server.pid()))
                if count in floors:
                    floor_runs[count].append(bench_issue(
                        floors[count], "-", 8, seconds,  # type: ignore[arg-type]
                        redis_pid=server.pid()))
    finally:
        for processes in floors.values():
            for process in processes:
                process.stop()
        for server, hubs, _tokens in deployments.values():
            for hub in hubs:
                hub.stop()
            server.stop()
    # Which centers each process followed after the warm-up ("2.1": the first of two).
    results: dict[str, Any] = {"followed_after_warm_up": followed, **scaling(runs)}
    if floor:
        results["floor"] = scaling(floor_runs)
    return results


def scaling(runs: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    """The partition bench's figures from the runs of its 1- and 2-process deployments."""
    results: dict[str, Any] = {}
    for count in (1, 2):
        rates = [run["tickets_per_s"] for run in runs[count]]
        cpu = [run["hub_cpu_ms_per_ticket"] for run in runs[count] if run["hub_cpu_ms_per_ticket"]]
        results[f"processes_{count}"] = {
            "tickets_per_s_median": percentile(rates, 50), "tickets_per_s_range": [
                min(rates), max(rates)],
            "hub_cpu_ms_per_ticket_median": percentile(cpu, 50),
            **{f"{part}_cpu_ms_per_ticket_median": percentile(
                [run[f"{part}_cpu_ms_per_ticket"] for run in runs[count]], 50)
               for part in ("kiosks", "redis")},
            **{f"hub_{what}_per_ticket_median": percentile(
                [run[f"hub_{what}_per_ticket"] for run in runs[count]], 50)
               for what in ("waits", "preempted")},
            "errors": [e for run in runs[count] for e in run["errors"]][:3]}
    one = results["processes_1"]["tickets_per_s_median"]
    two = results["processes_2"]["tickets_per_s_median"]
    results["scaling_1_to_2"] = round(two / one, 2) if one else None
    pairs = sorted(round(b["tickets_per_s"] / a["tickets_per_s"], 2)
                   for a, b in zip(runs[1], runs[2], strict=True) if a["tickets_per_s"])
    results["scaling_1_to_2_pairs"] = pairs
    one_cpu = results["processes_1"]["hub_cpu_ms_per_ticket_median"]
    two_cpu = results["processes_2"]["hub_cpu_ms_per_ticket_median"]
    # Tickets per CPU-second with the work split over 2 processes against 1: what 2
    # cores would give against 1 when each process has a core of its own.
    results["cpu_scaling_1_to_2"] = round(2 * one_cpu / two_cpu, 2) if two_cpu else None
    # What 2 processes could reach here at best: every core busy, each ticket costing
    # what it cost the 2 hubs, the kiosks and redis-server in those runs; against the
    # 1-process median.
    spent = two_cpu + sum(results["processes_2"][f"{part}_cpu_ms_per_ticket_median"]
                          for part in ("kiosks", "redis"))
    cores = psutil.cpu_count() or 1
    results["ceiling_1_to_2_on_this_machine"] = round(
        cores * 1000 / spent / one, 2) if two_cpu and one else None
    return results


def main(args: Any) -> int:
    parts = (args.only or "domain,issue,fanout,restart,partition,scale").split(",")
    modes = ["gevent", "eventlet"] if args.async_mode == "both" else [args.async_mode]
    results: dict[str, Any] = {"machine": {"cpus": psutil.cpu_count(),
                                           "python": sys.version.split()[0]}}
    if "domain" in parts:
        from tools import bench_domain  # type: ignore[attr-defined,unused-ignore]

        results["domain"] = bench_domain.run(2.0 if args.quick else 10.0)
        print("domain", json.dumps(results["domain"], ensure_ascii=False), flush=True)
    if "eta" in parts:
        from tools import bench_eta

        results["eta"] = bench_eta.run(args.quick)
        print(bench_eta.table(results["eta"]), flush=True)
    if "partition" in parts:
        results["partition"] = bench_partition(args.quick, getattr(args, "floor", False))
        print("partition", json.dumps(results["partition"], ensure_ascii=False), flush=True)
    if "scale" in parts:
        results["redis_scale"] = bench_scale(args.quick)
        print("redis_scale", json.dumps(results["redis_scale"], ensure_ascii=False), flush=True)
    for mode in modes:
        if not set(parts) & {"issue", "fanout", "restart"}:
            break
        sizes = tuple(int(n) for n in args.clients.split(",")) \
            if getattr(args, "clients", None) else (100, 1000, 3000)
        results[mode] = run_mode(mode, parts, args.quick, getattr(args, "floor", False), sizes)
        if "restart" in parts:
            results[mode]["restart"] = bench_restart(20_000 if args.quick else 1_000_000, mode)
        print(mode, json.dumps(results[mode], ensure_ascii=False), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0
