"""Who may call what: every route of the hub × every kind of caller, against a real hub.

One row per route (method and path as in the Flask url_map, written the OpenAPI
way). A route without a row, or a row without a route, fails the test, so a new
route needs its row here. The outcome class of each principal is one letter:

    A  allowed: not refused for its role (2xx, or a 4xx about the input or the
       state, e.g. 404 unknown ticket, 409, 422, 429, 403 not_signed_in)
    R  refused for its role: 401, or 403 forbidden / window_not_allowed
    F  another center's principal naming this center (?center=demo): refused or
       not found (401, 403, 404); not naming it, it acts on its own center and
       never sees this center's tickets (a demo ticket id is unknown to it)

Columns: anonymous, kiosk, display (hall screen), caller (device), pad (rating
pad), clerk, manager, admin of the demo center, then kiosk, clerk and manager of
the riverside center (tests/scale/riverside.toml) on the same hub. Riverside
principals ask twice, naming ?center=demo and not naming it; neither may change
the demo center's journal.

Ratings come from the ticket's holder (by its id, no token) or from the pad bound
to the serving window (by number); check-in needs the appointment code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from hub.settings import load_settings
from hub.web.app import create_app
from tools.process import DEMO_CONFIG, HubProcess

pytestmark = pytest.mark.slow

RIVERSIDE = str(Path(__file__).resolve().parents[1] / "scale" / "riverside.toml")
PRINCIPALS = ("anonymous", "kiosk", "display", "caller", "pad", "clerk", "manager", "admin",
              "r-kiosk", "r-clerk", "r-manager")
FOREIGN = ("r-kiosk", "r-clerk", "r-manager")
DAY_AFTER = "2026-11-27"  # the hub's clock stands on 2026-11-26 (tools.process.DEMO_CLOCK)
APPOINTMENT = {"service": "household", "day": DAY_AFTER, "slot": "10:00",
               "phone": "13800138000"}

# (method, path, body, outcomes in PRINCIPALS order, path values besides the scene's)
#                                                           anon kiosk disp caller pad
#                                                           clerk mgr admin | r-kiosk r-clerk r-mgr
Row = tuple[str, str, dict[str, Any] | None, str, dict[str, str]]
MATRIX: list[Row] = [
    # public and by design the same for everyone (no center's private data)
    ("GET", "/", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/assets/{name}", None, "A A A A A  A A A  A A A", {"name": "js/jiaohao.js"}),
    ("GET", "/kiosk", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/display/hall", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/display/window/{window}", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/pad/window/{window}", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/caller", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/manage", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/t/{ticket_id}", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/c", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/book", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/api/v1/openapi.json", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/api/v1/health", None, "A A A A A  A A A  A A A", {}),
    ("GET", "/api/v1/clock", None, "A A A A A  A A A  A A A", {}),
    ("POST", "/api/v1/auth/token", {"username": "{clerk}", "password": "{password}"},
     "A A A A A  A A A  A A A", {}),
    # public facts of a center: anyone of it, or anonymous naming it
    ("GET", "/api/v1/services", None, "A A A A A  A A A  F F F", {}),
    ("GET", "/api/v1/kiosk", None, "A A A A A  A A A  F F F", {}),
    ("GET", "/api/v1/tickets/{ticket_id}", None, "A A A A A  A A A  F F F", {}),
    ("GET", "/api/v1/tickets/{ticket_id}/qr.svg", None, "A A A A A  A A A  F F F", {}),
    # the citizen's look-up of a case (办件) by number and phone: the demo opened this one
    ("POST", "/api/v1/cases/lookup", {"number": "C2026-000001", "phone": "13800138011"},
     "A A A A A  A A A  F F F", {}),
    # a call's spoken announcement (number and window only), for screens without the agent
    ("GET", "/api/v1/calls/{seq}/audio.wav", None, "A A A A A  A A A  F F F", {"seq": "1"}),
    # issuing and booking: kiosks, staff, phones (anonymous); no screens or pads
    ("POST", "/api/v1/tickets", {"service": "household"}, "A A R R R  A A A  F F F", {}),
    ("POST", "/api/v1/appointments", APPOINTMENT, "R A R R R  A A A  F F F", {}),
    ("POST", "/api/v1/appointments/{code}/cancel", None, "R A R R R  A A A  F F F", {}),
    # booking on the phone: public, like a phone's ticket (the code texted to the phone,
    # or the appointment code with its phone, is the permission)
    ("GET", "/api/v1/book/services", None, "A A A A A  A A A  F F F", {}),
    ("GET", "/api/v1/book/slots", None, "A A A A A  A A A  F F F", {}),
    ("POST", "/api/v1/book/code", {"phone": "13800138000"}, "A A A A A  A A A  F F F", {}),
    ("POST", "/api/v1/book", {**APPOINTMENT, "otp": "123456"}, "A A A A A  A A A  F F F", {}),
    ("POST", "/api/v1/book/lookup", {"code": "{code}", "phone": "13800138000"},
     "A A A A A  A A A  F F F", {}),
    ("POST", "/api/v1/book/reschedule",
     {"code": "{code}", "phone": "13800138000", "day": DAY_AFTER, "slot": "11:00"},
     "A A A A A  A A A  F F F", {}),
    ("POST", "/api/v1/book/cancel", {"code": "{code}", "phone": "13800138000"},
     "A A A A A  A A A  F F F", {}),
    # check-in by ID number: at a kiosk only
    ("POST", "/api/v1/checkin/id", {"id_number": "11010519491231002X"},
     "R A R R R  R R R  F F F", {}),
    # rating: the ticket's holder by its id, with no token (a token of any role is
    # refused: a clerk must not rate their own service) ...
    ("POST", "/api/v1/tickets/{ticket_id}/rating", {"level": 5},
     "A R R R R  R R R  F F F", {}),
    # ... or the pad bound to the window that served it, by the ticket's number
    ("POST", "/api/v1/windows/{window}/rating", {"number": "C001", "level": 5},
     "R R R R A  R R R  F F F", {}),
    # a one-time check-in code, sent by SMS: asked for at a kiosk only
    ("POST", "/api/v1/checkin/code", {"phone": "13800138000"}, "R A R R R  R R R  F F F", {}),
    # any device or user of the center
    ("GET", "/api/v1/state", None, "R A A A A  A A A  F F F", {}),
    # devices report their own health (a riverside kiosk reports to riverside)
    ("POST", "/api/v1/devices/health", {"message": "ok"}, "R A A A A  R R R  A F F", {}),
    # staff at windows
    ("POST", "/api/v1/windows/{window}/{action}", None, "R R R R R  A A A  F F F",
     {"action": "recall"}),
    ("GET", "/api/v1/windows/{window}/queue", None, "R R R R R  A A A  F F F", {}),
    ("GET", "/api/v1/me", None, "R R R R R  A A A  F F F", {}),
    ("GET", "/api/v1/me/window", None, "R R R R R  A A A  F F F", {}),
    ("GET", "/api/v1/me/today", None, "R R R R R  A A A  F F F", {}),
    ("GET", "/api/v1/me/transfers", None, "R R R R R  A A A  F F F", {}),
    # cases (办件) and 一次性告知: staff (moving a case: its holder or a manager, by the rules)
    ("GET", "/api/v1/cases", None, "R R R R R  A A A  F F F", {}),
    ("POST", "/api/v1/cases", {"kind": "immediate", "service": "household"},
     "R R R R R  A A A  F F F", {}),
    ("GET", "/api/v1/cases/{case}", None, "R R R R R  A A A  F F F", {"case": "C2026-000005"}),
    ("POST", "/api/v1/cases/{case}/{action}", {"stage": "review"}, "R R R R R  A A A  F F F",
     {"case": "C2026-000005", "action": "advance"}),
    ("POST", "/api/v1/materials-notices", {"ticket": "Z999", "other": "矩阵测试"},
     "R R R R R  A A A  F F F", {}),
    # managers and admins
    ("GET", "/api/v1/events", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/config", None, "R R R R R  R A A  F F F", {}),
    ("PUT", "/api/v1/config", {"config": {}}, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/devices", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/notifications", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/overview", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/alerts", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/reports", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/reports/export", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/complaints", None, "R R R R R  R A A  F F F", {}),
    ("POST", "/api/v1/manage/complaints",
     {"channel": "phone", "text": "矩阵测试", "deadline_class": "on_spot"},
     "R R R R R  R A A  F F F", {}),
    ("POST", "/api/v1/manage/{kind}/{item}/{action}", {"assignee": "director"},
     "R R R R R  R A A  F F F", {"kind": "complaints", "item": "no-such", "action": "assign"}),
    ("GET", "/api/v1/manage/follow-ups", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/call-backs", None, "R R R R R  R A A  F F F", {}),
    ("POST", "/api/v1/manage/call-backs", {"size": 1}, "R R R R R  R A A  F F F", {}),
    ("POST", "/api/v1/manage/call-backs/{sample}/record",
     {"ticket": "no-such", "outcome": "satisfied"}, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/audit", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/appointments", None, "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/appointments/export", None, "R R R R R  R A A  F F F", {}),
    ("POST", "/api/v1/manage/appointments/blocks/{block}/lift", {"reason": "矩阵测试"},
     "R R R R R  R A A  F F F", {"block": "no-such"}),
    ("GET", "/api/v1/manage/users", None, "R R R R R  R A A  F F F", {}),
    ("POST", "/api/v1/manage/users", {"username": "matrix-clerk", "role": "clerk"},
     "R R R R R  R A A  F F F", {}),
    ("GET", "/api/v1/manage/devices", None, "R R R R R  R A A  F F F", {}),
    ("POST", "/api/v1/manage/devices", {"name": "matrix-screen", "role": "display"},
     "R R R R R  R A A  F F F", {}),
    ("POST", "/api/v1/manage/devices/{name}/revoke", None, "R R R R R  R A A  F F F",
     {"name": "no-such-device"}),
]
QUERIES = {"/api/v1/manage/audit": {"ticket": "{ticket_id}"},
           "/api/v1/book/slots": {"service": "household"}}
REFUSING_CODES = {"forbidden", "window_not_allowed"}


def outcome_class(response: requests.Response) -> str:
    """A, R or the status: how a principal was answered."""
    if response.status_code == 401:
        return "R"
    if response.status_code == 403:
        code = response.json().get("error") if response.content else None
        return "R" if code in REFUSING_CODES else "A"
    if response.status_code >= 500:
        return str(response.status_code)
    return "A"


def flask_routes() -> set[tuple[str, str]]:
    """Every (method, path) the hub serves, from its url_map (paths the OpenAPI way)."""
    settings = load_settings(None, environ={}, store="memory://", async_mode="threading",
                             centers=(DEMO_CONFIG,))
    app, _socketio, hub = create_app(settings)
    found = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)>", r"{\1}",
                      rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            found.add((method, path))
    hub.store.close()
    return found


@dataclass
class Matrix:
    hub: HubProcess
    tokens: dict[str, str | None]
    scene: dict[str, str]


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    """A hub of two centers: the demo (its staff, devices and a caller device) and
    riverside (a kiosk, a clerk, a manager); one of today's demo tickets."""
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("matrix-hub")),
                     env={"JIAOHAO_CENTERS": f"{DEMO_CONFIG},{RIVERSIDE}"})
    credentials = hub.prepare_demo()
    hub.add_device("caller-1", "caller")
    hub.config = RIVERSIDE
    hub.add_device("kiosk-riverside", "kiosk")
    hub.add_user("clerk-riverside", "clerk")
    hub.add_user("boss-riverside", "manager")
    hub.config = DEMO_CONFIG
    hub.start()
    try:
        clerk = next(n for n, (role, _pw) in credentials["users"].items() if role == "clerk")
        tokens: dict[str, str | None] = {
            "anonymous": None, "kiosk": hub.tokens["kiosk-1"], "display": hub.tokens["hall-1"],
            "caller": hub.tokens["caller-1"], "pad": hub.tokens["pad-1"],
            "clerk": hub.login(clerk), "manager": hub.login("director"),
            "admin": hub.login("admin"), "r-kiosk": hub.tokens["kiosk-riverside"],
            "r-clerk": hub.login("clerk-riverside"), "r-manager": hub.login("boss-riverside"),
        }
        issued = requests.post(f"{hub.url}/api/v1/tickets", json={"service": "household"},
                               headers=bearer(tokens["kiosk"]), timeout=10)
        assert issued.status_code == 201, issued.text
        scene = {"ticket_id": issued.json()["id"], "window": "1", "code": "000000",
                 "sample": "no-such", "clerk": clerk, "password": hub.passwords[clerk]}
        yield Matrix(hub, tokens, scene)
    finally:
        hub.stop()
    assert "Traceback" not in hub.log(), hub.log()


