"""`nicmodel report`: what goes into the one-file HTML report, computed here and rendered by
output.html."""

from __future__ import annotations

import html
from pathlib import Path

from ..engines.plan import compile_scenario
from ..output.explain import report_text
from ..output.html import image, page, table
from ..output.plots import compare_plot, table_plot, tornado, validation_plot
from ..output.runs import interference_error_text
from ..output.verdicts import optimum_text, point_text
from ..planning import sensitivity as sens
from ..validation import validate as v
from ..validation.trace import read_trace_for
from ..version import __version__
from .evaluate import compare as compare_designs
from .evaluate import evaluate_scenario, load, uncertainty_of
from .tables import design_table, table_optimum

DEFAULT_VARY = ["network.bandwidth=5Gbps,10Gbps,20Gbps,40Gbps,100Gbps", "design.chunk_tokens=16,64,256,1024,naive"]


def report(path: str | Path, overrides: list[str] | tuple[str, ...] = (), vary: list[str] | tuple[str, ...] = (),
           compare: list[str] | tuple[str, ...] = (), traces: list[str] | tuple[str, ...] = (), samples: int = 1000,
           model: str = "analytical") -> str:
    """``nicmodel report``: the design, its evaluation, the uncertainty of its answers, a design
    table over ``vary`` (default: link rate x chunk size) with its bottleneck map and optimum, the
    sensitivity tornado, a comparison with ``compare`` designs and the validation overlay of
    measured ``traces``, as one self-contained HTML page. ``model``: the serving section from the
    analytical serving model, the simulator, or both."""

    scenario = load(path, overrides)
    result = evaluate_scenario(scenario, overrides)
    parts = [f"<h1>nicmodel report: {html.escape(scenario.name)}</h1>",
             f'<p class="note">{html.escape(scenario.description or "")} — scenario <code>{html.escape(str(path))}'
             f"</code>{' with ' + html.escape(', '.join(overrides)) if overrides else ''}; nicmodel "
             f"{html.escape(__version__)}</p>"]

    # the design
    parts.append("<h2>Design</h2>")
    hw = result.get("hardware") or {}
    parts.append(table(["component", "spec"], [[k, v] for k, v in hw.items() if v]))
    d = scenario.design
    parts.append(f'<p class="note">chunk: {d.chunk_tokens} tokens, {d.buffers_in_flight} buffers in flight, '
                 f"{d.copy_strategy}</p>")
    parts.append(table(["stage", "kind", "resource", "cores", "input → output", "reads → writes", "after", "thread"],
                        [[n, s.kind, s.resource, s.cores, f"{s.input} → {s.output}", f"{s.reads} → {s.writes}",
                          ", ".join(s.after), s.thread] for n, s in d.stages.items()]))

    # the evaluation
    parts.append("<h2>Evaluation (analytical model)</h2>")
    if not result["feasible"]:
        parts.append(f'<p class="bad">INFEASIBLE: {html.escape("; ".join(result["warnings"]))}</p>')
    parts.append(table(["output", "value"], [
        ["throughput (compressed, Gbps)", result["throughput_gbps"]],
        ["KV into GPU memory (Gbps)", result["kv_throughput_gbps"]],
        ["fetch latency (ms)", result["fetch_latency_s"] * 1e3 if result["fetch_latency_s"] is not None else None],
        ["bottleneck", result["bottleneck"]]]))
    detail = result.get("resource_detail") or {}
    parts.append(table(["resource", "kind", "utilization", "busy µs per chunk"],
                        [[r, v.get("kind"), v.get("utilization"), (v.get("busy_s_per_chunk") or 0) * 1e6]
                         for r, v in sorted(detail.items(), key=lambda kv: -(kv[1].get("utilization") or 0))]))

    # serving, from the analytical serving model (milliseconds; the simulator confirms: `serve --model both`)
    if scenario.serving is not None and result["feasible"]:
        parts += _serving_section(scenario, model)

    # uncertainty
    if result["feasible"] and samples:
        u = uncertainty_of(scenario, samples)
        parts.append("<h2>Uncertainty</h2>")
        parts.append(f"<pre>{html.escape(point_text(u))}</pre>")

    # design table and bottleneck map
    vary = vary or DEFAULT_VARY
    if result["feasible"]:
        dt = design_table(path, vary, overrides)
        axes = [c for c in dt.columns if c not in ("bottleneck", "throughput_gbps", "kv_throughput_gbps",
                                                       "fetch_latency_ms", "nic_memory_mib", "fits_nic_memory",
                                                       "cores")]
        parts.append("<h2>Design table</h2>")
        parts.append(image(lambda p: table_plot(dt.columns, dt.rows, axes, p), "design table bottleneck map"))
        parts.append(table(dt.columns, [[r.get(c) for c in dt.columns] for r in dt.rows]))
        o = table_optimum(path, vary, overrides)
        parts.append(f"<pre>{html.escape(optimum_text(o))}</pre>")

    # sensitivity tornado
    if result["feasible"]:
        plan, params = compile_scenario(scenario)
        oat = sens.one_at_a_time(plan, params, sens.uncertain_params(scenario), "fetch_latency_s")
        if oat:
            parts.append("<h2>Sensitivity (fetch latency, each assumed number at the ends of its range)</h2>")
            parts.append(image(lambda p: tornado(oat, "fetch_latency_s", p), "sensitivity tornado"))

    # comparison
    if compare:
        results = compare_designs([path, *compare], overrides)
        parts.append("<h2>Comparison</h2>")
        parts.append(image(lambda p: compare_plot(results, p), "comparison of designs"))
        parts.append(table(["design", "bottleneck", "fetch latency (ms)", "KV (Gbps)", "throughput (Gbps)"],
                            [[r["scenario"], r["bottleneck"], (r["fetch_latency_s"] or 0) * 1e3,
                              r["kv_throughput_gbps"], r["throughput_gbps"]] for r in results]))

    # validation overlay
    for trace in traces:
        preds = v.predict_all(read_trace_for(trace))
        bad = v.failures(preds, None)
        parts.append(f"<h2>Validation against {html.escape(Path(trace).name)}</h2>")
        parts.append(image(lambda p: validation_plot(preds, p), f"validation overlay {Path(trace).name}"))
        parts.append(f"<pre>{html.escape(report_text(preds, bad))}</pre>")

    return page(scenario.name, parts)


