"""What only the SQLite journal has: a file that outlives the process, its
pragmas, and recovery from a failed transaction."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from journalkit import batch

from hub.store import open_store
from hub.store.base import StoreError
from hub.store.sqlite import SQLiteStore

CENTER = "demo"


def test_journal_and_snapshot_outlive_the_store(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    store = SQLiteStore(path)
    events = batch(1, 12)
    store.append(CENTER, events, 0)
    store.save_snapshot(CENTER, 10, b"snap")
    secret = store.secret()
    store.close()
    reopened = SQLiteStore(path)
    assert list(reopened.load(CENTER)) == events
    assert reopened.load_snapshot(CENTER) == (10, b"snap")
    assert reopened.secret() == secret
    reopened.close()


def test_journal_is_durable_wal_with_full_sync(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "journal.db")
    connection = store._connect()
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    store.close()


def test_open_store_by_url(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/nested/journal.db")
    assert isinstance(store, SQLiteStore) and (tmp_path / "nested" / "journal.db").exists()
    store.close()
    with pytest.raises(ValueError):
        open_store("sqlite://")
    with pytest.raises(ValueError):
        open_store("postgres://localhost/jiaohao")


def test_each_thread_reads_what_another_committed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "journal.db")
    store.append(CENTER, batch(1, 3), 0)
    seen: list[int] = []
    reader = threading.Thread(target=lambda: seen.append(store.last_seq(CENTER)))
    reader.start()
    reader.join()
    assert seen == [3]
    store.close()


class FailingCommit:
    """A connection whose next COMMIT fails, as when the disk fills up."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.fail_next_commit = True

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT" and self.fail_next_commit:
            self.fail_next_commit = False
            raise sqlite3.OperationalError("database or disk is full")
        return self.connection.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)


def test_failed_commit_writes_nothing_and_the_store_keeps_working(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "journal.db")
    store.append(CENTER, batch(1, 2), 0)
    store._local.connection = FailingCommit(store._connect())
    with pytest.raises(StoreError):
        store.append(CENTER, batch(3, 2, actor="lost"), 2)
    assert store.last_seq(CENTER) == 2
    store.append(CENTER, batch(3, 1, actor="next"), 2)  # the same thread appends again
    assert [(e.seq, e.actor) for e in store.load(CENTER)][-1] == (3, "next")
    store.close()


GREEN_CLOSE_RACE = r"""
import sys
from hub.runtime import patch, runtime_for
patch(sys.argv[1])
from hub.store.sqlite import SQLiteStore
from journalkit import batch

mode, path = sys.argv[1], sys.argv[2]
runtime = runtime_for(mode)
if mode == "gevent":
    import gevent as green
    spawn, joinall = green.spawn, green.joinall
else:
    import eventlet as green
    from eventlet.greenpool import GreenPool
    pool = GreenPool()
    spawn, joinall = pool.spawn, lambda _: pool.waitall()
SQLiteStore(path).append("demo", batch(1, 3), 0)
for _ in range(60):
    store = SQLiteStore(path)
    def read():
        try:
            runtime.run_blocking(lambda: list(store.load("demo")))
        except Exception:
            pass  # a read racing the close may fail; it must not hang
    readers = [spawn(read) for _ in range(4)]
    green.sleep(0)
    store.close()
    joinall(readers)
print("done")
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["gevent", "eventlet"])
def test_closing_while_pool_threads_open_connections_never_hangs(
        tmp_path: Path, mode: str) -> None:
    """The hub stops (closing the store) while real pool threads, reading for a
    display's resync, open their first connections. A monkey-patched lock taken in
    such a thread can never be woken, and the process then hung at exit joining the
    thread (seen under eventlet: a hub that "ignored" SIGTERM)."""
    here = Path(__file__).parent
    script = tmp_path / "race.py"
    script.write_text(GREEN_CLOSE_RACE)
    env = {**os.environ, "PYTHONPATH": f"{here}:{here.parents[1]}"}
    done = subprocess.run([sys.executable, str(script), mode, str(tmp_path / "j.db")],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0 and done.stdout.strip() == "done", done.stderr[-3000:]
