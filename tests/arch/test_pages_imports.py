"""The import rules of the pages (assets/js, native ES modules, no build step).

Reads every `import … from "…"`, `export … from "…"`, `import "…"` and `import("…")`
in assets/js/**/*.js, resolves the relative paths, and fails on an import circle, on
an import of a file that does not exist, and on a module importing a layer above its
own. The layers, bottom up:

    strings/            string tables: import nothing of the pages
    lib/, jiaohao.js    shared helpers (jiaohao.js is the façade over lib/)
    caller/, kiosk/ …   a page split by concern
    *.js                the entry files a page's HTML loads (may use each other:
                        caller_cases.js → caller.js, hall.js → screen.js)
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from tests.arch import graph as g

JS = g.ROOT / "assets" / "js"

_STATIC = re.compile(
    r"""^[ \t]*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']""", re.MULTILINE)
_BARE = re.compile(r"""^[ \t]*import\s*["']([^"']+)["']""", re.MULTILINE)
_DYNAMIC = re.compile(r"""\bimport\(\s*["']([^"']+)["']\s*\)""")

# The façade over lib/ that sits beside the entry files for historical reasons.
_SHARED = {"jiaohao.js"}
LAYERS = ("strings", "lib", "page folder", "entry file")


def specifiers(source: str) -> list[str]:
    """Every module specifier imported by a module's source."""
    found = []
    for pattern in (_STATIC, _BARE, _DYNAMIC):
        found.extend(m.group(1) for m in pattern.finditer(source))
    return found


def resolve(module: str, spec: str) -> str:
    """A specifier as a path relative to assets/js ('caller/model.js')."""
    if spec.startswith("/assets/js/"):
        return spec[len("/assets/js/"):]
    if not spec.startswith((".", "/")):
        return spec  # a bare name: no such file under assets/js, reported as missing
    parts: list[str] = []
    for part in (PurePosixPath(module).parent / spec).parts:
        if part == "..":
            if parts:
                parts.pop()
            else:
                parts.append("..")
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def graph(root: Path = JS) -> dict[str, set[str]]:
    """Each module (path under root) and the modules it imports."""
    arrows: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.js")):
        name = path.relative_to(root).as_posix()
        source = path.read_text(encoding="utf-8")
        arrows[name] = {resolve(name, s) for s in specifiers(source)}
    return arrows


def layer(module: str) -> int:
    top = module.split("/", 1)[0]
    if top == "strings":
        return 0
    if top == "lib" or module in _SHARED:
        return 1
    return 2 if "/" in module else 3


def missing(arrows: dict[str, set[str]]) -> list[str]:
    return sorted(f"{m} imports {t}, which is not a file under assets/js"
                  for m, targets in arrows.items() for t in targets if t not in arrows)


def upward(arrows: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{m} ({LAYERS[layer(m)]}) imports {t} ({LAYERS[layer(t)]})"
        for m, targets in arrows.items() for t in targets
        if t in arrows and layer(t) > layer(m))


def circles(arrows: dict[str, set[str]]) -> list[list[str]]:
    found = [sorted(c) for c in g.circles(arrows)]
    found += [[m] for m, targets in arrows.items() if m in targets]
    return sorted(found)


def test_the_pages_are_read() -> None:
    arrows = graph()
    assert "caller/model.js" in arrows["caller.js"]
    assert "lib/dom.js" in arrows["hall.js"]
    assert "strings/waits.js" in arrows["lib/waits.js"]


def test_every_page_import_is_a_file() -> None:
    assert missing(graph()) == []


def test_no_import_circle_in_the_pages() -> None:
    assert circles(graph()) == []


def test_no_page_module_imports_a_layer_above_its_own() -> None:
    assert upward(graph()) == []


# The checks themselves, on a small tree written here: each rule can fail.

def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return graph(tmp_path)


def test_a_circle_an_upward_import_and_a_missing_file_are_caught(tmp_path: Path) -> None:
    arrows = _tree(tmp_path, {
        "page.js": 'import J from "./jiaohao.js";\nimport {a} from "./page/a.js";\n',
        "jiaohao.js": 'import {x} from "./lib/x.js";\n',
        "lib/x.js": 'import {y} from "../page/d.js";\nimport s from "../strings/page.js";\n',
        "strings/page.js": 'export default {};\n',
        "page/a.js": ('import {\n  b,\n  c,\n} from "./b.js";\n'
                      '// import {z} from "./nowhere.js" in a comment is not read\n'
                      'export {d} from "./d.js";\n'),
        "page/b.js": 'import J from "../jiaohao.js";\nconst later = () => import("./a.js");\n',
        "page/d.js": 'import "./gone.js";\n',
    })
    assert arrows["page/a.js"] == {"page/b.js", "page/d.js"}
    assert arrows["page/b.js"] == {"jiaohao.js", "page/a.js"}
    assert circles(arrows) == [["page/a.js", "page/b.js"]]
    assert upward(arrows) == ["lib/x.js (lib) imports page/d.js (page folder)"]
    assert missing(arrows) == [
        "page/d.js imports page/gone.js, which is not a file under assets/js"]


def test_an_entry_file_imported_from_below_is_caught(tmp_path: Path) -> None:
    arrows = _tree(tmp_path, {
        "caller.js": 'import {m} from "./caller/model.js";\n',
        "caller/model.js": 'import C from "../caller.js";\n',
        "strings/caller.js": 'import {t} from "../lib/i18n.js";\n',
        "lib/i18n.js": "",
    })
    assert circles(arrows) == [["caller.js", "caller/model.js"]]
    assert upward(arrows) == [
        "caller/model.js (page folder) imports caller.js (entry file)",
        "strings/caller.js (strings) imports lib/i18n.js (lib)",
    ]
