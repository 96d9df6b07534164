"""hub/domain is plain Python: no web, socket, redis, sqlite or green-thread
library is imported, and nothing reads the clock or the environment."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import hub.domain

DOMAIN = Path(hub.domain.__file__).parent
FORBIDDEN_MODULES = (
    "flask", "flask_socketio", "socketio", "engineio", "redis", "sqlite3", "gevent", "eventlet",
)
# Dotted reads that mean "ask the clock or the environment".
FORBIDDEN_READS = {
    "datetime.now", "datetime.utcnow", "datetime.today", "date.today",
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.date.today",
    "time.time", "time.time_ns", "time.monotonic", "time.localtime", "time.gmtime",
    "os.environ", "os.getenv", "os.environb",
}
FORBIDDEN_FROM_IMPORTS = {
    ("os", "environ"), ("os", "getenv"), ("time", "time"), ("time", "time_ns"),
    ("time", "monotonic"), ("time", "localtime"),
}


def domain_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages([str(DOMAIN)], prefix="hub.domain.")
    )


@pytest.mark.slow
def test_importing_every_domain_module_loads_no_io_library() -> None:
    modules = domain_modules()
    assert "hub.domain.decide" in modules and "hub.domain.fold" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in {FORBIDDEN_MODULES!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def clock_and_environment_reads(source: str, filename: str = "<source>") -> list[str]:
    """Every read of the clock or the environment in `source`, as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted is not None and any(
                dotted == read or dotted.endswith("." + read) for read in FORBIDDEN_READS
            ):
                found.append(f"{node.lineno}: {dotted}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (node.module, alias.name) in FORBIDDEN_FROM_IMPORTS:
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
    return found


def test_domain_source_reads_neither_clock_nor_environment() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) >= 10
    offences = {
        str(path.relative_to(DOMAIN)): reads
        for path in files
        if (reads := clock_and_environment_reads(path.read_text("utf-8"), str(path)))
    }
    assert offences == {}


def test_the_source_scan_catches_what_it_looks_for() -> None:
    # The scan above passes only if it would have failed on an offence.
    source = (
        "import os, time\n"
        "from datetime import date, datetime\n"
        "from os import getenv\n"
        "def f(at=datetime.now()):\n"
        "    return date.today(), time.time(), os.environ['X'], datetime.utcnow()\n"
    )
    assert sorted(clock_and_environment_reads(source)) == [
        "3: from os import getenv",
        "4: datetime.now",
        "5: date.today",
        "5: datetime.utcnow",
        "5: os.environ",
        "5: time.time",
    ]
