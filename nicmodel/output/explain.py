"""Text that explains one result: an evaluated design point, an optical fabric, a calibration,
a sensitivity ranking, a validation report."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any


from .markdown import github_table
from .tables import mib, microseconds

if TYPE_CHECKING:  # the validation report's types; eval's text needs none of it
    from ..validation.predict import Prediction


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
        f"  throughput      {r['throughput_gbps']:.3f} Gbps {r.get('network_form') or 'compressed'} from the network "
        f"({r['kv_throughput_gbps']:.2f} Gbps of KV into GPU memory)",
        f"  bottleneck      {r['bottleneck']}",
        f"  fetch latency   {r['fetch_latency_s'] * 1e3:.2f} ms for a {r['request']['prefix_tokens']:.0f}-token prefix "
        + ("(naive: whole object per stage)" if naive else
           f"({chunk['count']:.2f} chunks of {chunk['tokens']:.0f} tokens, {chunk['slots_in_flight']:.0f} in flight)"),
    ]
    if r["nic_memory_usable_bytes"] is not None:
        fits = "fits" if r["fits_nic_memory"] else "DOES NOT FIT"
        lines.append(
            f"  NIC memory      {mib(r['nic_memory_peak_bytes'])} in flight of "
            f"{mib(r['nic_memory_usable_bytes'])} usable ({fits})"
        )
    lines.append(f"  GPU staging     {mib(r['gpu_staging_bytes'])}")
    g = r.get("gpu_memory")
    if g and g["fits"]:
        lines.append(f"  GPU memory      weights {g['weight_bytes'] / 1e9:.1f} GB + staging {g['staging_bytes'] / 1e9:.2f} GB "
                     f"of {g['usable_bytes'] / 1e9:.1f} GB usable"
                     + (f"; KV room for {g['batch_that_fits']} requests" if g.get("batch_that_fits") else ""))
    elif g:
        lines.append(f"  GPU memory      DOES NOT FIT: {g['problem']} (the fetch numbers above hold; serving this "
                     "model needs a larger GPU or several)")
    if r["cores"]:
        lines.append("  cores           " + " ".join(f"{s}={n}" for s, n in r["cores"].items()))
    for w in r["warnings"]:
        lines.append(f"  WARNING: {w}")
    res_rows = [
        [name, d["kind"], f"{d['utilization'] * 100:.1f}%", f"{d['busy_s_per_chunk'] * 1e6:.2f}",
         mib(d["bytes_per_chunk"]) if "bytes_per_chunk" in d else ""]
        for name, d in sorted(r["resource_detail"].items(), key=lambda kv: -(kv[1]["utilization"] or 0))
    ]
    lines += ["", github_table(res_rows, headers=["resource", "kind", "utilization", "busy us/chunk", "bytes/chunk"])]
    stage_rows = [
        [name, s["kind"] + (" (implied)" if s["implied"] else ""), s["resource"],
         f"{s['time_alone_s_per_chunk'] * 1e6:.1f}", f"{s['alone_gbps']:.2f}"]
        for name, s in r["stages"].items()
    ]
    lines += ["", github_table(stage_rows, headers=["stage", "kind", "resource", "time alone us/chunk",
                                                 "alone Gbps (output)"])]
    return "\n".join(lines) + "\n"


def fabric_text(report: dict[str, Any]) -> str:
    """Human-readable fabric report."""
    s = report["schedule"]
    share = s["circuit_share"]
    lines = [
        f"{s['fabric']} [ran: {s['schedule']} schedule]",
        f"  schedule        {s['schedule']}: {s['slices_per_cycle']} slices of {microseconds(s['slice_s'])} per cycle "
        f"({microseconds(s['cycle_s'])}), {s['tors']} ToRs x {s['uplinks_per_tor']} uplinks x {s['uplink_gbps']:g} Gbps",
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
                  + (f", transfer of {mib(nbytes)}" if nbytes else "")]
        rows = []
        for routing, e in pair["routing"].items():
            if "unavailable" in e:
                rows.append([routing, e["unavailable"]] + [""] * 7)
                continue
            w, f = e["first_byte_wait_s"], e["first_byte_latency_s"]
            rows.append([
                routing, f"{e['bandwidth_gbps']:.2f}", f"{microseconds(w['mean'])} / {microseconds(w['p99'])} / {microseconds(w['max'])}",
                f"{microseconds(f['mean'])} / {microseconds(f['max'])}", f"{e['hops']['mean']:.2f} (max {e['hops']['max']:.0f})",
                microseconds(e["jitter_s"]), f"{mib(e['source_buffer_bytes'])} / {mib(e['intermediate_buffer_bytes'])}",
                "yes" if e["loss_free"] else "NO",
                (f"{microseconds(e['transfer_s']['mean'])} / {microseconds(e['transfer_s']['p99'])}" if "transfer_s" in e else ""),
            ])
        lines.append(github_table(rows, headers=["routing", "Gbps", "wait mean/p99/max", "first byte mean/max",
                                             "hops", "jitter", "buffer src/mid", "loss-free",
                                             "transfer mean/p99"]))
        if "vlb" in pair["routing"]:
            load = pair.get("background_load", 0.0)
            lines.append(("vlb assumes the rest of the fabric is idle" if not load else
                          f"vlb and fastest_path borrow only the {100 - load * 100:.0f}% of other pairs' circuits that "
                          f"background traffic leaves ({load:.0%} load)")
                         + ": its second hop borrows other pairs' circuits, so under background load its rate falls "
                           "toward the direct one's (set fabric.background_load, a share of circuit capacity)")
    return "\n".join(lines) + "\n"


def alternatives_text(a: dict[str, Any]) -> str:
    """Equally good explanations of the fitted points, what each does to the answer, and the
    measurement that would tell them apart."""
    good = [e for e in a["explanations"] if e["explains"]]
    lines = ["", "what the fitted points cannot tell apart: each parameter fitted alone (the others at their "
             "spec values)"]
    rows = []
    for e in a["explanations"]:
        ans = e.get("answer", {})
        rows.append([e["parameter"], f"{e['spec_value']:.4g} -> {e['value']:.4g}", f"{e['worst_residual_pct']:.2f}%",
                     "yes" if e["explains"] else "no",
                     f"{ans['throughput_gbps']:.2f}" if ans else "", f"{ans['fetch_latency_s'] * 1e3:.1f}" if ans else "",
                     ans.get("bottleneck", ""), ans.get("best_chunk_tokens", "")])
    lines.append(github_table(rows, headers=["parameter", "spec -> alone (SI)", "worst residual", "explains it",
                                         "throughput Gbps", "fetch ms", "bottleneck", "best chunk"]))
    if len(good) >= 2:
        alts = " or ".join(f"{e['parameter']} = {e['value']:.4g}" for e in good)
        lines.append(f"equally good explanations: {alts}")
        chunks = {e['answer'].get('best_chunk_tokens') for e in good}
        if len(chunks) > 1:
            lines.append(f"  they disagree on the best chunk size ({', '.join(str(c) for c in sorted(chunks))} tokens)")
        for m in a["separate_with"]:
            what = m["metric"] + (f" of {m['argument']}" if m["argument"] else "")
            pred = ", ".join(f"{k}: {v:.4g}" for k, v in m["predicted"].items())
            lines.append(f"  measure {what} next: the explanations predict it {m['spread_pct']:.0f}% apart ({pred})")
    elif len(good) == 1:
        lines.append(f"only {good[0]['parameter']} explains the points alone")
    else:
        lines.append("no parameter explains the points alone")
    return "\n".join(lines) + "\n"


def calibrate_text(result, held, cv, output: str | None) -> str:
    """Fitted values, intervals, identifiability, residuals, and accuracy on unused points."""
    rows = []
    for key in result.keys:
        lo, hi = result.ci95[key]
        rows.append([key, f"{result.initial[key]:.6g}", f"{result.values[key]:.6g}", f"[{lo:.4g}, {hi:.4g}]",
                     f"[{result.bounds[key][0]:.4g}, {result.bounds[key][1]:.4g}]", result.identifiability[key]])
    lines = ["fitted parameters (SI units)",
             github_table(rows, headers=["parameter", "spec value", "fitted", "95% CI", "range", "identifiability"]), "",
             "residuals on the fitted points (these show the fit, not accuracy)",
             github_table([[p.row, p.metric, p.argument or "", f"{r:+.2f}%"] for p, r in result.residuals_pct],
                      headers=["row", "metric", "argument", "residual"])]

    def accuracy(title: str, preds) -> None:
        if not preds:
            return
        errors = [pr.error_pct for pr in preds]
        lines.extend(["", f"{title}: MAPE {sum(abs(e) for e in errors) / len(errors):.2f}%, "
                          f"worst {max(errors, key=abs):+.2f}% over {len(errors)} points",
                      github_table([[pr.point.row, pr.point.metric, pr.point.argument or "", f"{pr.error_pct:+.2f}%"]
                                for pr in preds], headers=["row", "metric", "argument", "error"])])

    accuracy("held-out points, predicted with the fitted values", held)
    accuracy("cross-validation (each fitted point predicted by a fit without it)", cv)
    if output:
        lines += ["", f"wrote {output}"]
    return "\n".join(lines) + "\n"


def sensitivity_text(metric: str, oat, sobol, note: str = "") -> str:
    lines = [f"sensitivity of {metric}", *([note] if note else []), "",
             "one at a time (each parameter at the ends of its range, the others at their values):",
             github_table([[r["parameter"], r["kind"], f"{r['low']:.4g} .. {r['high']:.4g}", f"{r['output_at_low']:.5g}",
                        f"{r['output_at_high']:.5g}", f"{r['swing']:.4g}"] for r in oat],
                      headers=["parameter", "kind", "range (SI)", "output at low", "output at high", "swing"])]
    if sobol:
        lines += ["", "Sobol indices (all parameters uniform over their ranges):",
                  github_table([[r["parameter"], f"{r['first_order']:.3f}", f"{r['total']:.3f}"] for r in sobol],
                           headers=["parameter", "first order", "total"])]
    top = oat[0]["parameter"] if oat else None
    if top:
        lines += ["", f"Measure {top} first: it moves {metric} the most over its plausible range."]
    return "\n".join(lines) + "\n"


def report_rows(preds: list[Prediction]) -> list[list[Any]]:
    from ..validation.predict import unit_factor
    rows = []
    for pr in preds:
        p = pr.point
        factor = unit_factor(p)
        rows.append([p.row, p.metric, p.argument or "", ";".join(p.overrides), p.role,
                     f"{p.value / factor:.5g} {p.unit}", f"{pr.predicted / factor:.5g} {p.unit}",
                     f"{pr.error_pct:+.2f}%"])
    return rows


POINTS_SHOWN = 200  # a longer trace lists its largest errors; every point is in --format json


def report_text(preds: list[Prediction], bad: list[Prediction]) -> str:
    from ..validation.validate import summary
    shown = preds
    if len(preds) > POINTS_SHOWN:  # the largest errors first; the summary below covers every point
        shown = sorted(preds, key=lambda pr: -abs(pr.error_pct) if math.isfinite(pr.error_pct) else -math.inf)
        shown = sorted(shown[:POINTS_SHOWN], key=lambda pr: pr.point.row)
    lines = [github_table(report_rows(shown), headers=["row", "metric", "argument", "overrides", "role", "measured",
                                                   "predicted", "error"]), ""]
    if len(shown) < len(preds):
        lines.insert(1, f"(the {len(shown)} points with the largest errors of {len(preds):,}; every point: "
                        "--format json)")
    groups = summary(preds)
    noise = any("noise_pct" in g for g in groups)  # a column only where some point carries a standard error
    loss = any("loss_mape_pct" in g for g in groups)  # a column only where decode's side was measured

    def loss_share(g: dict) -> list[str]:
        if not loss:
            return []
        return [f"{g['loss_mape_pct']:.1f}% ({g['loss_points']})" if "loss_mape_pct" in g else ""]

    def floor(g: dict) -> list[str]:
        if not noise:
            return []
        return [f"{g['noise_pct']:.2f}% ({g['noise_points']})" if "noise_pct" in g else ""]

    if any("family" in g for g in groups):  # interference traces: errors by family, with their 90th percentile
        lines.append(github_table([[g["metric"], g.get("family", ""), g["role"], g["points"], f"{g['mape_pct']:.2f}%",
                                f"{g['p90_pct']:.2f}%", f"{g['worst_pct']:+.2f}%",
                                f"{g['charged_excess']:.2f}" if "charged_excess" in g else "", *loss_share(g),
                                *floor(g)]
                               for g in groups],
                              headers=["metric", "family", "role", "points", "MAPE", "p90 |error|", "worst",
                                       "excess charged", *(["loss-share MAPE"] if loss else []),
                                       *(["noise floor"] if noise else [])]))
        lines.append("excess charged: the model's slowdown over the measured one, sum(predicted - 1) / "
                     "sum(measured - 1); far from 1 where a small ratio error hides a large miss.")
        if loss:
            lines.append("loss-share MAPE: decode's side read as its loss share, 1 - 1/ratio, per point whose "
                         "measured loss is at least 1% (how many in brackets): the error the serving engines "
                         "carry per unit of a kernel's busy share.")
    else:
        lines.append(github_table([[g["metric"], g["role"], g["points"], f"{g['mape_pct']:.2f}%", f"{g['worst_pct']:+.2f}%",
                                    *floor(g)] for g in groups],
                                  headers=["metric", "role", "points", "MAPE", "worst",
                                           *(["noise floor"] if noise else [])]))
    if noise:
        lines.append("noise floor: the MAPE a model exact at each point's expected value would still show from the "
                     "measurement's sampling alone, sqrt(2/pi) x stderr / value (points with a standard error).")
    lines.append("")
    lines.append("Fitted points were used to fit parameters: their errors show the fit, not accuracy. "
                 "Held-out points were only predicted.")
    if bad:
        lines.append(f"FAILED: {len(bad)} point(s) outside tolerance: "
                     + ", ".join(f"row {pr.point.row} ({pr.error_pct:+.2f}%)" for pr in bad))
    return "\n".join(lines) + "\n"


def families_text(above: list[dict], mape_pct: float | None) -> str:
    """The per-family target's verdict line (`validate --family-mape`): nothing when none was asked."""
    from ..validation.validate import family_name  # only where validate runs (it loads the predictor)
    if mape_pct is None:
        return ""
    if not above:
        return f"every held-out family within {mape_pct:g}% MAPE\n"
    return (f"FAILED: {len(above)} held-out famil{'y' if len(above) == 1 else 'ies'} above {mape_pct:g}% MAPE: "
            + ", ".join(f"{family_name(g)} {g['mape_pct']:.2f}%" for g in above) + "\n")


