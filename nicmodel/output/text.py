"""Rendering results for people (Markdown/plain tables) and machines (CSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from tabulate import tabulate

from ..errors import SpecError

from ..engines.overload import load_lines
from ..planning.sweep import Table


def write_atomic(path: str | Path, text: str | bytes | Iterable[str]) -> None:
    """Write a file so that readers see the old content or the new, never a partial one: the
    bytes go to a temporary file in the same folder, are flushed to disk, and the temporary file
    is renamed over the target (atomic on POSIX). A process killed at any point leaves the old
    file (or none) and at most a stray `.NAME.*.tmp`."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise SpecError("is a folder; expected a file path", str(path), None, ("--output",))
    if not folder.is_dir():
        raise SpecError(f"cannot write: folder {str(folder)!r} does not exist", str(path), None, ("--output",))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise SpecError(f"cannot write: {exc.strerror}", str(path), None, ("--output",)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(text, (str, bytes)):
                handle.write(text.encode() if isinstance(text, str) else text)
            else:  # streamed: a long table is written block by block, never held whole
                for chunk in text:
                    handle.write(chunk.encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SpecError(f"cannot write: {exc.strerror}", str(path), None, ("--output",)) from None
    except BaseException:  # a failed or interrupted stream leaves the old file, not a partial one
        Path(tmp).unlink(missing_ok=True)
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plot_format(path: str | Path) -> str:
    """The image format a plot path names (png, svg, pdf), or a SpecError."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    if fmt not in ("png", "svg", "pdf"):
        raise SpecError(f"unknown plot format {fmt!r}; expected .png, .svg or .pdf", str(path), None, ("--plot",))
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        raise SpecError(f"cannot write: folder {str(folder)!r} does not exist", str(path), None, ("--plot",))
    return fmt


def save_figure(fig: Any, path: str | Path) -> None:
    """Render a matplotlib figure in the format its suffix names and write it atomically."""
    fmt = plot_format(path)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=110)
    write_atomic(path, buffer.getvalue())


def _csv(headers: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def table_text(table: Table, fmt: str) -> str:
    """A design table as markdown, csv or json."""
    if fmt == "json":
        return json.dumps({"columns": table.columns, "rows": table.rows}, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=table.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table.rows)
        return out.getvalue()
    rows = [[row[c] for c in table.columns] for row in table.rows]
    return tabulate(rows, headers=table.columns, tablefmt="github", floatfmt=".4g") + "\n"


def _mib(x: float) -> str:
    if x < 2**20:
        return f"{x / 2**10:,.1f} KiB"
    return f"{x / 2**20:,.1f} MiB" if x < 2**30 else f"{x / 2**30:,.2f} GiB"


def eval_text(result: dict[str, Any], description: str = "") -> str:
    """Human-readable report of one design point."""
    r = result
    chunk = r["chunk"]
    lines = [f"{r['scenario']}" + (f" - {description}" if description else "")]
    if r.get("overrides"):  # the description is the file's; say what was changed from it
        lines[0] += f" [with {', '.join(r['overrides'])}]"
    if r.get("hardware"):
        lines.append("  hardware        " + " | ".join(v for v in r["hardware"].values() if v))
    if not r["feasible"]:
        lines.append("  INFEASIBLE: " + "; ".join(r["warnings"]))
        return "\n".join(lines) + "\n"
    naive = chunk["slots_in_flight"] == 1 and chunk["count"] == 1
    lines += [
        f"  throughput      {r['throughput_gbps']:.3f} Gbps compressed from the network "
        f"({r['kv_throughput_gbps']:.2f} Gbps of KV into GPU memory)",
        f"  bottleneck      {r['bottleneck']}",
        f"  fetch latency   {r['fetch_latency_s'] * 1e3:.2f} ms for a {r['request']['prefix_tokens']:.0f}-token prefix "
        + ("(naive: whole object per stage)" if naive else
           f"({chunk['count']:.2f} chunks of {chunk['tokens']:.0f} tokens, {chunk['slots_in_flight']:.0f} in flight)"),
    ]
    if r["nic_memory_usable_bytes"] is not None:
        fits = "fits" if r["fits_nic_memory"] else "DOES NOT FIT"
        lines.append(
            f"  NIC memory      {_mib(r['nic_memory_peak_bytes'])} in flight of "
            f"{_mib(r['nic_memory_usable_bytes'])} usable ({fits})"
        )
    lines.append(f"  GPU staging     {_mib(r['gpu_staging_bytes'])}")
    if r["cores"]:
        lines.append("  cores           " + " ".join(f"{s}={n}" for s, n in r["cores"].items()))
    for w in r["warnings"]:
        lines.append(f"  WARNING: {w}")
    res_rows = [
        [name, d["kind"], f"{d['utilization'] * 100:.1f}%", f"{d['busy_s_per_chunk'] * 1e6:.2f}",
         _mib(d["bytes_per_chunk"]) if "bytes_per_chunk" in d else ""]
        for name, d in sorted(r["resource_detail"].items(), key=lambda kv: -(kv[1]["utilization"] or 0))
    ]
    lines += ["", tabulate(res_rows, headers=["resource", "kind", "utilization", "busy us/chunk", "bytes/chunk"],
                           tablefmt="github")]
    stage_rows = [
        [name, s["kind"] + (" (implied)" if s["implied"] else ""), s["resource"],
         f"{s['time_alone_s_per_chunk'] * 1e6:.1f}", f"{s['alone_gbps']:.2f}"]
        for name, s in r["stages"].items()
    ]
    lines += ["", tabulate(stage_rows, headers=["stage", "kind", "resource", "time alone us/chunk",
                                                 "alone Gbps (output)"], tablefmt="github")]
    return "\n".join(lines) + "\n"


COMPARE_METRICS = [
    ("throughput_gbps", "throughput (Gbps, compressed)"),
    ("kv_throughput_gbps", "KV into GPU (Gbps)"),
    ("fetch_latency_s", "fetch latency (s)"),
    ("nic_memory_peak_bytes", "NIC memory in flight (B)"),
    ("gpu_staging_bytes", "GPU staging (B)"),
]


def compare_rows(results: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Metric rows with each design's value and its ratio to the first design."""
    headers = ["metric"] + [r["scenario"] for r in results]
    headers += [f"{r['scenario']} / {results[0]['scenario']}" for r in results[1:]]
    rows: list[list[Any]] = []
    for part in ("nic", "gpu", "network"):
        if any(r.get("hardware", {}).get(part) for r in results):
            rows.append([part] + [r.get("hardware", {}).get(part) or "-" for r in results] + [""] * (len(results) - 1))
    rows.append(["bottleneck"] + [r["bottleneck"] for r in results] + [""] * (len(results) - 1))
    for key, label in COMPARE_METRICS:
        base = results[0][key]
        values = [r[key] for r in results]
        ratios = [f"{v / base:.3f}x" if base else "n/a" for v in values[1:]]
        rows.append([label] + [f"{v:.6g}" for v in values] + ratios)
    return headers, rows


def compare_text(results: list[dict[str, Any]], fmt: str) -> str:
    headers, rows = compare_rows(results)
    if fmt == "json":
        return json.dumps({"designs": results}, indent=2) + "\n"
    if fmt == "csv":
        return _csv(headers, rows)
    return tabulate(rows, headers=headers, tablefmt="github") + "\n"


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
        f"  NIC memory      peak {_mib(s['nic_memory_peak_bytes'])}, time-average {_mib(s['nic_memory_mean_bytes'])}",
        "",
        tabulate([[n, f"{u * 100:.1f}%"] for n, u in sorted(s["resources"].items(), key=lambda kv: -kv[1])],
                 headers=["resource", "utilization"], tablefmt="github"),
        "",
        "bottleneck over time:",
    ]
    for w in s["bottleneck_over_time"]:
        lines.append(f"  {w['start_s'] * 1e3:10.3f} - {w['end_s'] * 1e3:10.3f} ms  {w['resource']}")
    return "\n".join(lines) + "\n"


def _us(x: float) -> str:
    if x >= 1.0:
        return f"{x:,.3f} s"
    return f"{x * 1e6:,.2f} us" if x < 1e-3 else f"{x * 1e3:,.2f} ms"


def fabric_text(report: dict[str, Any]) -> str:
    """Human-readable fabric report."""
    s = report["schedule"]
    share = s["circuit_share"]
    lines = [
        s["fabric"],
        f"  schedule        {s['schedule']}: {s['slices_per_cycle']} slices of {_us(s['slice_s'])} per cycle "
        f"({_us(s['cycle_s'])}), {s['tors']} ToRs x {s['uplinks_per_tor']} uplinks x {s['uplink_gbps']:g} Gbps",
        f"  guard           {s['guard_s'] * 1e9:.0f} ns ({s['guard_mode']}); usable share of port time "
        f"{s['port_duty_cycle']:.4f}",
        f"  circuit share   per ordered pair: mean {share['mean']:.4f}, min {share['min']:.4f}, max {share['max']:.4f}"
        f" of the slices; {s['pairs_without_direct_circuit']} pairs never have a direct circuit",
        f"  routing         {s['routing']}",
    ]
    pair = report.get("pair")
    if pair:
        nbytes = pair.get("bytes")
        lines += ["", f"pair {pair['source_tor']} -> {pair['dest_tor']}"
                  + (f", transfer of {_mib(nbytes)}" if nbytes else "")]
        rows = []
        for routing, e in pair["routing"].items():
            if "unavailable" in e:
                rows.append([routing, e["unavailable"]] + [""] * 7)
                continue
            w, f = e["first_byte_wait_s"], e["first_byte_latency_s"]
            rows.append([
                routing, f"{e['bandwidth_gbps']:.2f}", f"{_us(w['mean'])} / {_us(w['p99'])} / {_us(w['max'])}",
                f"{_us(f['mean'])} / {_us(f['max'])}", f"{e['hops']['mean']:.2f} (max {e['hops']['max']:.0f})",
                _us(e["jitter_s"]), f"{_mib(e['source_buffer_bytes'])} / {_mib(e['intermediate_buffer_bytes'])}",
                "yes" if e["loss_free"] else "NO",
                (f"{_us(e['transfer_s']['mean'])} / {_us(e['transfer_s']['p99'])}" if "transfer_s" in e else ""),
            ])
        lines.append(tabulate(rows, headers=["routing", "Gbps", "wait mean/p99/max", "first byte mean/max",
                                             "hops", "jitter", "buffer src/mid", "loss-free",
                                             "transfer mean/p99"], tablefmt="github"))
    return "\n".join(lines) + "\n"


def calibrate_text(result, held, cv, output: str | None) -> str:
    """Fitted values, intervals, identifiability, residuals, and accuracy on unused points."""
    rows = []
    for key in result.keys:
        lo, hi = result.ci95[key]
        rows.append([key, f"{result.initial[key]:.6g}", f"{result.values[key]:.6g}", f"[{lo:.4g}, {hi:.4g}]",
                     f"[{result.bounds[key][0]:.4g}, {result.bounds[key][1]:.4g}]", result.identifiability[key]])
    lines = ["fitted parameters (SI units)",
             tabulate(rows, headers=["parameter", "spec value", "fitted", "95% CI", "range", "identifiability"],
                      tablefmt="github"), "",
             "residuals on the fitted points (these show the fit, not accuracy)",
             tabulate([[p.row, p.metric, p.argument or "", f"{r:+.2f}%"] for p, r in result.residuals_pct],
                      headers=["row", "metric", "argument", "residual"], tablefmt="github")]

    def accuracy(title: str, preds) -> None:
        if not preds:
            return
        errors = [pr.error_pct for pr in preds]
        lines.extend(["", f"{title}: MAPE {sum(abs(e) for e in errors) / len(errors):.2f}%, "
                          f"worst {max(errors, key=abs):+.2f}% over {len(errors)} points",
                      tabulate([[pr.point.row, pr.point.metric, pr.point.argument or "", f"{pr.error_pct:+.2f}%"]
                                for pr in preds], headers=["row", "metric", "argument", "error"], tablefmt="github")])

    accuracy("held-out points, predicted with the fitted values", held)
    accuracy("cross-validation (each fitted point predicted by a fit without it)", cv)
    if output:
        lines += ["", f"wrote {output}"]
    return "\n".join(lines) + "\n"


def sensitivity_text(metric: str, oat, sobol) -> str:
    lines = [f"sensitivity of {metric}", "",
             "one at a time (each parameter at the ends of its range, the others at their values):",
             tabulate([[r["parameter"], r["kind"], f"{r['low']:.4g} .. {r['high']:.4g}", f"{r['output_at_low']:.5g}",
                        f"{r['output_at_high']:.5g}", f"{r['swing']:.4g}"] for r in oat],
                      headers=["parameter", "kind", "range (SI)", "output at low", "output at high", "swing"],
                      tablefmt="github")]
    if sobol:
        lines += ["", "Sobol indices (all parameters uniform over their ranges):",
                  tabulate([[r["parameter"], f"{r['first_order']:.3f}", f"{r['total']:.3f}"] for r in sobol],
                           headers=["parameter", "first order", "total"], tablefmt="github")]
    top = oat[0]["parameter"] if oat else None
    if top:
        lines += ["", f"Measure {top} first: it moves {metric} the most over its plausible range."]
    return "\n".join(lines) + "\n"


def serve_text(r: dict[str, Any]) -> str:
    L = r["loaded"]
    t, o = L["ttft_s"], L["tpot_s"]
    lines = [
        f"{r['scenario']} ({r['control_plane']} control plane)" + (f", link {r['bandwidth']}" if r.get("bandwidth") else ""),
        f"  unloaded        TTFT {_us(r['unloaded_ttft_s'])}, TPOT {_us(r['unloaded_tpot_s'])}",
        f"  load            {L['requests']} requests" + (f" at {r['rate_per_s']:g}/s (Poisson)" if r["rate_per_s"] else
                                                          " (trace or arriving together)"),
        f"  TTFT            mean {_us(t['mean'])}  p50 {_us(t['p50'])}  p99 {_us(t['p99'])}",
        f"  TPOT            mean {_us(o['mean'])}  p50 {_us(o['p50'])}  p99 {_us(o['p99'])}",
        f"  KV ready after  mean {_us(L['kv_ready_s']['mean'])}  p99 {_us(L['kv_ready_s']['p99'])}",
        f"  decode time lost to interference {L['decode_interference_share'] * 100:.1f}%",
        *load_lines(r["load"]),
        f"  SLO             {'met' if r['meets_slo'] else 'NOT met'} at this load",
    ]
    m = r["gpu_memory"]
    lines.insert(2, f"  GPU memory      weights {m['weight_bytes'] / 1e9:.1f} GB + staging {m['staging_bytes'] / 1e9:.2f} GB "
                    f"of {m['usable_bytes'] / 1e9:.1f} GB usable; KV room for {m['batch_that_fits']} requests"
                    + (f" (batch limit {m['max_batch']} lowered to what fits)" if m["batch_that_fits"] < m["max_batch"]
                       else f" (batch limit {m['max_batch']})"))
    if "slo" in r:
        lines.append(f"  max rate        {r['slo']['max_rate_per_s']:.3g} requests/s within the SLOs")
    return "\n".join(lines + _interval_lines(r)) + "\n"


def _interval_lines(r: dict[str, Any]) -> list[str]:
    from ..planning.replications import lines
    out = []
    if r.get("replications"):
        out += lines(r["replications"], "seeds")
    if r.get("uncertainty"):
        out += lines(r["uncertainty"], "draws")
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
        L = r["loaded"]
        table.append(head + [round(r["unloaded_ttft_s"] * 1e3, 2),
                      round(L["ttft_s"]["p50"] * 1e3, 2), round(L["ttft_s"]["p99"] * 1e3, 2),
                      round(L["tpot_s"]["p50"] * 1e3, 3), round(L["tpot_s"]["p99"] * 1e3, 3),
                      round(L["decode_interference_share"] * 100, 2),
                      _rate(r["load"]["offered_rate_per_s"]), _rate(r["load"]["served_rate_per_s"]),
                      _rate(r["load"]["capacity_per_s"]),
                      "OVERLOADED" if r["load"]["overloaded"] else ("yes" if r["meets_slo"] else "no"),
                      _pm(r, "max_rate_per_s", 1.0, 3, r["slo"]["max_rate_per_s"]) if "slo" in r else ""])
        if "replications" in r:  # the TTFT p99 cell shows its mean and confidence over seeds
            table[-1][len(head) + 2] = _pm(r, "ttft_p99_s", 1e3, 2, L["ttft_s"]["p99"])
    if fmt == "csv":
        return _csv(headers, table)
    return tabulate(table, headers=headers, tablefmt="github") + "\n"


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
    return tabulate(table, headers=headers, tablefmt="github") + "\n" + ("\n".join(notes) + "\n" if notes else "")
