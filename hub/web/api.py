"""REST under /api/v1: translate HTTP to commands and state to JSON. No rules here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from hub.center import Center
from hub.core import AuthError, Hub
from hub.domain import commands as cmd
from hub.domain import errors as domain_errors
from hub.domain.config import ConfigError
from hub.domain.errors import DomainError
from hub.domain.events import (
    Event,
)
from hub.read import views
from hub.read.wire import TO_MANAGERS, payload
from hub.store.auth import MANAGERS, STAFF, Principal
from hub.web import catalogue
from hub.web.schema import Input, ValidationError, first_error
from hub.web.validation import ApiError

api = Blueprint("api", __name__, url_prefix="/api/v1")

def hub() -> Hub:
    found: Hub = current_app.extensions["jiaohao"]
    return found


# ------------------------------------------------------------------ auth helpers


def principal() -> Principal | None:
    """The caller, from the bearer token; None when no token was sent."""
    if "principal" in g:
        found: Principal | None = g.principal
        return found
    header = request.headers.get("Authorization", "")
    found = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "invalid_token", "use Authorization: Bearer <token>")
        try:
            found = hub().authenticate(token.strip())
        except AuthError as error:
            raise ApiError(error.status, error.code, error.message) from None
    g.principal = found
    return found


def require(*roles: str) -> Principal:
    who = principal()
    if who is None:
        raise ApiError(401, "unauthenticated", "sign in first (Authorization: Bearer <token>)")
    if roles and who.role not in roles:
        raise ApiError(403, "forbidden", f"a {who.role} may not do this")
    return who


def center_for(who: Principal | None) -> Center:
    """The center a request is about: the caller's own, or named by ?center=."""
    named = request.args.get("center")
    if who is not None:
        if named and named != who.center:
            raise ApiError(403, "forbidden", "you belong to another center", "center")
        found = hub().center(who.center)
    else:
        found = hub().center(named)
        if found is None and named is None:
            raise ApiError(400, "center_required", "name the center: ?center=ID", "center")
    if found is None:
        raise ApiError(404, "unknown_center", f"no center {named!r}", "center")
    return found


# The HTTP status of each kind of domain error (hub/domain/errors.py): the one place.
_STATUS_OF_KIND = {
    domain_errors.NOT_FOUND: 404, domain_errors.CONFLICT: 409,
    domain_errors.FORBIDDEN: 403, domain_errors.INVALID: 422,
}


def http_status(error: DomainError) -> int:
    """The HTTP status REST answers a domain error with, by its kind."""
    return _STATUS_OF_KIND.get(error.kind, 409)


def execute(center: Center, command: cmd.Command, actor: str) -> list[Event]:
    try:
        return center.execute(command, actor)
    except DomainError as error:
        raise ApiError(http_status(error), error.code, error.message, error.field,
                       **{k: v for k, v in error.details.items() if isinstance(v, str | None)}
                       ) from None
    except ConfigError as error:
        raise ApiError(422, error.code, error.message, error.field) from None


def json_body() -> Any:
    """The parsed JSON of the request body; no body is {}."""
    raw = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH
    if not raw:
        return {}
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    try:
        return current_app.json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON or text; nested past the parser's depth
        raise ApiError(400, "malformed_json", "the body is not valid JSON") from None


def checked(model: type[Input]) -> Input:
    """The JSON object in the request body as `model`; else 400/422 naming the field."""
    data = json_body()
    if not isinstance(data, dict):  # JSON null, a list, a string…: no object, no fields
        raise ApiError(400, "invalid_body", "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problem = first_error(error)
        raise ApiError(422, problem.code, problem.message, problem.field) from None


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ routes


@api.get("/services")
def services() -> Any:
    center = center_for(principal())
    now = center.clock()
    return jsonify({"services": center.read(lambda s: views.services_view(s, now)),
                    "seq": center.state.seq})


def track_url(center: Center, ticket_id: str) -> str:
    return catalogue.track_url(hub(), center, ticket_id)


@api.get("/tickets/<ticket_id>")
def get_ticket(ticket_id: str) -> Any:
    center = center_for(principal())

    def read(state: Any) -> dict[str, Any] | None:
        ticket = state.tickets.get(ticket_id)
        now = center.clock()
        if ticket is None or not views.is_today(state, state.config, now):
            return None
        return views.public_ticket(state, state.config, ticket, now)

    found = center.read(read)
    if found is None:
        raise ApiError(404, "unknown_ticket", "no such ticket today", "ticket")
    return no_store(jsonify(found))


@api.get("/windows/<int:window>/queue")
def window_queue(window: int) -> Any:
    who = require(*STAFF)
    center = center_for(who)
    if center.state.config is None or center.state.config.window(window) is None:
        raise ApiError(404, "unknown_window", f"no window {window}", "window")
    now = center.clock()

    def read(state: Any) -> dict[str, Any]:
        today = views.is_today(state, state.config, now)
        waiting = views.waiting_list(state, state.config, window, now) if today else []
        return {"seq": state.seq, "waiting": waiting}

    return jsonify(center.read(read))


@api.get("/state")
def get_state() -> Any:
    who = require()
    center = center_for(who)
    now = center.clock()
    # Staff see ids and logins; a device (kiosk, screen, pad) sees the public picture.
    read = views.snapshot if who.kind == "user" and who.role in STAFF else views.public_snapshot
    return no_store(jsonify(center.read(lambda s: read(s, now))))


def _whole_query(name: str, default: str, low: int, high: int) -> int:
    """?name= as a whole number in low..high: ASCII digits only (not ² or ٣), and
    short, so int() never sees a 4,300-digit string; else 422 naming it."""
    raw = request.args.get(name, default)
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and low <= int(raw) <= high):
        raise ApiError(422, "invalid_field", f"{name} must be a whole number from {low} to "
                       f"{high}", name)
    return int(raw)


