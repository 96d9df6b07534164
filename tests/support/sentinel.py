"""A Redis master, two replicas and three sentinels on loopback (real binaries).

Two replicas, because a hub that acknowledges only replicated appends (WAIT 1)
needs one replica left after the other has been promoted to master.

`redis-server --sentinel` is the sentinel (the `redis-sentinel` command is the
same binary under another name). Timeouts are short so a failover takes a few
seconds: a master silent for 1 s is down, a failover may take 3 s.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import redis

from tests.support.kit import free_port, wait_until

SERVICE = "mymaster"


def _binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: run scripts/setup")
    return binary


def _wait(predicate: Any, timeout: float, what: str) -> None:
    wait_until(predicate, timeout, what, interval=0.1, ignore=(redis.RedisError,))


class SentinelGroup:
    """master + 2 replicas (AOF always) + 3 sentinels; `kill_master()` forces a failover."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ports = {"master": free_port(), "replica1": free_port(), "replica2": free_port()}
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)
        return f"redis+sentinel://{hosts}/0/{SERVICE}"

    def _server(self, name: str, *extra: str) -> None:
        folder = self.folder / name
        folder.mkdir(parents=True, exist_ok=True)
        self.processes[name] = subprocess.Popen(
            [_binary(), "--port", str(self.ports[name]), "--bind", "127.0.0.1",
             "--dir", str(folder), "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--loglevel", "warning", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self, discover: bool = True) -> SentinelGroup:
        """The servers and sentinels up, the replicas in sync; with `discover`, also
        `wait_discovered()` (a caller with other work meanwhile, such as starting
        hubs, which reach the master through any one sentinel, waits for it later).
        A start that fails stops what it started: servers left running would fail
        a later test of the same worker (ResourceWarning: subprocess still running)."""
        try:
            return self._start(discover)
        except BaseException:
            self.stop()
            raise

    def _alive(self, name: str) -> bool:
        process = self.processes[name]
        if process.poll() is not None:
            raise RuntimeError(f"redis-server {name} on port {self.ports[name]} exited "
                               f"with {process.returncode} (its port taken meanwhile?)")
        return True

    def _start(self, discover: bool) -> SentinelGroup:
        master = self.ports["master"]
        self._server("master")
        for name in ("replica1", "replica2"):
            self._server(name, "--replicaof", "127.0.0.1", str(master))
            replica = redis.Redis(port=self.ports[name])
            _wait(lambda r=replica, n=name: self._alive("master") and self._alive(n)
                  and r.info("replication").get("master_link_status") == "up",
                  30, "the replica to sync")
            replica.close()
        for index, port in enumerate(self.sentinel_ports):
            folder = self.folder / f"sentinel{index}"
            folder.mkdir(parents=True, exist_ok=True)
            config = folder / "sentinel.conf"  # sentinels rewrite their file: one each
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {folder}\n"
                f"sentinel monitor {SERVICE} 127.0.0.1 {master} 2\n"
                f"sentinel down-after-milliseconds {SERVICE} 1000\n"
                f"sentinel failover-timeout {SERVICE} 3000\n"
                f"sentinel parallel-syncs {SERVICE} 1\n", encoding="utf-8")
            self.processes[f"sentinel{index}"] = subprocess.Popen(
                [_binary(), str(config), "--sentinel", "--loglevel", "warning"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for port in self.sentinel_ports:  # each answers, naming the master it watches
            sentinel = redis.Redis(port=port, decode_responses=True)
            _wait(lambda s=sentinel: s.sentinel_master(SERVICE), 30, f"sentinel on {port}")
            sentinel.close()
        if discover:
            self.wait_discovered()
        return self

    def wait_discovered(self) -> None:
        """Until each sentinel knows both replicas and the other two sentinels (their
        hello messages come every 2 s), so that a failover can be agreed."""
        for port in self.sentinel_ports:  # each knows the replica and the other two
            sentinel = redis.Redis(port=port, decode_responses=True)
            _wait(lambda s=sentinel: int(s.sentinel_master(SERVICE)["num-slaves"]) == 2
                  and int(s.sentinel_master(SERVICE)["num-other-sentinels"]) == 2, 30,
                  f"sentinel on {port} to see the replica and the other sentinels")
            sentinel.close()

    def master_port(self) -> int:
        sentinel = redis.Redis(port=self.sentinel_ports[0], decode_responses=True)
        try:
            _host, port = sentinel.sentinel_get_master_addr_by_name(SERVICE)
            return int(port)
        finally:
            sentinel.close()

    def kill_master(self) -> None:
        """SIGKILL the master; returns once the sentinels name a replica instead and
        the other replica follows it."""
        old = self.master_port()
        name = next(n for n, port in self.ports.items() if port == old)
        self.processes[name].kill()
        self.processes[name].wait(10)
        _wait(lambda: self.master_port() != old, 30, "the sentinels to promote a replica")
        master = redis.Redis(port=self.master_port())
        _wait(lambda: int(master.info("replication").get("connected_slaves", 0)) >= 1, 30,
              "the other replica to follow the new master")
        master.close()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
