"""Schema-driven fuzzing of /api/v1 (Schemathesis) against a real hub process.

For anonymous callers and kiosk, clerk and manager tokens, every operation of the
hub's own /api/v1/openapi.json gets generated requests, valid and invalid
(Hypothesis under Schemathesis); every answer must be no server error, carry a
documented status code and content type, and match its documented schema.

A few examples per operation and principal keep the run short for CI; run
`pytest tests/security/test_fuzz_api.py --deep` (or JIAOHAO_FUZZ_DEEP=1) for a
long run, or set JIAOHAO_FUZZ_EXAMPLES=N. The hub is this module's own: the
fuzz may add users, devices and complaints, so no other test shares it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (  # type: ignore[attr-defined]  # registered checks
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import Failure, FailureGroup

from tools.process import HubProcess

pytestmark = pytest.mark.slow

# No 5xx; status, media type and body as documented; and data the document calls
# invalid is refused (so the request schemas are no looser than the routes).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
# Examples per operation, principal and mode (valid data, then invalid data).
QUICK, DEEP = 6, 200
PRINCIPALS = ("anonymous", "kiosk", "clerk", "manager")


def examples_per_operation(config: pytest.Config) -> int:
    """QUICK; DEEP with --deep or JIAOHAO_FUZZ_DEEP=1; JIAOHAO_FUZZ_EXAMPLES=N sets N."""
    if os.environ.get("JIAOHAO_FUZZ_EXAMPLES"):
        return int(os.environ["JIAOHAO_FUZZ_EXAMPLES"])
    if config.getoption("--deep", False) or os.environ.get("JIAOHAO_FUZZ_DEEP") == "1":
        return DEEP
    return QUICK


@dataclass
class Fuzzed:
    hub: HubProcess
    tokens: dict[str, str | None]
    schema: Any
    ran: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """The demo center on its own hub: tickets waiting, the clerk at a window."""
    hub = HubProcess("gevent", folder=str(tmp_path_factory.mktemp("fuzz-hub")))
    credentials = hub.prepare_demo()
    hub.start()
    try:
        clerk = next(name for name, (role, _pw) in credentials["users"].items()
                     if role == "clerk")
        tokens: dict[str, str | None] = {
            "anonymous": None, "kiosk": hub.tokens["kiosk-1"],
            "clerk": hub.login(clerk), "manager": hub.login("director"),
        }
        # A hall at work: tickets waiting, the clerk signed in at a window of theirs.
        for service in ("household", "household", "social-security"):
            requests.post(f"{hub.url}/api/v1/tickets", json={"service": service}, timeout=10,
                          headers={"Authorization": f"Bearer {tokens['kiosk']}"}
                          ).raise_for_status()
        me = requests.get(f"{hub.url}/api/v1/me", timeout=10,
                          headers={"Authorization": f"Bearer {tokens['clerk']}"}).json()
        window = next(w["id"] for w in me["windows"] if w["allowed"])
        requests.post(f"{hub.url}/api/v1/windows/{window}/sign-in", timeout=10,
                      headers={"Authorization": f"Bearer {tokens['clerk']}"}
                      ).raise_for_status()
        schema = schemathesis.openapi.from_url(f"{hub.url}/api/v1/openapi.json")
        yield Fuzzed(hub, tokens, schema)
    finally:
        hub.stop()


def run_operation(fuzzed: Fuzzed, operation: Any, who: str, mode: GenerationMode,
                  examples: int, failures: list[str]) -> None:
    token = fuzzed.tokens[who]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    label = f"{operation.method.upper()} {operation.path}"
    session = requests.Session()

    @settings(max_examples=examples, deadline=None, database=None, derandomize=examples <= QUICK,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def probe(case: Any) -> None:
        fuzzed.ran[label] = fuzzed.ran.get(label, 0) + 1
        try:
            case.call_and_validate(session=session, headers=headers, checks=CHECKS,
                                   timeout=20)
        except (Failure, FailureGroup) as failure:  # the checks that failed, with a curl line
            failures.append(f"{label} [{mode.value}] as {who}: {str(failure)[:1500]}")

    try:
        probe()
    except Unsatisfiable:  # nothing in this operation can be made invalid (a free string)
        assert mode is GenerationMode.NEGATIVE, label


@pytest.mark.timeout(3600)  # a --deep run is long; the quick one takes well under a minute
@pytest.mark.parametrize("who", PRINCIPALS)
def test_fuzz_finds_no_server_error_and_no_schema_mismatch(
    fuzzed: Fuzzed, who: str, request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    examples = examples_per_operation(request.config)
    failures: list[str] = []
    started, before = time.monotonic(), sum(fuzzed.ran.values())
    operations = [result.ok() for result in fuzzed.schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:
        if operation.path == "/api/v1/auth/token" and who != "anonymous":
            continue  # signing in is anonymous; repeated names only slow down (throttle)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(fuzzed, operation, who, mode, examples, failures)
    ran = sum(fuzzed.ran.values()) - before
    with capsys.disabled():
        print(f"\nfuzz {who}: {ran} requests over {len(operations)} operations in "
              f"{time.monotonic() - started:.1f} s, {len(failures)} failures")
    assert ran > len(operations)
    assert not failures, "\n\n".join(failures[:20])
    assert "Traceback" not in fuzzed.hub.log(), fuzzed.hub.log()


def test_the_document_schemathesis_reads_is_the_served_one(fuzzed: Fuzzed) -> None:
    served = requests.get(f"{fuzzed.hub.url}/api/v1/openapi.json", timeout=10).json()
    assert json.dumps(served, sort_keys=True) == json.dumps(fuzzed.schema.raw_schema,
                                                            sort_keys=True)
