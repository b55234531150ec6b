"""A run's report as one self-contained HTML page (inline SVG, no scripts).

What a person checks after a run: how many documents came in and what
became of them, why lines were removed, how large the duplicate clusters
are, how long documents were before and after cleaning, and samples of the
removed lines of each reason, to judge whether the cleaner cut the right
things.
"""
from __future__ import annotations

import html
from collections import Counter

_BAR = "#3b6ea8"
_BEFORE, _AFTER = "#b0b7c3", "#3b6ea8"
SAMPLES_PER_REASON = 8


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def bar_chart(title: str, items: list[tuple[str, int]], chart_id: str) -> str:
    """Horizontal bars, one per (label, count), largest first."""
    if not items:
        return f'<section id="{chart_id}"><h2>{_esc(title)}</h2><p class="none">nothing to show</p></section>'
    top = max(count for _, count in items) or 1
    row, label_w, bar_w = 22, 170, 420
    height = row * len(items) + 10
    bars = []
    for i, (label, count) in enumerate(items):
        y = 5 + i * row
        width = max(1, round(bar_w * count / top))
        bars.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_esc(label)}</text>'
                    f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{width}" height="{row - 6}" fill="{_BAR}">'
                    f'<title>{_esc(label)}: {count}</title></rect>'
                    f'<text x="{label_w + width + 6}" y="{y + 15}">{count}</text>')
    return (f'<section id="{chart_id}"><h2>{_esc(title)}</h2>'
            f'<svg width="{label_w + bar_w + 80}" height="{height}" role="img" aria-label="{_esc(title)}">'
            + "".join(bars) + "</svg></section>")


def length_histogram(before: list[int], after: list[int], chart_id: str) -> str:
    """Words per document before and after cleaning, side by side per bin."""
    title = "Document length in words, before and after cleaning"
    if not before:
        return f'<section id="{chart_id}"><h2>{title}</h2><p class="none">nothing to show</p></section>'
    edges = [0, 50, 100, 200, 400, 800, 1600, 3200, 10 ** 9]
    labels = ["<50", "50–99", "100–199", "200–399", "400–799", "800–1599", "1600–3199", "3200+"]

    def counts(values):
        out = [0] * len(labels)
        for v in values:
            for i in range(len(labels)):
                if edges[i] <= v < edges[i + 1]:
                    out[i] += 1
                    break
        return out

    b, a = counts(before), counts(after)
    top = max(b + a) or 1
    col, height, base = 70, 180, 200
    parts = []
    for i, label in enumerate(labels):
        x = 40 + i * col
        hb, ha = round(height * b[i] / top), round(height * a[i] / top)
        parts.append(f'<rect class="bar before" x="{x}" y="{base - hb}" width="26" height="{hb}" fill="{_BEFORE}">'
                     f'<title>before, {label}: {b[i]}</title></rect>'
                     f'<rect class="bar after" x="{x + 28}" y="{base - ha}" width="26" height="{ha}" fill="{_AFTER}">'
                     f'<title>after, {label}: {a[i]}</title></rect>'
                     f'<text x="{x + 27}" y="{base + 16}" text-anchor="middle">{label}</text>')
    legend = (f'<rect x="40" y="4" width="12" height="12" fill="{_BEFORE}"/><text x="58" y="15">before</text>'
              f'<rect x="120" y="4" width="12" height="12" fill="{_AFTER}"/><text x="138" y="15">after</text>')
    return (f'<section id="{chart_id}"><h2>{title}</h2>'
            f'<svg width="{40 + col * len(labels) + 20}" height="{base + 30}" role="img" aria-label="{title}">'
            + legend + "".join(parts) + "</svg></section>")


def add_sample(samples: dict[str, list[str]], reason: str, line: str) -> None:
    """Keep ``line`` as a sample of its removal reason (the first
    ``SAMPLES_PER_REASON`` different lines of each)."""
    bucket = samples.setdefault(reason, [])
    if len(bucket) < SAMPLES_PER_REASON and line not in bucket:
        bucket.append(line)


def render(run: str, summary: dict, records: list[dict], reasons: Counter, samples: dict[str, list[str]],
           clusters: list[dict], seconds: float | None = None) -> str:
    """The report page of one run. ``records``: per document its
    ``status``, ``reason``, ``words_before`` (cleaning) and ``words``;
    ``reasons``: removed lines per reason; ``samples``: a few of them per
    reason (``add_sample``)."""
    status = summary.get("status", {})
    rejected = Counter((r.get("reason") or "").split(":")[0] for r in records if r.get("status") == "rejected")
    sizes = Counter(len(c["copies"]) + 1 for c in clusters)
    before = [r.get("words_before", 0) for r in records if r.get("words_before")]
    after = [r.get("words", 0) for r in records if r.get("status") == "kept"]
    took = f" in {seconds:.1f} s" if seconds else ""
    figures = "".join(f"<li><b>{_esc(v)}</b> {_esc(k)}</li>" for k, v in
                      [("documents", summary.get("documents", len(records)))] + sorted(status.items()))
    sample_html = "".join(
        f'<details><summary>{_esc(reason)} ({reasons[reason]} {"line" if reasons[reason] == 1 else "lines"})'
        f'</summary><ul>'
        + "".join(f"<li>{_esc(text[:300])}</li>" for text in lines) + "</ul></details>"
        for reason, lines in sorted(samples.items(), key=lambda kv: -reasons[kv[0]]))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Run {_esc(run)}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 900px; color: #1d2330; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.1em; margin-top: 1.6em; }}
ul.figures {{ list-style: none; padding: 0; display: flex; gap: 1.5em; flex-wrap: wrap; }}
ul.figures b {{ font-size: 1.4em; display: block; }}
svg text {{ font: 12px system-ui, sans-serif; fill: #1d2330; }}
details {{ margin: .3em 0; }} details li {{ color: #50586a; }} .none {{ color: #777; }}
</style></head>
<body>
<h1>Run {_esc(run)}{took}</h1>
<ul class="figures">{figures}</ul>
{bar_chart("Lines removed, by reason", reasons.most_common(), "removal-reasons")}
{bar_chart("Documents rejected, by reason", rejected.most_common(), "rejections")}
{bar_chart("Duplicate clusters, by size (kept article + copies)",
           [(f"{size} documents", n) for size, n in sorted(sizes.items())], "cluster-sizes")}
{length_histogram(before, after, "lengths")}
<section id="samples"><h2>Samples of removed lines</h2>{sample_html or '<p class="none">no lines removed</p>'}</section>
</body></html>
"""
