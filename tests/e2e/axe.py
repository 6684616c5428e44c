"""axe-core (vendored in ``vendor/axe.min.js``) run in the page under test.

Both of axe's verdicts count: "violations" (it is sure) and "incomplete" (it could not decide:
"needs review"). A field whose error message is not tied to it, or a text whose contrast axe
cannot compute, is an "incomplete" result, and a screen-reader user meets it as surely as a
violation. ``blocking`` keeps the critical and serious ones of both lists.

Two kinds of "needs review" are settled here rather than left open:
- the contrast of text in an SVG chart, which axe cannot compute (it takes the SVG for an image
  and reads CSS ``color``, not the ``fill`` that paints SVG text; a one-character label it calls
  "too short"): computed here, from the fill and the opaque colour behind it, at WCAG's 4.5:1
  (3:1 for large text). A pass is dropped; a failure stays, with its ratio;
- the few results axe structurally cannot decide, whatever the page does (``UNDECIDABLE``,
  each with its reason).

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
KINDS = ("violation", "incomplete")

# "Needs review" results axe cannot decide by construction: (rule id, a substring of the node's
# CSS target) -> why it is not a problem here. Only for a result no change to our pages could
# settle: a fixable cause is fixed instead (the logo and the sort arrows drawn as SVG, not as
# "◆" and "▲" text; the admin's icons not painted as the links' background image).
UNDECIDABLE: dict[tuple[str, str], str] = {
    ("frame-tested", "iframe"): (
        "The PoE preview (templates/review/_preview.html) shows the partner's PDF in the browser's "
        "PDF viewer: a plugin's document, not HTML, into which axe-core cannot be loaded. The frame "
        "element itself is checked (frame-title: it is named after the file)."
    ),
}

# page label -> list of results (kind, rule id, impact, help, number of nodes, first targets)
RESULTS: dict[str, list[dict]] = {}
# page label -> nodes of "needs review" settled: chart text contrast computed, UNDECIDABLE excused
SETTLED: dict[str, Counter] = {}

_RUN = """async (tags) => {
    const r = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete'],
    });
    const rgb = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
    const opaque = (css) => { const c = rgb(css); return c.length >= 3 && (c.length < 4 || c[3] === 1); };
    const luminance = (css) => {
        const lin = rgb(css).slice(0, 3).map(v => v / 255)
            .map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    };
    const ratio = (a, b) => {
        const [lo, hi] = [luminance(a), luminance(b)].sort((x, y) => x - y);
        return (hi + 0.05) / (lo + 0.05);
    };
    // What is painted behind an SVG text: the last filled shape before it under its centre, else
    // the first opaque background of the SVG's ancestors.
    const behind = (text) => {
        const svg = text.closest('svg'), box = text.getBoundingClientRect();
        const x = box.left + box.width / 2, y = box.top + box.height / 2;
        let colour = null;
        for (const shape of svg.querySelectorAll('rect, circle, ellipse, path, polygon')) {
            if (shape.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_PRECEDING) break;
            const b = shape.getBoundingClientRect(), fill = getComputedStyle(shape).fill;
            if (x >= b.left && x <= b.right && y >= b.top && y <= b.bottom && opaque(fill)) colour = fill;
        }
        for (let e = svg; !colour && e; e = e.parentElement) {
            const bg = getComputedStyle(e).backgroundColor;
            if (opaque(bg)) colour = bg;
        }
        return colour || 'rgb(255, 255, 255)';
    };
    const CHART_TEXT_REASONS = ['imgNode', 'shortTextContent'];
    const settle = (v, n) => {
        if (v.id !== 'color-contrast') return null;
        const el = document.querySelector(n.target.join(' '));
        const keys = n.any.map(c => c.data && c.data.messageKey);
        if (!el || !el.closest('svg') || !el.closest('text') || !keys.length
            || !keys.every(k => CHART_TEXT_REASONS.includes(k))) return null;
        const style = getComputedStyle(el), size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
        const fill = style.fill, bg = behind(el), got = ratio(fill, bg);
        return {pass: got >= (large ? 3 : 4.5), text: `SVG text ${fill} on ${bg}: ${got.toFixed(2)}:1`};
    };
    const shape = (kind) => (v) => ({
        kind, id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => {
            const settled = kind === 'incomplete' ? settle(v, n) : null;
            const summary = n.failureSummary || [...n.any, ...n.all, ...n.none].map(c => c.message).join('; ');
            return {
                target: n.target.join(' '), impact: n.impact, settled: settled && settled.pass,
                summary: settled ? `${summary} (computed here: ${settled.text})` : summary,
            };
        }),
    });
    return [...r.violations.map(shape('violation')), ...r.incomplete.map(shape('incomplete'))];
}"""


def _undecidable(kind: str, rule: str, target: str) -> bool:
    return kind == "incomplete" and any(rule == r and part in target for (r, part) in UNDECIDABLE)


def run_axe(page, label: str, *, open_details: bool = True) -> list[dict]:
    """Check the page as it is now (with every ``<details>`` opened, so the forms inside count).
    Returns axe's violations and "needs review" results (``kind``), less the chart text whose
    contrast passes when computed here and the ``UNDECIDABLE`` nodes; records them for the
    summary."""
    if open_details:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results, settled = [], Counter()
    for found in page.evaluate(_RUN, TAGS):
        nodes = []
        for n in found["nodes"]:
            if n["settled"]:
                settled["contrast computed"] += 1
            elif _undecidable(found["kind"], found["id"], n["target"]):
                settled[f"{found['id']} excused"] += 1
            else:
                nodes.append(n)
        if not nodes:
            continue
        # An incomplete result's impact is its worst node's (axe leaves the rule's own empty).
        impact = found["impact"] or next((i for i in IMPACTS if any(n["impact"] == i for n in nodes)), None)
        results.append(
            {
                "kind": found["kind"],
                "id": found["id"],
                "impact": impact,
                "help": found["help"],
                "nodes": len(nodes),
                "targets": [n["target"] for n in nodes[:5]],
                "summary": [n["summary"] for n in nodes[:2]],
                "all": [{"target": n["target"], "summary": n["summary"]} for n in nodes],  # for the report
            }
        )
    RESULTS[label], SETTLED[label] = results, settled
    return results


def blocking(results) -> list[dict]:
    return [r for r in results if r["impact"] in BLOCKING]


def describe(results) -> str:
    return "\n".join(
        f"  [{r['impact']} {r.get('kind', 'violation')}] {r['id']}: {r['help']} ({r['nodes']}×) {r['targets']}\n"
        f"    {r['summary']}"
        for r in results
    )


def summary_lines() -> list[str]:
    if not RESULTS:
        return []
    totals = {kind: Counter() for kind in KINDS}
    lines = [f"axe-core {version()} on {len(RESULTS)} page states ({', '.join(TAGS)}; violations and needs review):"]
    for label, results in RESULTS.items():
        parts = []
        for kind in KINDS:
            counts = Counter(r["impact"] for r in results if r.get("kind", "violation") == kind)
            totals[kind].update(counts)
            if counts:
                parts.append(f"{kind}: " + ", ".join(f"{counts[i]} {i}" for i in IMPACTS if counts[i]))
        rules = ", ".join(sorted({r["id"] for r in results}))
        lines.append(f"  {label}: {'; '.join(parts) or 'nothing found'}{f' ({rules})' if rules else ''}")
    for kind in KINDS:
        lines.append(f"  {kind} total by impact: " + ", ".join(f"{i} {totals[kind][i]}" for i in IMPACTS))
    settled = sum(SETTLED.values(), Counter())
    if settled:
        lines.append("  needs review, settled: " + ", ".join(f"{n} {what}" for what, n in sorted(settled.items())))
    return lines


def write_report(directory: Path) -> None:
    if RESULTS:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "axe-report.json").write_text(json.dumps(RESULTS, indent=2))


def version() -> str:
    head = AXE.read_text(encoding="utf-8")[:40]
    return head.split("axe v", 1)[1].split()[0] if "axe v" in head else "?"
