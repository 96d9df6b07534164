"""Issue 11 "Trust on the public side": one test per finding, in process.

Each was written first and seen failing against the code before the fix
(see the commit message)."""

from __future__ import annotations

from typing import Any

from tests.security.kit import Kit, heard, strings, subscribe

KIOSK = ("demo", "kiosk-1")


def token(k: Kit, name: str) -> str:
    return k.tokens[("demo", name)]


def served_at(k: Kit, window: int, clerk: str, service: str = "social-security"
              ) -> dict[str, Any]:
    """A ticket issued, called to `window` by its number and completed there."""
    ticket = k.issue(service, token(k, "kiosk-1"))
    k.window(token(k, clerk), window, "call", ticket=ticket["number"])
    k.window(token(k, clerk), window, "complete")
    return ticket


def on_duty(k: Kit) -> int:
    """Clerks at windows 1 and 2; the seq from which a replay holds today's events."""
    k.window(token(k, "wangli"), 1, "sign-in")
    k.window(token(k, "liqiang"), 2, "sign-in")
    return seq(k)


def seq(k: Kit) -> int:
    return k.hub.centers["demo"].state.seq


# ------------------------------------------------------------------ finding 1: forged ratings


def test_a_phone_never_learns_another_tickets_id(k: Kit) -> None:
    on_duty(k)
    mine = k.issue("social-security", token(k, "kiosk-1"))
    other = k.issue("social-security", token(k, "kiosk-1"))
    k.window(token(k, "wangli"), 1, "call", ticket=other["number"])  # on screens, in recent calls
    phone = k.live()
    ack = subscribe(phone, [f"ticket:{mine['id']}"])
    assert "snapshot" in ack and mine["id"] in strings(ack)  # its own id, for its own page
    assert other["id"] not in strings(ack)
    # What happens to the other ticket next, live and replayed from seq 0.
    k.window(token(k, "wangli"), 1, "recall")
    k.window(token(k, "wangli"), 1, "start")
    k.window(token(k, "wangli"), 1, "complete")
    k.window(token(k, "wangli"), 1, "call", ticket=mine["number"])
    live = heard(phone)
    assert live and other["id"] not in strings(live)
    assert any(e["data"].get("id") == mine["id"] for e in live)
    replay = subscribe(k.live(), [f"ticket:{mine['id']}"], since=ack["seq"] - 1)
    assert replay["events"] and other["id"] not in strings(replay)


def test_a_hall_display_hears_no_ticket_id(k: Kit) -> None:
    start = on_duty(k)
    hall, window = k.live(token(k, "hall-1")), k.live(token(k, "window-1"))
    subscribe(hall, ["hall"])
    subscribe(window, ["window:1"])
    ids = []
    for _ in range(2):
        ticket = served_at(k, 1, "wangli")
        ids.append(ticket["id"])
    waiting = k.issue("social-security", token(k, "kiosk-1"))
    k.window(token(k, "wangli"), 1, "call", ticket=waiting["number"])
    ids.append(waiting["id"])
    feeds = {
        "hall events": heard(hall), "window events": heard(window),
        "hall snapshot": subscribe(k.live(token(k, "hall-1")), ["hall"]),
        "window snapshot": subscribe(k.live(token(k, "window-1")), ["window:1"]),
        "hall replay": subscribe(k.live(token(k, "hall-1")), ["hall"], since=start),
        "window replay": subscribe(k.live(token(k, "window-1")), ["window:1"], since=start),
        "/state of a display": k.ok("GET", "/api/v1/state", token(k, "hall-1")),
    }
    assert "events" in feeds["hall replay"] and "events" in feeds["window replay"]
    for name, feed in feeds.items():
        found = strings(feed)
        assert waiting["number"] in found, name  # the number is what they show
        assert not any(ticket_id in found for ticket_id in ids), name