def fill(template: Any, values: dict[str, str]) -> Any:
    if isinstance(template, str):
        return re.sub(r"{(\w+)}", lambda m: values.get(m.group(1), m.group(0)), template)
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    return template


def ask(matrix: Matrix, row: Row, who: str, name_center: bool) -> requests.Response:
    method, path, body, _outcomes, values = row
    url = matrix.hub.url + fill(path, {**matrix.scene, **values})
    query = fill(QUERIES.get(path, {}), matrix.scene)
    if name_center:
        query["center"] = "demo"
    return requests.request(method, url, params=query, json=fill(body, matrix.scene),
                            headers=bearer(matrix.tokens[who]), timeout=20)


def demo_seq(matrix: Matrix) -> int:
    answer = requests.get(f"{matrix.hub.url}/api/v1/state",
                          headers=bearer(matrix.tokens["manager"]), timeout=10)
    seq: int = answer.json()["seq"]
    return seq


def test_every_route_has_one_row_and_every_row_a_route() -> None:
    rows = [(method, path) for method, path, *_ in MATRIX]
    assert len(rows) == len(set(rows)), "a route has two rows"
    served = flask_routes()
    assert sorted(served - set(rows)) == [], "routes without a row in MATRIX"
    assert sorted(set(rows) - served) == [], "rows for routes that do not exist"
    for row in MATRIX:
        assert len(row[3].split()) == len(PRINCIPALS), row


