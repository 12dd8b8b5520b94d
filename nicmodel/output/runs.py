"""Text of simulation and serving runs: one run explained, sweep tables, load verdicts, and the
intervals over replication seeds and draws of the uncertain numbers."""

from __future__ import annotations

from typing import Any


from .markdown import github_table
from .tables import _csv, microseconds, mib


def simulate_text(s: dict[str, Any]) -> str:
    """Human-readable report of a simulation, with the analytical prediction beside it."""
    lat = s["latency_s"]
    a = s["analytical"]
    lines = [
        f"{s['scenario']}: {s['requests']} requests, {s['chunks']} chunks, {s['simulated_s']:.4f} s simulated, "
        f"{s['events']:,} events",
        f"  fetch latency   mean {lat['mean'] * 1e3:.2f} ms  p50 {lat['p50'] * 1e3:.2f}  p99 {lat['p99'] * 1e3:.2f}  "
        f"max {lat['max'] * 1e3:.2f}   (analytical, one request alone: {a['fetch_latency_s'] * 1e3:.2f} ms)",
        f"  throughput      {s['throughput_gbps']:.3f} Gbps compressed, steady state "
        f"({s['kv_throughput_gbps']:.2f} Gbps KV; {s['throughput_over_run_gbps']:.3f} Gbps over the whole run; "
        f"analytical {a['throughput_gbps']:.3f})",
        f"  bottleneck      {s['bottleneck']} (analytical: {a['bottleneck']})",
        *load_lines(s["load"]),
        f"  NIC memory      peak {mib(s['nic_memory_peak_bytes'])}, time-average {mib(s['nic_memory_mean_bytes'])}",
        "",
        github_table([[n, f"{u * 100:.1f}%"] for n, u in sorted(s["resources"].items(), key=lambda kv: -kv[1])],
                 headers=["resource", "utilization"]),
        "",
        "bottleneck over time:",
    ]
    for w in s["bottleneck_over_time"]:
        lines.append(f"  {w['start_s'] * 1e3:10.3f} - {w['end_s'] * 1e3:10.3f} ms  {w['resource']}")
    return "\n".join(lines) + "\n"


def serve_text(r: dict[str, Any]) -> str:
    analytical = r.get("model") == "analytical"
    head = f"{r['scenario']} ({r['control_plane']} control plane)" + (f", link {r['bandwidth']}" if r.get("bandwidth") else "")
    if analytical:
        head += ": analytical serving model (steady state under Poisson arrivals; docs/modeling.md)"
    lines = [head, f"  unloaded        TTFT {microseconds(r['unloaded_ttft_s'])}, TPOT {microseconds(r['unloaded_tpot_s'])}"]
    m = r["gpu_memory"]
    lines.append(f"  GPU memory      weights {m['weight_bytes'] / 1e9:.1f} GB + staging {m['staging_bytes'] / 1e9:.2f} GB "
                 f"of {m['usable_bytes'] / 1e9:.1f} GB usable; KV room for {m['batch_that_fits']} requests"
                 + (f" (batch limit {m['max_batch']} lowered to what fits)" if m["batch_that_fits"] < m["max_batch"]
                    else f" (batch limit {m['max_batch']})"))
    if "loaded" in r:
        L = r["loaded"]
        t, o = L["ttft_s"], L["tpot_s"]
        load = (f"Poisson at {r['rate_per_s']:g}/s, steady state" if analytical else
                f"{L['requests']} requests" + (f" at {r['rate_per_s']:g}/s (Poisson)" if r["rate_per_s"] else
                                              " (trace or arriving together)"))
        lines += [
            f"  load            {load}",
            f"  TTFT            mean {microseconds(t['mean'])}  p50 {microseconds(t['p50'])}  p99 {microseconds(t['p99'])}",
            f"  TPOT            mean {microseconds(o['mean'])}  p50 {microseconds(o['p50'])}  p99 {microseconds(o['p99'])}",
            f"  KV ready after  mean {microseconds(L['kv_ready_s']['mean'])}  p99 {microseconds(L['kv_ready_s']['p99'])}",
            f"  decode time lost to interference {L['decode_interference_share'] * 100:.1f}%",
            *([f"    rests on      {r['interference_basis']}"] if r.get("interference_basis") else []),
            *([f"    model error   {interference_error_text(r['interference_error'])}"]
              if r.get("interference_error") else []),
            *load_lines(r["load"]),
            f"  SLO             {'met' if r['meets_slo'] else 'NOT met'} at this load",
        ]
        for note in r.get("caveats", []):
            lines.append(f"  CAVEAT          {note}; confirm with --model simulated or both")
    for note in r.get("validity", []):
        lines.append(f"  UNVALIDATED     {note}")
    if "slo" in r:
        lines.append(f"  max rate        {r['slo']['max_rate_per_s']:.3g} requests/s within the SLOs"
                     + (" (analytical)" if analytical else ""))
        span = error_span(r, r["slo"]["max_rate_per_s"])
        if span is not None:
            lines.append(f"    across error  {span[0]:.3g}-{span[1]:.3g} requests/s with the interference model's held-out "
                         "error at its ends (the analytical model's ratios)")
    if "cost" in r:
        c = r["cost"]
        lines.append(f"  cost            server {c['server_usd_per_hour']:.3g} USD/h (GPU {c['gpu_usd_per_hour']:.3g}"
                     + (f" + SmartNIC {c['nic_usd_per_hour']:.3g} amortized" if c["nic_usd_per_hour"] else "") + ")"
                     + (f"; {c['usd_per_million_requests']:,.2f} USD per million requests at the SLO-bound rate"
                        if "usd_per_million_requests" in c else ""))
    if "analytical" in r:
        lines += analytical_lines(r["analytical"])
    return "\n".join(lines + _interval_lines(r)) + "\n"


