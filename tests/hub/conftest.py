"""Fixtures of the end-to-end tests: a real `jiaohao hub` process per test module and
async mode (gevent and eventlet), on a SQLite journal whose accounts the CLI made.

A module that needs another configuration or environment overrides `hub_options`.
After every test and when its hub stops, the hub's stderr must hold no traceback
and no ERROR line.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hubkit import HubProcess, Journal, copy_journal, prepare_journal

MODES = ("gevent", "eventlet")
# gevent is the default server; eventlet is supported. The modules whose behaviour
# depends on the async server (live fan-out and its order, start/stop and signals,
# kill -9 recovery, the background sender) run under both; the others (request
# validation, roles, throttles, issuing, booking) run under gevent only.
EVENTLET_TOO = frozenset({"test_hub_calls", "test_hub_lifecycle", "test_hub_crash",
                          "test_hub_outbox"})


@pytest.fixture(scope="session")
def journal_template(tmp_path_factory: pytest.TempPathFactory) -> Journal:
    """Accounts and devices made once with `jiaohao user add` / `device add`; every hub
    gets its own copy of this journal. Under pytest-xdist the workers share one
    template (the first to need it makes it, under a file lock; the others wait and
    read it): only copies of it are ever written to."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return prepare_journal(tmp_path_factory.mktemp("journal-template") / "template.db")
    folder = tmp_path_factory.getbasetemp().parent / "journal-template"  # the run's, shared
    folder.mkdir(exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        tokens = folder / "tokens.json"
        if not tokens.exists():
            for end in ("", "-wal", "-shm"):  # what a worker that failed here left
                (folder / f"template.db{end}").unlink(missing_ok=True)
            made = prepare_journal(folder / "template.db")
            tokens.write_text(json.dumps(made.tokens), encoding="utf-8")
        return Journal(folder / "template.db", json.loads(tokens.read_text(encoding="utf-8")))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The async modes a module's hub runs under (a module may fix its own `mode`)."""
    module = metafunc.module
    if "mode" not in metafunc.fixturenames or "mode" in vars(module):
        return
    name = module.__name__.rpartition(".")[2]
    modes = MODES if name in EVENTLET_TOO else MODES[:1]
    metafunc.parametrize("mode", modes, indirect=True, scope="module")


@pytest.fixture(scope="module")
def mode(request: pytest.FixtureRequest) -> str:
    found: str = request.param
    return found


@pytest.fixture(scope="module")
def hub_options() -> dict[str, Any]:
    """{"config": Path, "env": {JIAOHAO_...: value}} for this module's hub."""
    return {}


def start_hub(mode: str, options: dict[str, Any], template: Journal, folder: Path) -> HubProcess:
    path = folder / "journal.db"
    copy_journal(template.path, path)
    process = HubProcess(mode, folder, Journal(path, template.tokens), **options)
    process.start()
    return process


def check_log(process: HubProcess, since_mark: bool) -> None:
    problems = process.problems(since_mark)
    if problems:
        pytest.fail(f"the hub ({process.mode}) logged problems:\n" + "\n".join(problems[:40])
                    + f"\n--- full log: {process.log_path}", pytrace=False)


@pytest.fixture(scope="module")
def hub(mode: str, hub_options: dict[str, Any], journal_template: Journal,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    """A running hub of the demo center at 09:00 on a working day, in `mode`."""
    process = start_hub(mode, hub_options, journal_template, tmp_path_factory.mktemp(f"hub-{mode}"))
    try:
        yield process
    finally:
        if process.running:
            code = process.stop()
            assert code == 0, f"the hub exited with {code} on SIGTERM:\n{process.log()[-3000:]}"
    check_log(process, since_mark=False)


@pytest.fixture(autouse=True)
def _hub_log_stays_clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test after which the hub logged a traceback or an ERROR."""
    if "hub" not in request.fixturenames:
        yield
        return
    process: HubProcess = request.getfixturevalue("hub")
    process.mark_log()
    yield
    check_log(process, since_mark=True)