def test_each_principal_gets_the_outcome_its_row_states(matrix: Matrix) -> None:
    wrong = []
    for row in MATRIX:
        method, path, _body, outcomes, _values = row
        for who, expected in zip(PRINCIPALS, outcomes.split(), strict=True):
            if who in FOREIGN:
                continue  # the next test
            answer = ask(matrix, row, who, name_center=who == "anonymous")
            got = outcome_class(answer)
            if got != expected:
                wrong.append(f"{method} {path} as {who}: expected {expected}, got "
                             f"{answer.status_code} {answer.text[:160]}")
    assert not wrong, "\n".join(wrong)


def test_another_centers_principals_never_read_or_change_this_center(matrix: Matrix) -> None:
    before = demo_seq(matrix)
    demo_ticket = matrix.scene["ticket_id"]
    wrong = []
    for row in MATRIX:
        method, path, _body, outcomes, _values = row
        for who, expected in zip(PRINCIPALS, outcomes.split(), strict=True):
            if who not in FOREIGN:
                continue
            for name_center in (True, False):
                answer = ask(matrix, row, who, name_center)
                status = answer.status_code
                where = f"{method} {path} as {who} (center=demo named: {name_center})"
                if status >= 500:
                    wrong.append(f"{where}: {status} {answer.text[:160]}")
                elif name_center and expected == "F" and status not in (401, 403, 404):
                    wrong.append(f"{where}: {status} {answer.text[:160]}")
                elif expected == "A" and outcome_class(answer) == "R":
                    wrong.append(f"{where}: {status} {answer.text[:160]}")
                # Not naming the center, it acts on its own (riverside): never on ours.
                if path.startswith("/api/") and demo_ticket in answer.text:
                    wrong.append(f"{where}: the demo ticket is in the answer")
    assert not wrong, "\n".join(wrong)
    assert demo_seq(matrix) == before, "another center's principal changed the demo journal"
