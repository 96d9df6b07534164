"""The embedded journal: one SQLite file, WAL, synchronous=FULL.

Every append is one `BEGIN IMMEDIATE` transaction that checks the journal's
last seq before inserting, so an append that returned is on disk and a
crashed one left nothing behind. Each thread gets its own connection, and
SQLite's own write lock serialises writers, so the store needs no Python
lock (which a green-thread monkey patch would change under it).

The file is private to its owner (0600, whatever the umask): SQLite gives the
-wal and -shm files the database's permissions. A journal made group- or
world-readable by an older version is tightened when opened.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from hub.domain.events import Event
from hub.store.base import ConcurrencyError, EventStore, StoreError, check_batch, dumps, loads

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    center TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (center, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    center TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL
);
"""


class SQLiteStore(EventStore):
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            _private(self.path)
        self._local = threading.local()
        self._connect().executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA busy_timeout=30000")
            self._local.connection = connection
        return connection

    def append(self, center: str, events: Sequence[Event], expected_seq: int) -> None:
        check_batch(events, expected_seq)
        rows = [(center, e.seq, e.type, dumps(e)) for e in events]
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                (last,) = connection.execute(
                    "SELECT coalesce(max(seq), 0) FROM events WHERE center = ?", (center,)
                ).fetchone()
                if last != expected_seq:
                    raise ConcurrencyError(center, expected_seq, last)
                connection.executemany(
                    "INSERT INTO events (center, seq, type, body) VALUES (?, ?, ?, ?)", rows
                )
                connection.execute("COMMIT")
            except BaseException:
                # Also when COMMIT itself fails (disk full, I/O error): otherwise the
                # thread's connection stays inside the transaction, sees rows that
                # were never acknowledged, and can never begin another.
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise StoreError(f"cannot append to {self.path}: {error}") from error

    def load_page(self, center: str, since: int, limit: int) -> list[Event]:
        try:
            rows = self._connect().execute(
                "SELECT body FROM events WHERE center = ? AND seq > ? ORDER BY seq LIMIT ?",
                (center, since, limit),
            ).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"cannot read {self.path}: {error}") from error
        return [loads(body) for (body,) in rows]

    def last_seq(self, center: str) -> int:
        (last,) = self._connect().execute(
            "SELECT coalesce(max(seq), 0) FROM events WHERE center = ?", (center,)
        ).fetchone()
        return int(last)

    def centers(self) -> list[str]:
        rows = self._connect().execute("SELECT DISTINCT center FROM events ORDER BY center")
        return [center for (center,) in rows]

    def save_snapshot(self, center: str, seq: int, data: bytes) -> None:
        self._connect().execute(
            "INSERT INTO snapshots (center, seq, data) VALUES (?, ?, ?) "
            "ON CONFLICT (center) DO UPDATE SET seq = excluded.seq, data = excluded.data",
            (center, seq, data),
        )

    def load_snapshot(self, center: str) -> tuple[int, bytes] | None:
        row = self._connect().execute(
            "SELECT seq, data FROM snapshots WHERE center = ?", (center,)
        ).fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    def secret(self) -> bytes:
        connection = self._connect()
        connection.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('secret', ?)",
            (secrets.token_bytes(32),),
        )
        (value,) = connection.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
        return bytes(value)

    def legacy_secret(self) -> bytes | None:
        row = self._connect().execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
        return bytes(row[0]) if row else None

    def forget_secret(self) -> None:
        connection = self._connect()
        if self.legacy_secret() is None:
            return
        # secure_delete zeroes the freed bytes, and the checkpoint writes the page back
        # and empties the WAL: the key must not linger anywhere in the files.
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("DELETE FROM meta WHERE key = 'secret'")
        connection.execute("PRAGMA secure_delete=OFF")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close this thread's connection and let go of the others.

        Another thread's connection may be inside a query right now (a display's
        resync on a pool thread while the hub stops): closing it under that query
        crashes the process (SIGSEGV, seen), and a lock to wait for it would have
        to be taken in pool threads, where a monkey-patched lock hangs forever
        (seen: an eventlet hub that never exited). So each one closes when its last
        user lets go of it: the thread-local that held them goes here, a query in
        flight holds its own reference until it ends.
        """
        mine: sqlite3.Connection | None = getattr(self._local, "connection", None)
        self._local = threading.local()
        if mine is not None:
            mine.close()


def _private(path: str) -> None:
    """Create the journal 0600, or take group and other permissions off an existing one."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for name in (path, f"{path}-wal", f"{path}-shm"):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            mode = os.stat(name).st_mode
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