def analytical_lines(a: dict[str, Any]) -> list[str]:
    """The analytical model's answer beside a simulated row (``--model both``)."""
    out = ["  analytical model (steady state):"]
    if "loaded" in a:
        t, o = a["loaded"]["ttft_s"], a["loaded"]["tpot_s"]
        out.append(f"    TTFT p50 {microseconds(t['p50'])}  p99 {microseconds(t['p99'])}   TPOT p50 {microseconds(o['p50'])}  "
                   f"p99 {microseconds(o['p99'])}   {a['utilization'] * 100:.0f}% of capacity {a['load']['capacity_per_s']:.3g}/s"
                   + ("  NEAR SATURATION" if a.get("near_saturation") else ""))
    if "slo" in a:
        out.append(f"    max rate {a['slo']['max_rate_per_s']:.3g} requests/s within the SLOs")
    return out


def _interval_lines(r: dict[str, Any]) -> list[str]:
    out = []
    if r.get("replications"):
        out += replication_lines(r["replications"], "seeds")
    if r.get("uncertainty"):
        out += replication_lines(r["uncertainty"], "draws")
    return out


def _pm(r: dict[str, Any], metric: str, scale: float, digits: int, single: float) -> Any:
    """'mean ± ci' of a metric over a row's replications, else the single run's value."""
    m = (r.get("replications") or {}).get("metrics", {}).get(metric)
    if m is None:
        return round(single * scale, digits)
    return f"{m['mean'] * scale:.{digits}f} ± {m['ci90'] * scale:.{digits}f}"


def _rate(x: float | None) -> Any:
    return "" if x is None else round(x, 3)


