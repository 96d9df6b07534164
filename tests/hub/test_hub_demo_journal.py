"""`HubProcess.prepare_demo` prepares the demo journal once per process and gives each hub
its own copy: same credentials, separate files, a change to one not seen in another."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tools import process


def events(journal: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(journal) as db:
        rows = db.execute("SELECT seq, type FROM events ORDER BY center, seq").fetchall()
    db.close()
    return [(seq, kind) for seq, kind in rows]


@pytest.mark.slow  # the CLI runs as a process
def test_each_demo_hub_gets_its_own_copy_of_one_prepared_journal(tmp_path: Path) -> None:
    first = process.HubProcess("gevent", folder=tmp_path / "first")
    second = process.HubProcess("gevent", folder=tmp_path / "second")
    made, copied = first.prepare_demo(), second.prepare_demo()
    assert made == copied and made["users"] and made["devices"] and made["appointments"]
    assert first.passwords == second.passwords and first.tokens == second.tokens
    assert first.passwords["director"] and first.tokens["kiosk-1"].startswith("dev.demo.")
    journal_a, journal_b = tmp_path / "first" / "journal.db", tmp_path / "second" / "journal.db"
    assert journal_a != journal_b and events(journal_a) == events(journal_b)
    assert len(events(journal_a)) > 20
    assert journal_a.stat().st_mode & 0o777 == 0o600  # private, as the hub makes it
    assert not (tmp_path / "first" / "journal.key").exists()  # the hub makes its own key

    first.add_user("extra", "clerk")  # an account changed in one journal only
    assert len(events(journal_a)) == len(events(journal_b)) + 1
    third = process.HubProcess("gevent", folder=tmp_path / "third")
    assert third.prepare_demo() == made and events(tmp_path / "third" / "journal.db") == \
        events(journal_b)

    # A journal that exists already is prepared in place, with passwords of its own.
    (tmp_path / "own").mkdir()
    with sqlite3.connect(tmp_path / "own" / "journal.db") as db:
        db.execute("CREATE TABLE other (x)")
    db.close()
    own = process.HubProcess("gevent", folder=tmp_path / "own").prepare_demo()
    assert own["users"]["director"] != made["users"]["director"]
    assert [kind for _seq, kind in events(tmp_path / "own" / "journal.db")] == \
        [kind for _seq, kind in events(journal_b)]
