"""Many kiosks issuing at once: every ticket gets a unique, gapless number per service."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from hubkit import HubProcess, busy_config

pytestmark = pytest.mark.slow

KIOSKS = 8
TICKETS = 2000
SERVICES = {"social-security": "A", "medical-insurance": "B", "household": "C",
            "real-estate": "D", "business-license": "E", "civil-affairs": "F"}
CAP = 999  # the most a service may issue a day (numbers have three digits)


@pytest.fixture(scope="module")
def hub_options(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The hub starts with a file other than the one its journal was configured
    with, so this also shows that a changed file is applied at start."""
    return {"config": busy_config(tmp_path_factory.mktemp("config"), CAP)}


def test_the_changed_configuration_file_is_applied_at_start(hub: HubProcess) -> None:
    services = hub.api().ok("GET", "/services")["services"]
    assert {s["id"] for s in services} >= set(SERVICES)
    assert all(s["open"] for s in services), services
    config = hub.manager().ok("GET", "/config")["config"]
    assert {s["daily_cap"] for s in config["services"]} == {CAP}


def test_concurrent_kiosks_get_unique_gapless_numbers(hub: HubProcess) -> None:
    start_seq = hub.seq()
    plan = [list(SERVICES)[i % len(SERVICES)] for i in range(TICKETS)]
    answers: list[dict[str, Any]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def kiosk(number: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {hub.device(f'kiosk-{number + 1}')}"}
        mine = plan[number::KIOSKS]
        for service in mine:
            response = session.post(hub.base_url + "/api/v1/tickets", json={"service": service},
                                    headers=headers, timeout=60)
            with lock:
                if response.status_code == 201:
                    answers.append(response.json())
                else:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    with ThreadPoolExecutor(KIOSKS) as pool:
        list(pool.map(kiosk, range(KIOSKS)))

    assert not failures, failures[:5]
    assert len(answers) == TICKETS
    by_service: dict[str, list[str]] = defaultdict(list)
    for answer in answers:
        assert set(answer) >= {"id", "number", "service", "status", "ahead", "eta_minutes",
                               "issued_at", "seq", "track_url"}, answer
        assert answer["status"] == "waiting"
        assert answer["track_url"].endswith(f"/t/{answer['id']}")
        by_service[answer["service"]].append(answer["number"])
    for service, prefix in SERVICES.items():
        numbers = by_service[service]
        count = plan.count(service)
        assert sorted(numbers) == [f"{prefix}{n:03d}" for n in range(1, count + 1)], service
    assert len({a["id"] for a in answers}) == TICKETS
    issued_seqs = sorted(a["seq"] for a in answers)
    assert len(set(issued_seqs)) == TICKETS
    # Only issuing happened, so the journal moved by exactly one event per ticket
    # (plus the day's first event if the day started with this test).
    journal = hub.events(start_seq)
    issued = [e for e in journal if e["type"] == "ticket_issued"]
    assert [e["seq"] for e in issued] == issued_seqs
    assert [e["seq"] for e in journal] == list(range(start_seq + 1, start_seq + len(journal) + 1))
    assert {e["type"] for e in journal} <= {"ticket_issued", "day_started"}

    # What the kiosks were told is what the hall sees: waiting counts per service.
    waiting = {s["id"]: s["waiting"] for s in hub.api().ok("GET", "/services")["services"]}
    for service in SERVICES:
        assert waiting[service] == plan.count(service)
