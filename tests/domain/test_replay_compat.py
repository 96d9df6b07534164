"""Policies are events: a bad rating's follow-up is `FollowUpOpened`, decided with the
rating, and a journal written before that event existed replays to the same state.

The fixture in tests/domain/journals/ was written by the rules of commit c9de448
(before `FollowUpOpened`) with make_journal_before_follow_up_opened.py: its bad
ratings have no FollowUpOpened after them, and their fold opens the follow-ups.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from hub.domain import events as ev
from hub.domain.codec import decode, encode
from hub.domain.fold import replay
from hub.domain.rating import TicketRated
from hub.domain.supervision import FollowUpOpened
from hub.store.snapshots import encode_state

JOURNALS = Path(__file__).parent / "journals"
NAME = "before_follow_up_opened"


def _old_journal() -> list[dict[str, Any]]:
    lines = (JOURNALS / f"{NAME}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _state_json(state: Any) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(encode_state(state))["state"]
    return found


def _generator() -> ModuleType:
    path = JOURNALS / f"make_journal_{NAME}.py"
    spec = importlib.util.spec_from_file_location("make_journal", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_old_journal_has_bad_ratings_without_follow_up_opened() -> None:
    records = _old_journal()
    rated = [r for r in records if r["type"] == "ticket_rated"]
    assert sorted(r["data"]["level"] for r in rated) == [1, 2, 4, 5]
    assert all("policies_decided" not in r["data"] for r in rated)
    assert not any(r["type"] == "follow_up_opened" for r in records)


def test_an_old_journal_replays_to_the_state_the_old_rules_folded() -> None:
    state = replay(decode(record) for record in _old_journal())
    expected = json.loads((JOURNALS / f"{NAME}.state.json").read_text(encoding="utf-8"))
    assert _state_json(state) == expected
    follow_ups = state.supervision.follow_ups
    assert sorted(f.level for f in follow_ups.values()) == [1, 2]
    assert {f.status for f in follow_ups.values()} == {"closed", "assigned"}


def test_an_old_journal_read_and_written_again_still_replays_the_same() -> None:
    """Stored again (a store copied, a journal exported), the old ratings keep saying
    their policy was not decided: the follow-ups are not lost on the second replay."""
    events = [decode(record) for record in _old_journal()]
    again = [decode(encode(event)) for event in events]
    assert [e for e in again if isinstance(e, TicketRated) and e.policies_decided] == []
    assert _state_json(replay(again)) == _state_json(replay(events))


def test_new_rules_decide_follow_up_opened_with_the_rating_and_fold_the_same_follow_ups() -> None:
    records, state = _generator().day()
    kinds = [r["type"] for r in records]
    for index, record in enumerate(records):
        if record["type"] == "ticket_rated":
            assert record["data"]["policies_decided"] is True
            bad = record["data"]["level"] <= 2
            assert (kinds[index + 1] == "follow_up_opened") == bad, kinds[index: index + 2]
    opened = [decode(r) for r in records if r["type"] == "follow_up_opened"]
    assert [type(e) for e in opened] == [FollowUpOpened, FollowUpOpened]
    # The same follow-ups, assigned, answered and closed the same, as the old rules folded.
    expected = json.loads((JOURNALS / f"{NAME}.state.json").read_text(encoding="utf-8"))
    assert _state_json(state)["supervision"] == expected["supervision"]
    # And the new journal replays to the state that decided it.
    assert _state_json(replay(decode(r) for r in records)) == _state_json(state)


def test_a_new_rating_on_the_wire_has_no_journal_bookkeeping() -> None:
    from hub.read.wire import TO_MANAGERS, payload

    records, _ = _generator().day()
    rated = next(decode(r) for r in records if r["type"] == "ticket_rated")
    assert isinstance(rated, ev.TicketRated)
    assert "policies_decided" not in payload(rated, TO_MANAGERS)["data"]


def test_a_snapshot_of_the_old_rules_reads_as_the_same_state() -> None:
    """The state's shape did not change (the snapshot VERSION stays): a snapshot the
    old rules wrote reads back into the state the new rules replay."""
    from hub.store.snapshots import FORMAT, VERSION, decode_state

    old = json.loads((JOURNALS / f"{NAME}.state.json").read_text(encoding="utf-8"))
    document = {"format": FORMAT, "version": VERSION, "state": old}
    state = decode_state(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    assert _state_json(state) == _state_json(replay(decode(r) for r in _old_journal()))
