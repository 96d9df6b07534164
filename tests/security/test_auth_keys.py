"""Finding 6: the journal is private (0600) and the signing key lives in its own 0600
file (or the environment), not in the journal; old journals migrate; the key rotates."""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from authkit import demo_hub

from hub.domain.state import Account
from hub.store.auth import LoginTokens
from tools.process import DEMO_CONFIG

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def meta_secret(journal: Path) -> bytes | None:
    with sqlite3.connect(journal) as db:
        row = db.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
    return bytes(row[0]) if row else None


def director_token(secret: bytes, version: int = 1) -> str:
    account = Account("director", "manager", "", version=version)
    return LoginTokens(secret, 12).issue("demo", account)


def state_status(url: str, token: str) -> int:
    return requests.get(f"{url}/api/v1/state", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).status_code


def jiaohao(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tools.cli", *args], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={k: v for k, v in (env or os.environ).items()})


def test_a_new_journal_and_its_key_file_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # an ordinary umask: the files must be private anyway
    try:
        hub = demo_hub(tmp_path)
    finally:
        os.umask(old)
    try:
        assert hub.login("director")
        journal = tmp_path / "journal.db"
        for name in ("journal.db", "journal.db-wal", "journal.db-shm"):
            if (tmp_path / name).exists():
                assert mode(tmp_path / name) == 0o600, (name, oct(mode(tmp_path / name)))
        assert (tmp_path / "journal.db-wal").exists()
        key = tmp_path / "journal.key"
        assert key.exists() and mode(key) == 0o600, oct(mode(key))
        assert meta_secret(journal) is None  # the journal holds no signing key
    finally:
        hub.stop()


def test_an_old_journal_keeps_its_tokens_and_loses_its_secret(tmp_path: Path) -> None:
    hub = demo_hub(tmp_path, prepare=False)
    hub.stop()
    hub.prepare_demo()
    journal = tmp_path / "journal.db"
    (tmp_path / "journal.key").unlink(missing_ok=True)
    legacy = secrets.token_bytes(32)
    with sqlite3.connect(journal) as db:  # a journal as today's hub leaves it
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('secret', ?)", (legacy,))
    os.chmod(journal, 0o644)
    old_token = director_token(legacy)
    hub.start()
    try:
        assert state_status(hub.url, old_token) == 200  # signed-in staff stay signed in
        assert meta_secret(journal) is None
        for name in ("journal.db", "journal.db-wal"):  # not even in a freed page
            if (tmp_path / name).exists():
                assert legacy not in (tmp_path / name).read_bytes(), name
        assert mode(journal) == 0o600
        assert mode(tmp_path / "journal.key") == 0o600
    finally:
        hub.stop()


def test_rotating_the_key_ends_logins_but_not_devices(tmp_path: Path) -> None:
    hub = demo_hub(tmp_path)
    try:
        login_token = hub.login("director")
        assert state_status(hub.url, login_token) == 200
        key = tmp_path / "journal.key"
        before = key.read_bytes()
        done = jiaohao("key", "rotate", "--store", hub.store, env=hub.env)
        assert done.returncode == 0, done.stderr
        assert key.read_bytes() != before and mode(key) == 0o600
        hub.stop()
        hub.start()
        assert state_status(hub.url, login_token) == 401  # sign in again
        assert hub.login("director")
        hall = requests.get(f"{hub.url}/api/v1/state", timeout=10,
                            headers={"Authorization": f"Bearer {hub.tokens['hall-1']}"})
        assert hall.status_code != 401  # device tokens are hashes in the journal
    finally:
        hub.stop()


def test_the_key_may_come_from_the_environment(tmp_path: Path) -> None:
    key = secrets.token_urlsafe(32)
    hub = demo_hub(tmp_path, env={"JIAOHAO_SECRET_KEY": key})
    try:
        assert state_status(hub.url, director_token(key.encode())) == 200
        assert not (tmp_path / "journal.key").exists()
        assert meta_secret(tmp_path / "journal.db") is None
    finally:
        hub.stop()


def test_the_hub_units_run_with_a_private_umask() -> None:
    for unit in ("jiaohao-hub.service", "jiaohao-hub@.service"):
        lines = (ROOT / "systemd" / unit).read_text().splitlines()
        assert "UMask=0077" in lines, unit


def test_key_rotate_refuses_when_the_key_is_in_the_environment(tmp_path: Path) -> None:
    env = {**os.environ, "JIAOHAO_SECRET_KEY": secrets.token_urlsafe(32)}
    done = jiaohao("key", "rotate", "--store", f"sqlite:///{tmp_path / 'j.db'}",
                   "--config", DEMO_CONFIG, env=env)
    assert done.returncode == 2 and "JIAOHAO_SECRET_KEY" in done.stderr, done.stderr