def test_rating_another_citizens_ticket_is_refused(k: Kit) -> None:
    on_duty(k)
    victim = served_at(k, 1, "wangli")
    # Everything a public screen and a phone hear, mined for anything id-like.
    attacker = k.issue("social-security", token(k, "kiosk-1"))
    phone = k.live()
    candidates = strings(subscribe(phone, [f"ticket:{attacker['id']}"], since=2))
    candidates |= strings(subscribe(k.live(token(k, "hall-1")), ["hall"]))
    candidates |= strings(k.ok("GET", "/api/v1/state", token(k, "hall-1")))
    rated = []
    for candidate in sorted(candidates - {attacker["id"]}):
        if len(candidate) >= 8:
            answer = k.call("POST", f"/api/v1/tickets/{candidate}/rating?center=demo",
                            json={"level": 1, "aspects": ["服务态度"]})
            if answer.status_code == 200:
                rated.append(candidate)
    assert rated == []
    # Staff may not rate (a clerk rating their own service defeats the audit) …
    for who in ("wangli", "director"):
        answer = k.call("POST", f"/api/v1/tickets/{victim['id']}/rating", token(k, who),
                        json={"level": 5})
        assert answer.status_code == 403, answer.get_json()
    # … nor a pad by the ticket's id: the victim keeps their one rating.
    answer = k.call("POST", f"/api/v1/tickets/{victim['id']}/rating", token(k, "pad-1"),
                    json={"level": 1})
    assert answer.status_code == 403
    own = k.call("POST", f"/api/v1/tickets/{victim['id']}/rating?center=demo",
                 json={"level": 5})
    assert own.status_code == 200, own.get_json()


def test_a_pad_rates_only_what_its_window_completed(k: Kit) -> None:
    on_duty(k)
    at_one = served_at(k, 1, "wangli")
    # The pad of window 2 names window 1 or a ticket window 1 served: refused.
    answer = k.call("POST", "/api/v1/windows/1/rating", token(k, "pad-2"),
                    json={"number": at_one["number"], "level": 1})
    assert (answer.status_code, answer.get_json()["error"]) == (403, "window_not_allowed")
    answer = k.call("POST", "/api/v1/windows/2/rating", token(k, "pad-2"),
                    json={"number": at_one["number"], "level": 1})
    assert (answer.status_code, answer.get_json()["error"]) == (403, "not_rated_here")
    # A clerk's token is no pad.
    answer = k.call("POST", "/api/v1/windows/1/rating", token(k, "wangli"),
                    json={"number": at_one["number"], "level": 5})
    assert answer.status_code == 403
    # The pad of window 1 rates it, by its number.
    rated = k.ok("POST", "/api/v1/windows/1/rating", token(k, "pad-1"),
                 json={"number": at_one["number"], "level": 2, "aspects": ["服务效率"]})
    assert (rated["number"], rated["window"], rated["level"]) == (at_one["number"], 1, 2)
    journal = k.ok("GET", "/api/v1/events", token(k, "director"))["events"]
    ratings = [e for e in journal if e["type"] == "ticket_rated"]
    assert [(e["data"]["number"], e["data"]["window"], e["actor"]) for e in ratings] == [
        (at_one["number"], 1, "pad-1")]


def test_rating_twice_is_refused(k: Kit) -> None:
    on_duty(k)
    ticket = served_at(k, 1, "wangli")
    k.ok("POST", f"/api/v1/tickets/{ticket['id']}/rating?center=demo", json={"level": 4})
    again = k.call("POST", f"/api/v1/tickets/{ticket['id']}/rating?center=demo",
                   json={"level": 1})
    assert (again.status_code, again.get_json()["error"]) == (409, "already_rated")
    pad = k.call("POST", "/api/v1/windows/1/rating", token(k, "pad-1"),
                 json={"number": ticket["number"], "level": 1})
    assert (pad.status_code, pad.get_json()["error"]) == (409, "already_rated")


# ------------------------------------------------------------------ finding 2: phone check-in


def test_check_in_by_phone_alone_is_refused_and_reveals_nothing(k: Kit) -> None:
    day = k.clock().date().isoformat()
    kiosk = k.device("kiosk-book", "kiosk")  # booked at a kiosk (phones book on /book)
    booked = k.ok("POST", "/api/v1/appointments?center=demo", kiosk, json={
        "service": "real-estate", "day": day, "slot": "10:00", "phone": "13800138001"})
    others = k.ok("POST", "/api/v1/appointments?center=demo", kiosk, json={
        "service": "household", "day": day, "slot": "10:00", "phone": "13900139002"})
    alone = k.call("POST", "/api/v1/tickets?center=demo",
                   json={"phone": "13800138001", "channel": "mobile"})
    assert alone.status_code == 422, alone.get_json()
    assert alone.get_json()["field"] == "appointment"
    nobody = k.call("POST", "/api/v1/tickets?center=demo",
                    json={"phone": "13700000000", "channel": "mobile"})
    assert nobody.get_json() == alone.get_json()  # a booked number answers like any other
    # Another's code with this number, and a code that does not exist: one answer.
    mismatch = k.call("POST", "/api/v1/tickets?center=demo", json={
        "phone": "13800138001", "appointment": others["code"], "channel": "mobile"})
    unknown = k.call("POST", "/api/v1/tickets?center=demo", json={
        "phone": "13800138001", "appointment": "999999", "channel": "mobile"})
    assert mismatch.status_code == unknown.status_code == 404
    assert mismatch.get_json() == unknown.get_json()
    for answer in (alone, nobody, mismatch, unknown):
        text = answer.get_data(as_text=True)
        assert "real-estate" not in text and "household" not in text and "D" + "0" not in text
    # Nothing was used up: the holder checks in with code and phone.
    ticket = k.ok("POST", "/api/v1/tickets?center=demo", remote="10.0.0.2", json={
        "phone": "13800138001", "appointment": booked["code"], "channel": "mobile"})
    assert ticket["service"] == "real-estate" and ticket["appointment"] is True