def standing_text(s: dict) -> str:
    """`validate T1 T2 ...`: the families above the target (largest MAPE first), then the count; with a ledger each
    family's recorded cause (NEW where it has none), the count by cause and the recorded families now within."""
    from ..validation.validate import family_name
    rows = sorted(s["above"], key=lambda g: -g["mape_pct"])
    ledger = s.get("ledger")
    lines = []
    if rows:
        headers = ["trace", "family", "points", "MAPE", "worst"] + (["recorded cause"] if ledger else [])
        lines += [github_table([[g["trace"], family_name(g), g["points"],
                                 f"{g['mape_pct']:.2f}%", f"{g['worst_pct']:+.2f}%"]
                                + ([g["cause"] or "NEW: not in the ledger"] if ledger else []) for g in rows],
                               headers=headers), ""]
    within = s["families"] - len(rows)
    lines.append(f"held out: {s['families']:,} families in {s['traces_held_out']:,} traces with held-out rows "
                 f"({s['traces']:,} read; each trace's metric and family counted once); "
                 f"{within:,} within {s['family_mape_pct']:g}% MAPE, {len(rows):,} above"
                 + ("" if rows else " (none)"))
    if ledger:
        lines += ["", f"against the ledger {ledger['file']}:",
                  github_table([[c["cause"], c["families"], c["misses"]] for c in ledger["by_cause"]],
                               headers=["cause", "families", "what the model misses there"])]
        lines.append(f"new (above {ledger['target_mape_pct']:g}% and not in the ledger): {ledger['new']:,}"
                     + (" -- a regression, or a miss whose cause is not yet written down" if ledger["new"] else ""))
        for e in ledger["now_within"]:
            lines.append(f"recorded but now within {ledger['target_mape_pct']:g}%: {e['trace']} {e['family']} "
                         f"({e['cause']}): take it out of the ledger")
        if ledger["not_read"]:
            lines.append(f"{ledger['not_read']:,} recorded families are on traces not read here")
    lines.append("Fitted points were used to fit parameters and never count here.")
    return "\n".join(lines) + "\n"
