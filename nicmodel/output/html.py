"""`nicmodel report`: one self-contained HTML file to hand to a colleague.

Sections: the design (hardware and stages), its evaluation (headline numbers, every resource's
utilization), the uncertainty of those numbers, a design table over `--vary` axes with its
bottleneck map, the sensitivity tornado, a comparison with other designs (`--compare`), and the
validation overlay of measured traces (`--trace`). Images are embedded as base64 PNG, the
style sheet is inline, and the page has no script, so it renders the same offline and anywhere.
"""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path
from typing import Any

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.85em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #eee}
pre{white-space:pre-wrap;font-size:.8em}.note{color:#555;font-size:.9em}.bad{color:#a00;font-weight:bold}code{background:#f6f6f6;padding:0 .2em}
"""


DEFAULT_VARY = ["network.bandwidth=5Gbps,10Gbps,20Gbps,40Gbps,100Gbps", "design.chunk_tokens=16,64,256,1024,naive"]


def _table(headers: list[str], rows: list[list[Any]], limit: int = 400) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in r) + "</tr>" for r in rows[:limit])
    more = f'<p class="note">{len(rows) - limit:,} more rows not shown.</p>' if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _image(draw, alt: str) -> str:
    """Render a plot through ``draw(path)`` and embed it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "figure.png"
        draw(str(path))
        data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def build(path: str, overrides: list[str], vary: list[str], compare: list[str], traces: list[str],
          samples: int = 1000) -> str:
    """The report as HTML text."""
    from .. import api
    from ..engines.plan import compile_scenario
    from .plots import compare_plot, table_plot
    from ..planning.uncertainty import point_text
    from ..planning import sensitivity as sens

    scenario = api.load(path, overrides)
    result = api.evaluate_scenario(scenario, overrides)
    parts = [f"<h1>nicmodel report: {html.escape(scenario.name)}</h1>",
             f'<p class="note">{html.escape(scenario.description or "")} — scenario <code>{html.escape(str(path))}'
             f"</code>{' with ' + html.escape(', '.join(overrides)) if overrides else ''}; nicmodel "
             f"{html.escape(_version())}</p>"]

    # the design
    parts.append("<h2>Design</h2>")
    hw = result.get("hardware") or {}
    parts.append(_table(["component", "spec"], [[k, v] for k, v in hw.items() if v]))
    d = scenario.design
    parts.append(f'<p class="note">chunk: {d.chunk_tokens} tokens, {d.buffers_in_flight} buffers in flight, '
                 f"{d.copy_strategy}</p>")
    parts.append(_table(["stage", "kind", "resource", "cores", "input → output", "reads → writes", "after", "thread"],
                        [[n, s.kind, s.resource, s.cores, f"{s.input} → {s.output}", f"{s.reads} → {s.writes}",
                          ", ".join(s.after), s.thread] for n, s in d.stages.items()]))

    # the evaluation
    parts.append("<h2>Evaluation (analytical model)</h2>")
    if not result["feasible"]:
        parts.append(f'<p class="bad">INFEASIBLE: {html.escape("; ".join(result["warnings"]))}</p>')
    parts.append(_table(["output", "value"], [
        ["throughput (compressed, Gbps)", result["throughput_gbps"]],
        ["KV into GPU memory (Gbps)", result["kv_throughput_gbps"]],
        ["fetch latency (ms)", result["fetch_latency_s"] * 1e3 if result["fetch_latency_s"] is not None else None],
        ["bottleneck", result["bottleneck"]]]))
    detail = result.get("resource_detail") or {}
    parts.append(_table(["resource", "kind", "utilization", "busy µs per chunk"],
                        [[r, v.get("kind"), v.get("utilization"), (v.get("busy_s_per_chunk") or 0) * 1e6]
                         for r, v in sorted(detail.items(), key=lambda kv: -(kv[1].get("utilization") or 0))]))

    # uncertainty
    if result["feasible"] and samples:
        u = api.uncertainty_of(scenario, samples)
        parts.append("<h2>Uncertainty</h2>")
        parts.append(f"<pre>{html.escape(point_text(u))}</pre>")

    # design table and bottleneck map
    vary = vary or DEFAULT_VARY
    if result["feasible"]:
        table = api.design_table(path, vary, overrides)
        axes = [c for c in table.columns if c not in ("bottleneck", "throughput_gbps", "kv_throughput_gbps",
                                                       "fetch_latency_ms", "nic_memory_mib", "fits_nic_memory",
                                                       "cores")]
        parts.append("<h2>Design table</h2>")
        parts.append(_image(lambda p: table_plot(table.columns, table.rows, axes, p), "design table bottleneck map"))
        parts.append(_table(table.columns, [[r.get(c) for c in table.columns] for r in table.rows]))
        o = api.table_optimum(path, vary, overrides)
        from ..planning.robustness import optimum_text
        parts.append(f"<pre>{html.escape(optimum_text(o))}</pre>")

    # sensitivity tornado
    if result["feasible"]:
        plan, params = compile_scenario(scenario)
        oat = sens.one_at_a_time(plan, params, sens.uncertain_params(scenario), "fetch_latency_s")
        if oat:
            parts.append("<h2>Sensitivity (fetch latency, each assumed number at the ends of its range)</h2>")
            parts.append(_image(lambda p: sens.tornado(oat, "fetch_latency_s", p), "sensitivity tornado"))

    # comparison
    if compare:
        results = api.compare([path, *compare], overrides)
        parts.append("<h2>Comparison</h2>")
        parts.append(_image(lambda p: compare_plot(results, p), "comparison of designs"))
        parts.append(_table(["design", "bottleneck", "fetch latency (ms)", "KV (Gbps)", "throughput (Gbps)"],
                            [[r["scenario"], r["bottleneck"], (r["fetch_latency_s"] or 0) * 1e3,
                              r["kv_throughput_gbps"], r["throughput_gbps"]] for r in results]))

    # validation overlay
    for trace in traces:
        from ..validation import validate as v
        from ..validation.trace import read_trace_for
        preds = v.predict_all(read_trace_for(trace))
        bad = v.failures(preds, None)
        parts.append(f"<h2>Validation against {html.escape(Path(trace).name)}</h2>")
        parts.append(_image(lambda p: v.plot(preds, p), f"validation overlay {Path(trace).name}"))
        parts.append(f"<pre>{html.escape(v.report_text(preds, bad))}</pre>")

    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>nicmodel report: "
            f"{html.escape(scenario.name)}</title><style>{STYLE}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def _version() -> str:
    from .. import __version__
    return __version__
