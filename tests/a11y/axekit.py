"""axe-core in headless Chromium: run it on a page as it is now and keep what it finds.

axe-core (the minified file the `axe-playwright-python` package ships, MPL-2.0) is
injected into the page; nothing is downloaded at run time. The pages send a strict
Content-Security-Policy, so the browser contexts of these tests are opened with
`bypass_csp=True` (only here: the pages' own tests keep the policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.browser import screenshot, settle

BAD_IMPACTS = ("critical", "serious")


def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


@dataclass
class AxeRun:
    """Every critical or serious violation found in the states checked, one line each."""

    found: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def check(self, page: Any, state: str) -> list[str]:
        """Run axe on `page` now; record (and return) its critical and serious violations,
        and save a screenshot tests/artifacts/a11y_STATE.png."""
        settle(page)  # the last render of the state has landed
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_script())
        results = page.evaluate("""() => axe.run(document, {
            resultTypes: ['violations']})
          .then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact,
              help: v.help, nodes: v.nodes.map((n) => ({target: n.target.join(' '),
              impact: n.impact, summary: n.failureSummary}))})))""")
        lines: list[str] = []
        for violation in results:
            for node in violation["nodes"]:
                impact = node["impact"] or violation["impact"]
                if impact not in BAD_IMPACTS:
                    continue
                self.counts[violation["id"]] = self.counts.get(violation["id"], 0) + 1
                summary = " ".join((node["summary"] or "").split())[:220]
                lines.append(f"[{state}] {impact} {violation['id']} at {node['target']}: "
                             f"{summary}")
        self.found.extend(lines)
        self.states.append(state)
        screenshot(page, f"a11y_{state}")
        return lines

    def report(self) -> str:
        tally = ", ".join(f"{k}×{v}" for k, v in sorted(self.counts.items()))
        return f"{len(self.found)} violations ({tally}) in {len(self.states)} states:\n" + \
            "\n".join(self.found)
