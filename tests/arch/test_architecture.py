"""The import rules of docs/architecture.md, checked on the source.

Fails when a module has no layer, imports a layer above its own, a device program
imports more of the hub than the client library, an import circle appears (or a
known one grows), or the picture in docs/architecture.md is out of date (rewrite
it with `scripts/architecture`).
"""

from __future__ import annotations

from pathlib import Path

from tests.arch import graph as g


def test_every_module_has_a_layer() -> None:
    arrows = g.graph()
    assert "hub.domain.decide" in arrows and "kiosk.agent" in arrows
    assert [m for m in arrows if g.layer(m) is None] == [], \
        "give the new module a layer in tests/arch/graph.py LAYERS"


def test_no_module_imports_a_layer_above_and_devices_only_the_client() -> None:
    assert g.upward(g.graph()) == []


def test_no_import_circle_beyond_the_known_one() -> None:
    assert [sorted(c) for c in g.new_circles(g.graph())] == []


def test_the_domain_imports_nothing_of_the_hub_outside_it() -> None:
    arrows = g.graph()
    outside = {(m, t) for m, targets in arrows.items() if m.startswith("hub.domain")
               for t in targets if not t.startswith("hub.domain")}
    assert outside == set()


def test_the_picture_in_the_docs_is_current() -> None:
    doc = g.DOC.read_text(encoding="utf-8")
    assert g.picture_in_doc(doc) == g.mermaid(g.graph()), \
        "run scripts/architecture and commit docs/architecture.md"


# The checks themselves, on a small tree written here: each rule can fail.

def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for package in g.PACKAGES:
        (tmp_path / package).mkdir(exist_ok=True)
    return g.graph(tmp_path)


def test_a_new_circle_and_an_upward_arrow_are_caught(tmp_path: Path) -> None:
    arrows = _tree(tmp_path, {
        "hub/__init__.py": "",
        "hub/read/views.py": "from hub import center\n",
        "hub/center.py": "def f():\n    from hub.read.views import x\n",
        "hub/domain/__init__.py": "",
        "hub/domain/state.py": "import hub.settings\n",
        "kiosk/__init__.py": "",
        "kiosk/agent.py": "from hub.core import Hub\nfrom client.agent import run\n",
        "client/agent.py": "",
        "hub/core.py": "",
        "hub/settings.py": "",
    })
    assert arrows["hub.read.views"] == {"hub.center"}
    assert [sorted(c) for c in g.new_circles(arrows)] == [["hub.center", "hub.read.views"]]
    broken = g.upward(arrows)
    assert any(b.startswith("hub.center (core) imports hub.read.views (read)") for b in broken)
    assert any(b.startswith("hub.domain.state (domain) imports hub.settings") for b in broken)
    assert any(b.startswith("kiosk.agent (a device) imports hub.core") for b in broken)
    assert not any("client.agent" in b for b in broken)


def test_relative_imports_are_followed(tmp_path: Path) -> None:
    arrows = _tree(tmp_path, {
        "hub/__init__.py": "",
        "hub/store/__init__.py": "from .sqlite import Store\n",
        "hub/store/sqlite.py": "from ..domain import events\n",
        "hub/domain/__init__.py": "",
        "hub/domain/events.py": "",
    })
    assert arrows["hub.store"] == {"hub.store.sqlite"}
    assert arrows["hub.store.sqlite"] == {"hub.domain.events"}
