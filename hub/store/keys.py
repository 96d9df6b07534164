"""The deployment's signing key (it signs staff login tokens), kept out of the journal.

Where it comes from, first match wins:

1. `secret_key` (`JIAOHAO_SECRET_KEY` in the environment, e.g. from a 0600
   EnvironmentFile): at least 32 characters, used as it is.
2. `key_file`, or by default the journal's path with `.key` (journal.db →
   journal.key): 64 hex digits, created 0600 on first start.
3. A Redis store without either keeps its key in Redis, as before (a warning
   says so): every hub process on that Redis must sign with the same key, so
   give them all the same key file or the same JIAOHAO_SECRET_KEY instead.

A journal from before keeps its tokens: its `secret` moves into the key file
on first start and is then removed from the journal (from Redis likewise).
`jiaohao key rotate` writes a new key file; after the hub restarts, every
login token is void (staff sign in again), while device tokens — hashes in the
journal — keep working.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

from hub.settings import Settings
from hub.store.base import EventStore

log = logging.getLogger(__name__)

MIN_SECRET_CHARS = 32


class KeyFileError(ValueError):
    """The key cannot be read or written; the message says where and why."""


def key_path(settings: Settings) -> Path | None:
    """The key file the settings name, or the default beside a SQLite journal."""
    if settings.key_file:
        return Path(settings.key_file)
    url = settings.store
    if urlparse(url).scheme == "sqlite" and url.startswith("sqlite:///"):
        journal = Path(url[len("sqlite:///"):])
        return journal.with_name(journal.name.rsplit(".", 1)[0] + ".key") \
            if "." in journal.name else journal.with_name(journal.name + ".key")
    return None


def signing_key(settings: Settings, store: EventStore) -> bytes:
    """The key to sign login tokens with (see the module's docstring)."""
    if settings.secret_key:
        if len(settings.secret_key) < MIN_SECRET_CHARS:
            raise KeyFileError(f"JIAOHAO_SECRET_KEY must have at least {MIN_SECRET_CHARS} "
                            "characters")
        store.forget_secret()  # an old key in the journal only helps whoever reads it
        return settings.secret_key.encode()
    path = key_path(settings)
    if path is None:
        if urlparse(settings.store).scheme != "memory":
            log.warning("the signing key is kept in the journal's Redis; set key_file "
                        "(the same file for every hub process) or JIAOHAO_SECRET_KEY")
        return store.secret()
    if not path.exists():
        legacy = store.legacy_secret()
        write_key(path, legacy or secrets.token_bytes(32), replace=False)
        if legacy:
            log.info("moved the signing key out of the journal into %s", path)
    key = read_key(path)
    store.forget_secret()
    return key


def read_key(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise KeyFileError(f"cannot read the key file {path}: {error}") from None
    if len(key) < 16:
        raise KeyFileError(f"the key file {path} holds too short a key")
    mode = path.stat().st_mode & 0o077
    if mode:
        log.warning("the key file %s may be read by others; chmod 600 it", path)
    return key


def write_key(path: Path, key: bytes, *, replace: bool) -> None:
    """Write `key` to `path` as hex, 0600, atomically. Without `replace`, a file
    another process wrote first wins (several hub processes may start at once)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(key.hex() + "\n")
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
    except OSError as error:
        raise KeyFileError(f"cannot write the key file {path}: {error}") from None
    finally:
        temporary.unlink(missing_ok=True)


def rotate(settings: Settings) -> Path:
    """Write a new key to the key file; the hub reads it when it restarts."""
    if settings.secret_key:
        raise KeyFileError("the key comes from JIAOHAO_SECRET_KEY: change it there, then "
                        "restart every hub process")
    path = key_path(settings)
    if path is None:
        raise KeyFileError("set key_file (JIAOHAO_KEY_FILE) to keep the key in a file")
    write_key(path, secrets.token_bytes(32), replace=True)
    return path
