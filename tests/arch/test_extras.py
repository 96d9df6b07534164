"""Each PC installs the extra of its role (`pip install .[kiosk]`, `scripts/setup
--role kiosk`): what a role's code imports must come with that extra, and the
hub's server libraries (Flask, Redis, gevent, openpyxl…) must not come with a
device's, nor pywebview with the hub's.

Read from the source (every import, function-level ones included) and from the
installed package metadata, so a new import without its requirement fails here
before an operator meets the ImportError on a kiosk.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata as metadata
import re
import subprocess
import sys
import textwrap

import pytest
from packaging.markers import Marker

from tests.arch.graph import ROOT, graph, modules, parse

ROLES = ("hub", "kiosk", "display", "caller")
# A role's own code: everything its packages import from the project.
ROOTS = {
    "hub": ("hub",),
    "kiosk": ("kiosk",),
    "display": ("display",),
    "caller": ("caller",),
}
# tools.cli is every role's entry point (`jiaohao kiosk …`), but it imports the
# server's modules only inside the server's commands: it is checked by running it.
ENTRY = "tools.cli"
# The devices' client library still lives in hub/ (client.agent); it is the devices' code.
NOT_THE_HUBS = {"client.agent"}
SERVER_ONLY = {"flask", "flask-socketio", "redis", "gevent", "eventlet", "openpyxl",
               "argon2-cffi", "chinese-calendar", "psutil"}
DEVICE_ONLY = {"pywebview", "python-escpos", "pyttsx3"}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _extras(requirement: str) -> list[str]:
    found = re.match(r"[^\[;]*\[([^\]]*)\]", requirement)
    return [e.strip() for e in found.group(1).split(",")] if found else []


def closure(role: str) -> set[str]:
    """Every distribution `pip install jiaohao[role]` brings, from installed metadata."""
    wanted: list[tuple[str, frozenset[str]]] = [("jiaohao", frozenset({role}))]
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    while wanted:
        dist, extras = wanted.pop()
        if (dist, extras) in seen:
            continue
        seen.add((dist, extras))
        names.add(dist)
        try:
            requirements = metadata.requires(dist) or []
        except metadata.PackageNotFoundError:
            continue
        for requirement in requirements:
            marker = requirement.partition(";")[2]
            extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
            if extra and extra.group(1) not in extras:
                continue
            if marker and not Marker(marker).evaluate({"extra": extra.group(1) if extra else ""}):
                continue  # e.g. a backport for older Pythons
            wanted.append((_name(requirement), frozenset(_extras(requirement))))
    return names


def _role_modules(role: str) -> set[str]:
    arrows = graph()
    skip = {ENTRY} | (NOT_THE_HUBS if role == "hub" else set())
    found = {m for m in modules() if m.split(".")[0] in ROOTS[role] and m not in skip}
    todo = list(found)
    while todo:
        for target in arrows.get(todo.pop(), ()):
            if target not in found and target not in skip:
                found.add(target)
                todo.append(target)
    return found


def third_party_imports(role: str) -> dict[str, set[str]]:
    """top-level third-party module -> the project modules of the role importing it."""
    own = {"hub", "kiosk", "display", "caller", "tests"}
    paths = modules()
    found: dict[str, set[str]] = {}
    for module in _role_modules(role):
        tree = parse(paths[module])
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in own:
                    found.setdefault(top, set()).add(module)
    return found


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    """Installed top-level modules -> distributions (it reads every installed
    distribution's file list: once per run, not once per imported module)."""
    return metadata.packages_distributions()


def _distributions(top: str) -> set[str]:
    return {d.lower().replace("_", "-") for d in _packages_distributions().get(top, [])}


@pytest.mark.parametrize("role", ROLES)
def test_what_a_role_imports_comes_with_its_extra(role: str) -> None:
    brought = closure(role)
    missing = {
        top: sorted(users) for top, users in third_party_imports(role).items()
        if not _distributions(top) & brought
    }
    assert not missing, f"imported by the {role} role but not in jiaohao[{role}]: {missing}"


@pytest.mark.parametrize("role", ("kiosk", "display", "caller"))
def test_a_device_pc_does_not_install_the_hub_servers_libraries(role: str) -> None:
    assert not closure(role) & SERVER_ONLY


def test_the_hub_server_does_not_install_device_libraries() -> None:
    assert not closure("hub") & DEVICE_ONLY


def test_the_closure_reads_the_real_metadata() -> None:
    """The checks above would pass on an empty closure: make sure it is not empty."""
    assert {"flask", "redis", "werkzeug"} <= closure("hub")  # werkzeug comes through flask
    assert {"python-escpos", "pywebview", "requests"} <= closure("kiosk")
    assert closure("all") >= closure("hub") | closure("kiosk") | closure("display")


BLOCKED = ("flask", "flask_socketio", "redis", "gevent", "eventlet", "openpyxl", "argon2",
           "chinese_calendar", "psutil")


@pytest.mark.slow
def test_device_programs_start_without_the_hub_servers_libraries() -> None:
    """Import every device module and the CLI's device commands with the server's
    libraries made unimportable, as on a kiosk PC that installed jiaohao[kiosk]."""
    device_modules = sorted(m for m in modules()
                            if m.split(".")[0] in ("kiosk", "display", "caller")
                            and not m.endswith("latency"))  # the bench's, run on a dev PC
    script = textwrap.dedent(f"""
        import importlib, sys
        BLOCKED = {BLOCKED!r}
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"{{name}} is not installed on a device PC")
        sys.meta_path.insert(0, Block())
        for name in {device_modules!r} + ["client.agent"]:
            importlib.import_module(name)
        from tools import cli
        for command in ("kiosk", "display", "caller"):
            try:
                cli.main([command, "--help"])
            except SystemExit as stop:
                assert stop.code == 0, (command, stop.code)
        print("ok", len(sys.modules))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1].startswith("ok")


def test_setup_installs_each_roles_extra() -> None:
    setup = (ROOT / "scripts" / "setup").read_text(encoding="utf-8")
    for role in ROLES:
        assert f"{role})" in setup, f"scripts/setup --role {role} is not handled"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "scripts/setup --role hub" in readme and "scripts/setup --role kiosk" in readme