@api.get("/events")
def get_events() -> Any:
    who = require(*MANAGERS)
    center = center_for(who)
    since = _whole_query("since", "0", 0, 2**63 - 1)
    limit = _whole_query("limit", "1000", 1, 10000)
    page = hub().run(center.store.load_page, center.id, since, limit)
    return jsonify({"seq": center.state.seq,
                    "events": [payload(e, TO_MANAGERS) for e in page]})


@api.get("/health")
def health() -> Any:
    checks = {}
    ok = True
    resting = hub().resting()
    for center in hub().centers.values():
        try:
            seq = hub().run(center.store.last_seq, center.id)
            # Whether this process follows the center's journal (with several processes
            # on one Redis, not those another process serves: README, "Many centers").
            checks[center.id] = {"ok": True, "seq": seq, "followed": center.id not in resting}
        except Exception as error:  # noqa: BLE001 - health reports any failure
            ok = False
            checks[center.id] = {"ok": False, "error": str(error)}
    response = jsonify({"ok": ok, "centers": checks})
    response.status_code = 200 if ok else 503
    return no_store(response)


@api.get("/config")
def get_config() -> Any:
    who = require(*MANAGERS)
    center = center_for(who)
    config = center.state.config
    assert config is not None
    return jsonify({"seq": center.state.seq, "config": dict(config.raw)})


# ------------------------------------------------------------------ the catalogue's routes


def pick(rows: list[catalogue.Command], values: dict[str, Any]) -> catalogue.Command:
    """The row of a shared route that the path values select (404 naming the first
    value no row has)."""
    for name, _value in rows[0].select:
        matching = [row for row in rows if dict(row.select)[name] == values.get(name)]
        if not matching:
            raise ApiError(404, f"unknown_{name}",
                           f"no {rows[0].family or name} {values.get(name)!r}", name)
        rows = matching
    return rows[0]


def command_view(rows: list[catalogue.Command]) -> Callable[..., Any]:
    """The Flask view of one catalogue route: the row, who asks (401/403) and the body
    (400/422) in the row's order, the row's guard, the domain command, the answer."""
    def view(**values: Any) -> Any:
        row = pick(rows, values)
        call = catalogue.Call(hub(), principal, None, values, request.remote_addr or "?",
                              center_for, shared=current_app.extensions, citizen=row.citizen)
        if row.body_first:
            call.body = checked(row.body)
        if row.roles is not None:
            catalogue.allowed(row, call.who)
        if row.early is not None:
            row.early(call)
        if not row.body_first:
            call.body = checked(row.body)
        if row.guard is not None:
            row.guard(call)
        if row.handle is not None:
            answer = row.handle(call)
        else:
            assert row.build is not None and row.reply is not None
            events = execute(call.center, row.build(call), call.actor)
            answer = row.reply(call, events)
        response = no_store(jsonify(answer))
        response.status_code = row.status
        response.headers.update(call.headers)
        return response

    return view


def register_commands(blueprint: Blueprint) -> None:
    """Every catalogue route on `blueprint` (under /api/v1)."""
    for (method, rule), rows in catalogue.routes().items():
        name = rows[0].name if len(rows) == 1 else rows[0].name.split(".")[0]
        blueprint.add_url_rule(rule, endpoint=name.replace(".", "_").replace("-", "_"),
                               view_func=command_view(rows), methods=[method])


register_commands(api)