def serve_table_text(rows: list[dict[str, Any]], fmt: str) -> str:
    headers = ["design", "link", "unloaded TTFT (ms)", "TTFT p50 (ms)", "TTFT p99 (ms)", "TPOT p50 (ms)",
               "TPOT p99 (ms)", "interference (%)", "offered (req/s)", "served (req/s)", "capacity (req/s)",
               "meets SLO", "max rate (req/s)"]
    # swept values other than the link rate get a column of their own
    other = lambda r: ", ".join(f"{k}={v}" for k, v in (r.get("point") or {}).items()  # noqa: E731
                                if k != "network.bandwidth")
    swept = any(other(r) for r in rows)
    if swept:
        headers.insert(2, "point")
    table = []
    for r in rows:
        head = [r["scenario"], r.get("bandwidth") or ""] + ([other(r)] if swept else [])
        if "error" in r:
            table.append(head + [f"invalid: {r['error']}"] + [""] * (len(headers) - len(head) - 1))
            continue
        if "loaded" not in r:  # an analytical search without a rate
            table.append(head + [round(r["unloaded_ttft_s"] * 1e3, 2)] + [""] * (len(headers) - len(head) - 2)
                         + [_rate(r["slo"]["max_rate_per_s"])])
            continue
        L = r["loaded"]
        # every replicated metric as its mean and 90% interval over seeds; an overloaded row's
        # latencies say so in their own cells (they grow with the run's length, not a steady state)
        flag = " OVERLOADED" if r["load"]["overloaded"] else ""
        latency = [_pm(r, "ttft_p50_s", 1e3, 2, L["ttft_s"]["p50"]), _pm(r, "ttft_p99_s", 1e3, 2, L["ttft_s"]["p99"]),
                   _pm(r, "tpot_p50_s", 1e3, 3, L["tpot_s"]["p50"]), _pm(r, "tpot_p99_s", 1e3, 3, L["tpot_s"]["p99"])]
        table.append(head + [_pm(r, "unloaded_ttft_s", 1e3, 2, r["unloaded_ttft_s"]),
                      *[f"{x}{flag}" if flag else x for x in latency],
                      round(L["decode_interference_share"] * 100, 2),
                      _rate(r["load"]["offered_rate_per_s"]),
                      _pm(r, "served_per_s", 1.0, 3, r["load"]["served_rate_per_s"]),
                      _rate(r["load"]["capacity_per_s"]),
                      "OVERLOADED" if r["load"]["overloaded"] else ("yes" if r["meets_slo"] else "no")
                      + (" (near saturation)" if r.get("near_saturation") else ""),
                      _pm(r, "max_rate_per_s", 1.0, 3, r["slo"]["max_rate_per_s"]) if "slo" in r else ""])
    if any(error_span(r) for r in rows):
        headers.append("max rate across model error (req/s)")
        for row, r in zip(table, rows):
            span = error_span(r)
            row.append(f"{span[0]:.3g}-{span[1]:.3g}" if span else "")
    models = {r.get("model", "simulated") for r in rows if "error" not in r}
    if models - {"simulated"} or any("analytical" in r for r in rows):
        headers.append("model")
        for row, r in zip(table, rows):
            row.append(r.get("model", ""))
    if any("analytical" in r for r in rows):  # --model both: the screen beside the confirmation
        headers += ["analytical TTFT p99 (ms)", "analytical TPOT p99 (ms)", "analytical max rate (req/s)"]
        for row, r in zip(table, rows):
            a = r.get("analytical") or {}
            lo = a.get("loaded")
            row += [round(lo["ttft_s"]["p99"] * 1e3, 2) if lo else "", round(lo["tpot_s"]["p99"] * 1e3, 3) if lo else "",
                    _rate(a["slo"]["max_rate_per_s"]) if "slo" in a else ""]
    notes = sorted({n for r in rows for n in r.get("validity", [])})
    if notes:  # a regime the interference model was not validated in (engines/serving/validity.py)
        headers.append("validity")
        for row, r in zip(table, rows):
            row.append("UNVALIDATED" if r.get("validity") else "")
    if fmt == "csv":
        return _csv(headers, table)
    bases = sorted({r["interference_basis"] for r in rows if r.get("interference_basis")})
    errors = dict.fromkeys(f"{r['scenario']}: {interference_error_text(r['interference_error'])}"
                           for r in rows if r.get("interference_error"))
    return (github_table(table, headers=headers) + "\n" + "".join(f"UNVALIDATED: {n}\n" for n in notes)
            + "".join(f"interference rests on: {b}\n" for b in bases)
            + "".join(f"interference model's held-out error, {e}\n" for e in errors)
            + "".join(f"{line}\n" for line in lead_lines(rows))
            + "".join(f"{line}\n" for line in assumption_lines(rows)))


