"""The pages build their markup with one DOM helper (assets/js/lib/dom.js `el`).

No page module writes markup strings into the document (`innerHTML`, `outerHTML`,
`insertAdjacentHTML`, `document.write`): text from the hub (names, notes, reasons,
ticket numbers) then never becomes markup, and there is one way to draw, not three.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.arch import graph as g

JS = g.ROOT / "assets" / "js"
_MARKUP = re.compile(r"\.(?:innerHTML|outerHTML)\s*[+]?=(?!=)|\binsertAdjacentHTML\s*\(|"
                     r"\bdocument\.write(?:ln)?\s*\(")
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)


def markup_writes(root: Path = JS) -> list[str]:
    """`file:line: code` of every markup write in the page modules under `root`."""
    found = []
    for path in sorted(root.rglob("*.js")):
        source = _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                               path.read_text(encoding="utf-8"))
        for number, line in enumerate(source.splitlines(), 1):
            if _MARKUP.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_page_writes_markup_strings() -> None:
    assert list(JS.rglob("*.js")), "no page modules found"
    assert markup_writes() == []


def test_a_markup_write_is_caught(tmp_path: Path) -> None:
    (tmp_path / "page.js").write_text(
        '// box.innerHTML = "" in a comment is fine\n'
        'const a = box.innerHTML === "";\n'
        'box.innerHTML = `<b>${name}</b>`;\n'
        'row.insertAdjacentHTML("beforeend", html);\n', encoding="utf-8")
    assert [line.split(":")[1] for line in markup_writes(tmp_path)] == ["3", "4"]
