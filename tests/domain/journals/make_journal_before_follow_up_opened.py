"""Write the journal fixture of tests/domain/test_replay_compat.py with the rules of
the day it stands for: run it on a checkout from before `FollowUpOpened` (commit
c9de448), e.g.

    git archive c9de448 hub | tar -x -C /tmp/old
    cd tests/domain/journals
    PYTHONPATH=/tmp/old ../../../.venv/bin/python make_journal_before_follow_up_opened.py

It writes the journal (one JSON record a line, as the stores keep them) and the state
those rules folded from it (a snapshot's JSON), for the new rules to replay.
"""

from __future__ import annotations

import json
import sys
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain import commands as cmd
from hub.domain import supervision as sv
from hub.domain.accounts import SaveUser
from hub.domain.codec import encode
from hub.domain.commands import Context
from hub.domain.decide import decide
from hub.domain.fold import apply
from hub.domain.state import CenterState
from hub.store.snapshots import encode_state

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NAME = "before_follow_up_opened"


def day() -> tuple[list[dict[str, Any]], CenterState]:
    """The day's journal records and the state folded from them, by these rules."""
    with (ROOT / "hub" / "centers" / "demo.toml").open("rb") as file:
        config = tomllib.load(file)
    now = datetime(2026, 9, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    count = 0
    state = CenterState()
    journal: list[dict[str, Any]] = []

    def run(command: Any, actor: str, minutes: float = 1) -> list[Any]:
        nonlocal now, count, state
        now += timedelta(minutes=minutes)

        def new_id() -> str:
            nonlocal count
            count += 1
            return f"id-{count:04d}"

        events = decide(state, command, Context(now=now, actor=actor, new_id=new_id))
        for event in events:
            apply(state, event)
            journal.append(encode(event))
        return events

    run(cmd.ChangeConfig(config=config, source="test"), "admin")
    run(SaveUser(username="leader", role="manager", display_name="组长",
                 password_hash="pbkdf2:fixture"), "admin")
    run(cmd.SignIn(window=4), "zhaolei")
    ratings = [(2, ("服务态度",), "等太久"), (5, (), ""), (1, ("服务效率", "服务水平"), ""),
               (4, (), "")]
    tickets = []
    for level, aspects, reason in ratings:
        issued = run(cmd.IssueTicket(service="household"), "kiosk-1")
        ticket = issued[-1].ticket
        run(cmd.CallNext(window=4), "zhaolei")
        run(cmd.Complete(window=4), "zhaolei", minutes=6)
        number = issued[-1].number
        if level == 1:  # through the window's pad, by number
            run(cmd.Rate(ticket=number, level=level, aspects=aspects, reason=reason,
                         channel="pad", window=4), "pad-4")
        else:
            run(cmd.Rate(ticket=ticket, level=level, aspects=aspects, reason=reason), "holder")
        tickets.append(ticket)
    first, _, third, _ = tickets
    run(sv.AssignFollowUp(follow_up=first, assignee="leader"), "admin")
    run(sv.AnswerFollowUp(follow_up=first, call_back="已致歉", rectification="增开窗口"), "leader")
    run(sv.CloseFollowUp(follow_up=first, note="办结"), "leader")
    run(sv.AssignFollowUp(follow_up=third, assignee="leader"), "admin")
    run(sv.RecordComplaint(channel="phone", text="态度不好", deadline_class="next_day",
                           window=4), "admin")
    complaint = journal[-1]["data"]["complaint"]
    run(sv.AssignComplaint(complaint=complaint, assignee="leader"), "admin")
    run(sv.AnswerComplaint(complaint=complaint, answer="已核实"), "leader")
    run(sv.CloseComplaint(complaint=complaint), "leader")
    return journal, state


def main() -> None:
    journal, state = day()
    (HERE / f"{NAME}.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in journal),
        encoding="utf-8")
    (HERE / f"{NAME}.state.json").write_text(
        json.dumps(json.loads(encode_state(state))["state"], ensure_ascii=False, indent=1,
                   sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(journal)} events, {len(state.supervision.follow_ups)} follow-ups",
          file=sys.stderr)


if __name__ == "__main__":
    main()