def simulate_table_text(rows: list[dict[str, Any]]) -> str:
    """One row per simulated point of a sweep."""
    headers = ["design", "point", "latency mean (ms)", "latency p99 (ms)", "throughput (Gbps)", "KV (Gbps)",
               "bottleneck", "offered (req/s)", "served (req/s)", "capacity (req/s)", "load"]
    table = []
    for r in rows:
        point = ", ".join(f"{k}={v}" for k, v in (r.get("point") or {}).items())
        if "error" in r:
            table.append([r["scenario"], point, f"invalid: {r['error']}"] + [""] * (len(headers) - 3))
            continue
        load = r["load"]
        table.append([r["scenario"], point, round(r["latency_s"]["mean"] * 1e3, 2), round(r["latency_s"]["p99"] * 1e3, 2),
                      round(r["throughput_gbps"], 3), round(r["kv_throughput_gbps"], 2), r["bottleneck"],
                      _rate(load["offered_rate_per_s"]), _rate(load["served_rate_per_s"]), _rate(load["capacity_per_s"]),
                      "OVERLOADED" if load["overloaded"] else "ok"])
    notes = []
    for r in rows:
        extra = _interval_lines(r)
        if extra:
            point = ", ".join(f"{k}={v}" for k, v in (r.get("point") or {}).items())
            notes += [f"{r['scenario']}" + (f" [{point}]" if point else "")] + extra
    return github_table(table, headers=headers) + "\n" + ("\n".join(notes) + "\n" if notes else "")


def load_lines(v: dict[str, Any], unit: str = "requests/s") -> list[str]:
    """Report lines for a verdict (empty for requests arriving together)."""
    if v["offered_rate_per_s"] is None:
        return []
    cap = v["capacity_per_s"]
    lines = [f"  rates           offered {v['offered_rate_per_s']:.3g} {unit}, served {v['served_rate_per_s']:.3g}"
             + (f", capacity {cap:.3g} ({v['offered_share_of_capacity'] * 100:.0f}% offered; {v['capacity_basis']})"
                if cap else "")]
    if v["overloaded"]:
        lines.append("  OVERLOADED      " + "; ".join(v["overload_reasons"])
                     + ": latencies grow with the run length and are not a steady state")
    return lines


def replication_lines(summary: dict[str, Any], kind: str) -> list[str]:
    """Text lines of a replication or uncertainty summary."""
    def ms(name: str, v: float) -> str:
        if name.endswith("_per_s"):
            return f"{v:.4g}/s"
        return f"{v * 1e3:.4g} ms" if name.endswith("_s") else f"{v:.4g}"

    if kind == "seeds":
        head = f"  over {summary['n']} seeds (mean, 90% confidence interval):"
        body = [f"    {name:<16} {ms(name, m['mean'])} ± {ms(name, m['ci90'])}" for name, m in summary["metrics"].items()]
    else:
        head = f"  over {summary['n']} draws of the assumed, fitted and derived numbers (median [90% interval]):"
        body = [f"    {name:<16} {ms(name, m['p50'])} [{ms(name, m['p5'])}, {ms(name, m['p95'])}]"
                for name, m in summary["metrics"].items()]
    if "meets_slo_share" in summary:
        body.append(f"    meets the SLOs in {100 * summary['meets_slo_share']:.0f}% of them")
    return [head, *body]


def interference_error_text(bands: dict[str, dict] | None) -> str | None:
    """One line: each kernel class's factors on decode's loss and on its own stretch."""
    if not bands:
        return None
    parts = []
    for cls, b in bands.items():
        if b.get("absent"):
            parts.append(f"{cls}: never checked against measurement (no band)")
            continue
        d, s = b["decode_loss"], b.get("stretch")
        kinds = {d["kind"]} | ({s["kind"]} if s else set())
        basis = ("from this GPU's held-out points" if kinds == {"derived"} else
                 "assumed, the measured GPUs' widest" if kinds == {"assumed"} else "/".join(sorted(kinds)))
        stretch = f", its stretch x{s['range'][0]:.3g}-{s['range'][1]:.3g}" if s else ""
        parts.append(f"{cls}: decode's loss x{d['range'][0]:.3g}-{d['range'][1]:.3g}{stretch} ({basis})")
    return ("; ".join(parts) + " (the model as fitted is x1; --uncertainty draws these; docs/serving.md, "
            "The model's own error)")


def _slo_rate(r: dict[str, Any]) -> float | None:
    """A row's SLO-bound rate as its table shows it: the mean over its replications, else its run's."""
    m = (r.get("replications") or {}).get("metrics", {}).get("max_rate_per_s")
    return m["mean"] if m is not None else (r.get("slo") or {}).get("max_rate_per_s")