def _serving_section(scenario, model: str = "analytical") -> list[str]:
    """Unloaded TTFT/TPOT, the SLO-bound rate and TTFT/TPOT at half and 80% of it, with the
    model's caveats and the cost where the specs carry prices; ``both`` adds the simulator's."""
    if model == "both":
        return _serving_section(scenario, "analytical") + _serving_section(scenario, "simulated")
    from ..engines.serving import analytic
    from ..engines.serving import run as simulated
    from ..errors import InfeasibleError, SpecError
    from ..planning.cost import serving_cost

    title = "analytical serving model" if model == "analytical" else "simulator, 200 requests, seed 0"
    try:
        if model == "analytical":
            top = analytic.serve(scenario, None, search=True)
            rate = top["slo"]["max_rate_per_s"]
            rows = [analytic.serve(scenario, f * rate) for f in (0.5, 0.8)] if rate > 0 else []
        else:
            top = simulated.serve(scenario, None, 1, 0)
            top["slo"] = simulated.max_rate(scenario, 200, 0)
            rate = top["slo"]["max_rate_per_s"]
            rows = [simulated.serve(scenario, f * rate, 200, 0) for f in (0.5, 0.8)] if rate > 0 else []
            for r in rows:
                r["utilization"] = r["load"]["offered_share_of_capacity"] or 0.0
                r["caveats"] = ["OVERLOADED"] if r["load"]["overloaded"] else []
        cost = serving_cost(scenario, rate)
    except (InfeasibleError, SpecError) as exc:
        return [f"<h2>Serving ({title})</h2>", f'<p class="bad">{html.escape(str(exc))}</p>']
    out = [f"<h2>Serving ({title})</h2>",
           f'<p class="note">{"Steady state under Poisson arrivals (docs/serving.md); confirm with <code>nicmodel serve --model both</code>." if model == "analytical" else "Poisson arrivals, a finite run (docs/serving.md)."} '
           f'SLO-bound rate {rate:.3g} requests/s ({html.escape(top["slo"]["upper_bound_basis"])} '
           f'bounds it at {top["slo"]["upper_bound_per_s"]:.3g}/s).</p>']
    body = [["lone request", "", top["unloaded_ttft_s"] * 1e3, "", top["unloaded_tpot_s"] * 1e3, "", ""]]
    for r in rows:
        L = r["loaded"]
        body.append([f"{r['rate_per_s']:.3g}/s", f"{r['utilization'] * 100:.0f}%", L["ttft_s"]["p50"] * 1e3,
                     L["ttft_s"]["p99"] * 1e3, L["tpot_s"]["p50"] * 1e3, L["tpot_s"]["p99"] * 1e3,
                     "; ".join(r["caveats"])])
    out.append(table(["load", "of capacity", "TTFT p50 (ms)", "TTFT p99 (ms)", "TPOT p50 (ms)", "TPOT p99 (ms)",
                      "caveats"], body))
    out += [f'<p class="bad">UNVALIDATED: {html.escape(note)}</p>' for note in top.get("validity", [])]
    if top.get("interference_basis"):
        out.append(f'<p class="note">Interference rests on: {html.escape(top["interference_basis"])}</p>')
    if top.get("interference_error"):
        text = interference_error_text(top["interference_error"])
        out.append(f'<p class="note">The interference model\'s held-out error: {html.escape(text)}</p>')
    if cost:
        out.append(f'<p class="note">server {cost["server_usd_per_hour"]:.3g} USD/h; '
                   + (f'{cost["usd_per_million_requests"]:,.2f} USD per million requests at the SLO-bound rate'
                      if "usd_per_million_requests" in cost else "no SLO-bound rate") + " (docs/sources/cost.md)</p>")
    return out
