"""Text of the planning verdicts: a table's optimum, a comparison's winner and the assumptions that
flip them, the sizing answer, the break-even values, and intervals from uncertainty draws."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np


def optimum_text(o: dict[str, Any]) -> str:
    if o.get("best") is None:
        return f"optimum ({o['column']}): no valid row\n"
    fmt = lambda d: ", ".join(f"{k}={v}" for k, v in d.items())  # noqa: E731
    lines = [f"optimum ({o['column']}, {'lowest' if o['lower_is_better'] else 'highest'}): {fmt(o['best'])} "
             f"-> {o['value']:g}",
             f"  within {o['tolerance'] * 100:g}% of it: {o['near_best_count']:,} of {o['rows']:,} rows"
             + (f" ({'; '.join(fmt(r) for r in o['near_best'][:12])}{'; ...' if o['near_best_count'] > 12 else ''})"
                if o["near_best_count"] > 1 else " (a sharp optimum)")]
    if o.get("note"):
        lines.append(f"  {o['note']}")
        return "\n".join(lines) + "\n"
    lines += _flip_lines(o["flips"], o["assumptions_checked"], lambda f: fmt(f["best"]) + f" -> {f[o['column']]:g}")
    return "\n".join(lines) + "\n"


def robust_optimum_text(o: dict[str, Any]) -> str:
    """The optimum chosen under uncertainty, beside the nominal one, each with its chance of being best."""
    if o.get("best") is None:
        return f"optimum under uncertainty ({o['column']}): no valid row\n"
    fmt = lambda d: ", ".join(f"{k}={v}" for k, v in d["row"].items())  # noqa: E731
    stat = lambda d: (f"nominal {d['nominal']:.4g}, p5/p50/p95 {d['p5']:.4g}/{d['p50']:.4g}/{d['p95']:.4g}, "  # noqa: E731
                      f"best in {d['p_best'] * 100:.0f}% of draws")
    how = ("most often the best row" if o["by"] == "probability" else
           f"{'lowest' if o['lower_is_better'] else 'highest'} {o['by']}"
           + (f", the roundest row within {o['tolerance'] * 100:g}%" if o.get("rounded", True) else ""))
    lines = [f"optimum under uncertainty ({o['column']}, {how}; {o['draws']:,} paired draws of "
             f"{o['uncertain_numbers']} uncertain numbers): {fmt(o['chosen'])}", f"  {stat(o['chosen'])}",
             f"  nominal optimum: {fmt(o['nominal_optimum'])}: {stat(o['nominal_optimum'])}"]
    if o["most_likely_best"]["row"] != o["chosen"]["row"]:
        lines.append(f"  most often best: {fmt(o['most_likely_best'])}: {stat(o['most_likely_best'])}")
    return "\n".join(lines) + "\n"


def winner_text(w: dict[str, Any]) -> str:
    lines = [f"winner ({w['metric']}, {'lowest' if w['lower_is_better'] else 'highest'}): {w['winner']}"]
    lines += _flip_lines(w["flips"], w["assumptions_checked"], lambda f: f"{f['winner']} ({f[w['metric']]:.4g})")
    b = w.get("by")
    if b and b.get("winner"):
        odds = ", ".join(f"{n} {p * 100:.0f}%" for n, p in b["probability_best"].items())
        head = (f"  by {b['by']} over {b['draws']:,} paired draws: {b['winner']}"
                + (" (" + ", ".join(f"{n} {v:.4g} {b['unit']}" for n, v in b["quantiles"].items()) + ")"
                   if b["quantiles"] else ""))
        lines += [head, f"    probability of being best: {odds}"]
    elif b:
        lines.append(f"  by {b['by']}: {b['note']}")
    return "\n".join(lines) + "\n"


def _flip_lines(flips: list[dict], checked: int, describe: Callable[[dict], str]) -> list[str]:
    if not flips:
        return [f"  robust: no assumed number moves it within its range ({checked} checked)"]
    names = sorted({f["parameter"] for f in flips})
    out = [f"  FLIPS with {len(names)} of {checked} assumed numbers within their ranges:"]
    out += [f"    {f['parameter']} at its {f['end']} end ({f['value']}): {describe(f)}" for f in flips]
    return out


SCREEN_NOTE = "15% validated error (README, Serving model)"


def size_text(r: dict[str, Any]) -> str:
    lines = [f"size {r['scenario']}: {r['candidates']:,} candidates "
             f"({' x '.join(str(a['values']) for a in r['axes'])}), {r['valid']:,} valid, "
             f"{r['meet_targets']:,} meet {' and '.join(r['data_plane_targets']) or 'the data-plane checks'}"]
    if r.get("by"):
        lines.append(f"  judged at {r['by_note']}")
    fmt = lambda p: ", ".join(f"{k}={v}" for k, v in p["choice"].items())  # noqa: E731
    sense = "highest" if r["maximize"] else ("fewest" if r["objective"] == "cores" else "lowest")
    if r["best"] is None:
        lines.append("  NO CHOICE meets the targets")
        c = r.get("closest")
        if c:
            basis = f", max rate {c['max_rate_basis']}" if "max_rate_basis" in c else ""
            lines.append(f"  closest: {fmt(c)} (worst target missed by {100 * c['shortfall']:.1f}%{basis})")
        return "\n".join(lines) + "\n"
    b = r["best"]
    if r.get("serving_screen"):
        sc = r["serving_screen"]
        confirmed = sum(bool(x.get("meets")) for x in r["serving_checks"])
        lines.append(f"  SLO-bound rate screened for {sc['screened']:,} candidates (analytical serving model), "
                     f"{sc['screen_passed']:,} pass within its {SCREEN_NOTE}; the best {sc['simulated']} simulated "
                     f"(3 seeds each), {confirmed} confirmed")
    lines.append(f"  best ({sense} {r['objective']}): {fmt(b)}")
    lines.append("    " + "; ".join(f"{m} {show_metric(m, v)}" if m != "max_rate" else f"max_rate {v:.3g}/s"
                                    + (f" ± {b['max_rate_ci90_per_s']:.2g} simulated (analytical "
                                       f"{b['max_rate_analytical_per_s']:.3g}/s)" if "max_rate_analytical_per_s" in b else "")
                                    for m, v in b["metrics"].items()))
    lines += [f"    UNVALIDATED     {note}" for note in b.get("validity", [])]
    if "probability_best" in b:
        lines.append(f"    best of the {b['probability_best_among']} candidates meeting the targets in "
                     f"{b['probability_best'] * 100:.0f}% of the draws")
    if r.get("binding"):
        lines.append(f"    binding constraint: {r['binding']} (slack {100 * r['slack'][r['binding']]:.1f}%)")
    if r.get("runner_up"):
        u = r["runner_up"]
        lines.append(f"  runner-up: {fmt(u)} ({r['objective']} {show_metric(r['objective'], u['metrics'][r['objective']])})")
    rob = r.get("robustness", {})
    if rob.get("note"):
        lines.append(f"  robustness {rob['note']}")
    elif rob:
        if rob["holds"]:
            lines.append(f"  robust: it meets the targets with each of {rob['checked']} assumed numbers at either end "
                         "of its range")
        else:
            lines.append(f"  NOT robust: {len(rob['breaks'])} assumption ends break it, e.g. "
                         + "; ".join(f"{x['parameter']} at {x['end']} ({x['value']}) fails {', '.join(x['fails'])}"
                                     for x in rob["breaks"][:3]))
            rc = rob.get("robust_choice")
            lines.append(f"  robust choice (meets the targets at every assumption end): {fmt(rc)}" if rc
                         else "  no choice meets the targets at every assumption end")
    if r.get("pareto"):
        a, bm = r["pareto"]["metrics"]
        lines.append(f"  Pareto front of {a} and {bm} ({len(r['pareto']['points'])} points):")
        for p in r["pareto"]["points"][:25]:
            lines.append(f"    {show_metric(a, p['metrics'][a]):>12}  {show_metric(bm, p['metrics'][bm]):>12}  {fmt(p)}")
    return "\n".join(lines) + "\n"


def break_even_text(r: dict[str, Any], knobs: list, label: str = "") -> str:
    """One block per break-even: the parameter, the break-even values and each side's winner."""
    sense = "lower" if r["lower_is_better"] else "higher"
    head = f"break-even of {r['metric']} ({sense} is better): {r['designs'][0]} vs {r['designs'][1]}"
    lines = [head + (f"  [{label}]" if label else "")]
    for k, meta in zip(knobs, r["parameters"]):
        lines.append(f"  over {k.path} = {k.show(k.low)} .. {k.show(k.high)} (applied to {', '.join(meta['designs'])})")
    if len(knobs) == 1:
        k = knobs[0]
        for reg in r["regions"]:
            lines.append(f"    {k.show(reg['from']):>14} .. {k.show(reg['to']):<14} {reg['winner']} wins")
        if r["break_even"]:
            lines.append("  break-even at " + ", ".join(k.show(x) for x in r["break_even"]))
        else:
            lines.append("  no break-even in this range: one design wins throughout")
        at = r.get("at_spec_value")
        if at is not None:
            lines.append(f"  at the spec value {k.show(at['value'])}: {at['winner']} wins")
        return "\n".join(lines) + "\n"
    kx, ky = knobs
    lines.append(f"  {r['designs'][0]} wins {100 * r['share_design_1_wins']:.0f}% of the grid; "
                 f"break-even of {ky.path} for each {kx.path}:")
    step = max(1, len(r["curve"]) // 10)
    for row in r["curve"][::step]:
        cuts = ", ".join(ky.show(v) for v in row["break_even"]) or "none in range"
        lines.append(f"    {kx.show(row['x']):>14}: {cuts}")
    return "\n".join(lines) + "\n"


def point_text(u: dict[str, Any]) -> str:
    lines = [f"uncertainty: {u['samples']:,} draws of {len(u['numbers'])} assumed, fitted and derived numbers over their "
             f"ranges (seed {u['seed']}); median and 90% interval"]
    for name, o in u["outputs"].items():
        if not np.isfinite(o["p50"]):
            continue
        drivers = ", ".join(f"{d['parameter']} ({d['rank_correlation']:+.2f})" for d in o["drivers"])
        lines.append(f"  {name:<14} {o['p50']:.4g} {o['unit']}  [{o['p5']:.4g}, {o['p95']:.4g}]"
                     + (f"   driven by {drivers}" if drivers else ""))
    shares = ", ".join(f"{k} {100 * v:.0f}%" for k, v in list(u["bottleneck_shares"].items())[:4])
    lines.append(f"  bottleneck     {shares}")
    if u["invalid_share"] > 0:
        lines.append(f"  {100 * u['invalid_share']:.1f}% of draws cannot run (cores or buffers do not fit)")
    return "\n".join(lines) + "\n"


def show_metric(metric: str, value_si: float) -> str:
    if not np.isfinite(value_si):
        return "n/a"
    if metric in ("throughput", "kv_throughput"):
        return f"{value_si * 8 / 1e9:.4g} Gbps"
    if metric == "fetch_latency":
        return f"{value_si * 1e3:.4g} ms"
    if metric == "nic_memory":
        return f"{value_si / 2**20:,.1f} MiB"
    if metric == "cost":
        return f"{value_si * 3600:.4g} USD/h"
    return f"{value_si:.4g}"