def error_span(r: dict[str, Any], rate: float | None = None) -> tuple[float, float] | None:
    """A row's SLO-bound rate at the lowest and highest corner of the interference model's held-out
    error: ``rate`` (else the row's, _slo_rate) scaled by the analytical model's ratios there."""
    span = (r.get("slo") or {}).get("max_rate_across_model_error")
    rate = _slo_rate(r) if rate is None else rate
    if not span or not span["model"] or rate is None:
        return None
    return rate * span["worst"] / span["model"], rate * span["best"] / span["model"]


def lead_lines(rows: list[dict[str, Any]]) -> list[str]:
    """For designs searched at the same link and point: whether each lead in SLO-bound rate holds
    across the interference model's held-out error (the leader at its worst end still ahead of the
    other at its best) or flips within it. Nothing where no row carries a span."""
    if not any(error_span(r) for r in rows):
        return []
    out = []
    for link, lead, other in _pairs(rows):
        worst = (error_span(lead) or (_slo_rate(lead),) * 2)[0]
        best = (error_span(other) or (_slo_rate(other),) * 2)[1]
        at = f" at {link}" if link else ""
        tolerance = max((r["slo"].get("max_rate_across_model_error") or {}).get("tolerance", 0.0)
                        for r in (lead, other))
        if worst > best * (1 + tolerance):
            continue
        how = "ties" if worst > best else "falls behind"
        out.append(f"FLIPS WITHIN THE MODEL'S ERROR{at}: {lead['scenario']} leads {other['scenario']} as fitted "
                   f"({_slo_rate(lead):.3g} against {_slo_rate(other):.3g} req/s), "
                   f"but at its error's worst end ({worst:.4g}) it {how} the other's best ({best:.4g})"
                   + (f" within the rate search's {tolerance:.1%}" if how == "ties" else ""))
    return out or ["every lead in SLO-bound rate holds across the interference model's held-out error"]


def _pairs(rows: list[dict[str, Any]]):
    """(link, leader, other) for designs searched at the same link and point, the leader by SLO-bound rate."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for r in rows:
        if "error" not in r and "slo" in r and _slo_rate(r) is not None:
            groups.setdefault((r.get("bandwidth"), str(r.get("point"))), []).append(r)
    for (link, _), members in groups.items():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                yield (link, a, b) if _slo_rate(a) >= _slo_rate(b) else (link, b, a)


def assumption_lines(rows: list[dict[str, Any]]) -> list[str]:
    """For designs searched at the same link and point: whether each lead in SLO-bound rate holds with
    every interference assumption at either end of its range (the same end for both designs: it is the
    GPU's), each row's rate scaled by the analytical model's ratio there. Nothing where no row carries them."""
    spans = {id(r): (r.get("slo") or {}).get("max_rate_across_assumptions") for r in rows}
    if not any(spans.values()):
        return []
    out, names = [], sorted({n for sp in spans.values() if sp for n in sp["at"]})
    for link, lead, other in _pairs(rows):
        a, b = spans[id(lead)], spans[id(other)]
        if not (a and b and a["model"] and b["model"]):
            continue
        tolerance = max(a["tolerance"], b["tolerance"])
        for end in sorted(set(a["at"]) & set(b["at"])):
            mine = _slo_rate(lead) * a["at"][end] / a["model"]
            theirs = _slo_rate(other) * b["at"][end] / b["model"]
            if mine > theirs * (1 + tolerance):
                continue
            how = "ties" if mine > theirs * (1 - tolerance) else "falls behind"
            at = f" at {link}" if link else ""
            out.append(f"FLIPS WITHIN AN ASSUMPTION'S RANGE{at}: {lead['scenario']} leads {other['scenario']} as "
                       f"given ({_slo_rate(lead):.3g} against {_slo_rate(other):.3g} req/s), but with "
                       f"gpu.interference.{end} (assumed; the end of its range) it {how} ({mine:.4g} against "
                       f"{theirs:.4g})" + (f" within the rate search's {tolerance:.1%}" if how == "ties" else ""))
    return out or [f"every lead in SLO-bound rate holds across the interference assumptions' ranges "
                   f"({', '.join(dict.fromkeys(n.split('=')[0] for n in names))})"]
