"""axe-core (vendored in ``vendor/axe.min.js``) run in the page under test.

The portal's Content-Security-Policy allows only its own scripts, so the pages axe checks are
opened in a browser context with ``bypass_csp=True`` (test-only: the CSP itself is checked
elsewhere). Results are kept per page for the run's summary."""

import json
from collections import Counter
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}
IMPACTS = ("critical", "serious", "moderate", "minor")

# page label -> list of violations (rule id, impact, help, number of nodes, first targets)
RESULTS: dict[str, list[dict]] = {}


def run_axe(page, label: str, *, open_details: bool = True) -> list[dict]:
    """Check the page as it is now (with every ``<details>`` opened, so the forms inside count).
    Returns the violations; records them for the summary."""
    if open_details:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
                summary: v.nodes.slice(0, 2).map(n => n.failureSummary),
            }));
        }""",
        TAGS,
    )
    RESULTS[label] = result
    return result


def blocking(violations) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations) -> str:
    return "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} ({v['nodes']}×) {v['targets']}\n    {v['summary']}"
        for v in violations
    )


def summary_lines() -> list[str]:
    if not RESULTS:
        return []
    totals = Counter()
    lines = [f"axe-core {version()} on {len(RESULTS)} page states ({', '.join(TAGS)}):"]
    for label, violations in RESULTS.items():
        counts = Counter(v["impact"] for v in violations)
        totals.update(counts)
        found = ", ".join(f"{counts[i]} {i}" for i in IMPACTS if counts[i]) or "no violations"
        rules = ", ".join(sorted({v["id"] for v in violations}))
        lines.append(f"  {label}: {found}{f' ({rules})' if rules else ''}")
    lines.append("  total by impact: " + ", ".join(f"{i} {totals[i]}" for i in IMPACTS))
    return lines


def write_report(directory: Path) -> None:
    if RESULTS:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "axe-report.json").write_text(json.dumps(RESULTS, indent=2))


def version() -> str:
    head = AXE.read_text(encoding="utf-8")[:40]
    return head.split("axe v", 1)[1].split()[0] if "axe v" in head else "?"
