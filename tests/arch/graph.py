"""The import graph of jiaohao's own packages, the layers it must keep, and its picture.

Read from the source with `ast` (nothing is imported): every `import` and
`from … import` anywhere in a module, functions included, counts as an arrow.
`tests/arch/test_architecture.py` checks the rules; `scripts/architecture`
rewrites the picture in docs/architecture.md from the same table.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("hub", "tools", "client", "kiosk", "display", "caller")

# Layers from the bottom up: a module may import its own layer and those below,
# never one above. A layer is a folder (hub/domain, hub/store, hub/read, hub/web,
# client/, tools/), except the few modules at the top of hub/: its settings, clock
# and green-thread runtime (base) and the unit of work (core). The longest matching
# prefix wins.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("domain", ("hub.domain",)),
    ("base", ("hub.settings", "hub.clock", "hub.runtime",
              "display.phrases", "display.speech", "display.wavs")),
    ("client", ("client",)),
    ("store", ("hub.store",)),
    ("core", ("hub.center", "hub.core")),
    ("read", ("hub.read",)),
    ("web", ("hub.web",)),
    ("devices", ("kiosk", "display", "caller")),
    ("tools", ("tools",)),
)
RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}
# The device programs use the shared client library, the speech library and their
# own package only; the hub's tools (bench) may drive a device's code to measure it.
DEVICES = {"kiosk", "display", "caller"}
DEVICE_MAY_IMPORT = ("client",)
# Import circles allowed: none. (The domain's circle, decide <-> fold <-> state <->
# the feature modules, went with issue 16: the features register in their own
# tables and hub/domain/compose.py, which alone imports them, builds the state.)
KNOWN_CIRCLES: tuple[frozenset[str], ...] = ()


def modules(root: Path = ROOT) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


_PARSED: dict[Path, tuple[tuple[int, int], ast.Module]] = {}


def parse(path: Path) -> ast.Module:
    """The syntax tree of a source file, parsed again only when the file changed (the
    checks ask for the whole tree's graph several times in one run)."""
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    found = _PARSED.get(path)
    if found is None or found[0] != version:
        found = _PARSED[path] = (version, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found[1]


def _imported_names(name: str, path: Path, known: Iterable[str]) -> set[str]:
    known = set(known)
    tree = parse(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            submodules = {f"{module}.{a.name}" for a in node.names} & known
            named.update(submodules or {module})
    return named


_GRAPHS: dict[tuple[Path, tuple[tuple[str, int, int], ...]], dict[str, set[str]]] = {}


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """module -> the project modules it imports (the nearest enclosing module).
    Worked out again only when a file was added, removed or changed."""
    found = modules(root)
    versions = tuple((name, (stat := path.stat()).st_mtime_ns, stat.st_size)
                     for name, path in found.items())
    known = _GRAPHS.get((root, versions))
    if known is None:
        known = _GRAPHS[root, versions] = _graph(found)
    return {name: set(targets) for name, targets in known.items()}


def _graph(found: dict[str, Path]) -> dict[str, set[str]]:
    arrows: dict[str, set[str]] = {}
    for name, path in found.items():
        targets = set()
        for imported in _imported_names(name, path, found):
            while imported and imported not in found:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        arrows[name] = targets
    return arrows


def layer(module: str) -> str | None:
    if module == "hub":  # the package's own __init__: a docstring
        return "base"
    best: tuple[int, str] | None = None
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), name)
    return best[1] if best else None


def circles(arrows: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[frozenset[str]] = []
    counter = 0
    for start in sorted(arrows):
        if start in index:
            continue
        work = [(start, iter(sorted(arrows[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(arrows.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(frozenset(group))
    return found


def layer_arrows(arrows: dict[str, set[str]]) -> dict[tuple[str, str], int]:
    """How many module arrows run from each layer to each other layer."""
    counts: dict[tuple[str, str], int] = {}
    for source, targets in arrows.items():
        for target in targets:
            pair = (layer(source) or "?", layer(target) or "?")
            if pair[0] != pair[1]:
                counts[pair] = counts.get(pair, 0) + 1
    return counts


def mermaid(arrows: dict[str, set[str]]) -> str:
    """The picture: layers top-down, each with its modules, arrows between layers."""
    members: dict[str, list[str]] = {name: [] for name, _ in LAYERS}
    for module in sorted(arrows):
        members.setdefault(layer(module) or "?", []).append(module)
    lines = ["flowchart TD"]
    for name, _ in reversed(LAYERS):
        shown = sorted({_short(m) for m in members[name]})
        lines.append(f'    {name}["<b>{name}</b><br/>{"<br/>".join(_wrap(shown))}"]')
    for (source, target), count in sorted(layer_arrows(arrows).items(),
                                          key=lambda item: (-RANK[item[0][0]], item[0][1])):
        lines.append(f"    {source} -->|{count}| {target}")
    return "\n".join(lines) + "\n"


def _short(module: str) -> str:
    """A package's modules are shown as the package (hub.domain, hub.store, kiosk…)."""
    parts = module.split(".")
    if parts[0] in DEVICES and module not in ("display.phrases", "display.speech",
                                              "display.wavs"):
        return parts[0]
    if parts[:2] in (["hub", "domain"], ["hub", "store"]):
        return ".".join(parts[:2])
    return ".".join(parts[:3])  # hub.read.notify for its modules


def _wrap(names: list[str], width: int = 60) -> list[str]:
    rows: list[str] = []
    row = ""
    for name in names:
        if row and len(row) + len(name) + 2 > width:
            rows.append(row)
            row = ""
        row = f"{row}, {name}" if row else name
    if row:
        rows.append(row)
    return rows


def upward(arrows: dict[str, set[str]]) -> list[str]:
    """Every arrow that breaks a layer rule, in words."""
    broken = []
    for source in sorted(arrows):
        here = layer(source)
        for target in sorted(arrows[source]):
            there = layer(target)
            if here is None or there is None:
                continue  # reported by the layer check
            if RANK[there] > RANK[here]:
                broken.append(f"{source} ({here}) imports {target} ({there}), a layer above")
            elif (here == "devices" and target.split(".")[0] != source.split(".")[0]
                  and there not in DEVICE_MAY_IMPORT and there != "base"):
                broken.append(f"{source} (a device) imports {target} ({there}); devices "
                              "use only the client library")
    return broken


def new_circles(arrows: dict[str, set[str]]) -> list[frozenset[str]]:
    """Circles that are not (part of) a known one."""
    return [c for c in circles(arrows) if not any(c <= known for known in KNOWN_CIRCLES)]


DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "```mermaid\n", "```\n"


def picture_in_doc(text: str) -> str:
    start = text.index(BEGIN) + len(BEGIN)
    return text[start:text.index(END, start)]


def rewrite_doc(arrows: dict[str, set[str]]) -> bool:
    """Put the current picture into docs/architecture.md; whether it changed."""
    text = DOC.read_text(encoding="utf-8")
    old = picture_in_doc(text)
    new = mermaid(arrows)
    if old == new:
        return False
    DOC.write_text(text.replace(BEGIN + old + END, BEGIN + new + END, 1), encoding="utf-8")
    return True


if __name__ == "__main__":
    import sys

    changed = rewrite_doc(graph())
    print(f"{DOC.relative_to(ROOT)}: {'rewritten' if changed else 'already current'}")
    sys.exit(0)