# ------------------------------------------------------------------ finding 3: clerk logins


def test_clerk_logins_stay_off_public_feeds(k: Kit) -> None:
    hall, window = k.live(token(k, "hall-1")), k.live(token(k, "window-1"))
    subscribe(hall, ["hall"])
    subscribe(window, ["window:1"])
    mine = k.issue("social-security", token(k, "kiosk-1"))
    start = seq(k)
    phone = k.live()
    subscribe(phone, [f"ticket:{mine['id']}"])
    k.window(token(k, "wangli"), 1, "sign-in")
    k.window(token(k, "wangli"), 1, "call", ticket=mine["number"])
    k.window(token(k, "wangli"), 1, "complete")
    k.ok("POST", f"/api/v1/tickets/{mine['id']}/rating?center=demo", json={"level": 5})
    feeds = {
        "hall": heard(hall), "window": heard(window), "phone": heard(phone),
        "hall snapshot": subscribe(k.live(token(k, "hall-1")), ["hall"]),
        "window snapshot": subscribe(k.live(token(k, "window-1")), ["window:1"]),
        "phone snapshot": subscribe(k.live(), [f"ticket:{mine['id']}"]),
        "hall replay": subscribe(k.live(token(k, "hall-1")), ["hall"], since=start),
        "phone replay": subscribe(k.live(), [f"ticket:{mine['id']}"], since=start),
        "/state of a display": k.ok("GET", "/api/v1/state", token(k, "hall-1")),
    }
    for name, feed in feeds.items():
        assert feed, name
        assert "wangli" not in strings(feed), name
    # The published name (政务公开) is what they show.
    assert "王丽" in strings(feeds["hall"]) and "王丽" in strings(feeds["hall snapshot"])


# ------------------------------------------------------------------ finding 8: /live edges


def test_subscribe_without_an_argument_gets_an_error(k: Kit) -> None:
    ack = subscribe(k.live(token(k, "hall-1")), None, raw=True)
    assert isinstance(ack, dict) and ack.get("error") == "invalid_body", ack


def test_a_room_with_a_trailing_newline_is_refused(k: Kit) -> None:
    for room in ("hall\n", "window:1\n", "manager\n"):
        ack = subscribe(k.live(token(k, "director")), [room])
        assert (ack.get("error"), ack.get("field")) == ("invalid_field", "rooms"), room


def test_free_text_pause_reasons_stay_off_public_screens(k: Kit) -> None:
    k.window(token(k, "wangli"), 1, "sign-in")
    start = seq(k)
    hall, window, manager = (k.live(token(k, "hall-1")), k.live(token(k, "window-1")),
                             k.live(token(k, "director")))
    subscribe(hall, ["hall"])
    subscribe(window, ["window:1"])
    subscribe(manager, ["manager"])
    private = "去医院看孩子"
    k.window(token(k, "wangli"), 1, "pause", reason=private)
    public_feeds = [heard(hall), heard(window),
                    subscribe(k.live(token(k, "hall-1")), ["hall"]),
                    subscribe(k.live(token(k, "window-1")), ["window:1"]),
                    subscribe(k.live(token(k, "hall-1")), ["hall"], since=start),
                    k.ok("GET", "/api/v1/state", token(k, "hall-1"))]
    for feed in public_feeds:
        assert private not in strings(feed)
    paused = [e for e in public_feeds[0] if e["type"] == "window_paused"]
    assert paused and paused[0]["data"]["window"] == 1
    assert private in strings(heard(manager))  # managers keep what was typed
    k.window(token(k, "wangli"), 1, "open")
    k.window(token(k, "wangli"), 1, "pause", reason="午休")  # a configured reason is shown
    assert [e["data"]["reason"] for e in heard(hall) if e["type"] == "window_paused"] == ["午休"]
    assert [e["data"]["reason"] for e in heard(window)
            if e["type"] == "window_paused"] == ["午休"]
