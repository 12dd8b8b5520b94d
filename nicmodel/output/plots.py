"""Plots where people would rather look than read (`--plot FILE.png|svg|pdf`).

- table: fetch latency over one axis (a line per value of a second axis), or a heat map over
  two axes, with each point's bottleneck marked;
- compare: fetch latency and KV throughput per design, each bar labelled with its bottleneck;
- serve: TTFT and TPOT distributions (CDFs) of each row;
- simulate: utilization of each resource and NIC memory held over time;
- size: every candidate meeting the targets on the two Pareto metrics, the front highlighted;
- break-even: the margin between two designs over one number, or the winning regions over two;
- sensitivity: the tornado of one-at-a-time swings;
- validation: measured against predicted, per metric.

Figures are written atomically in the format the file name says (nicmodel.files.save_figure).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from ..validation.predict import Prediction, unit_factor
from ..validation.trace import Point

MARKERS = "os^vD<>ph*x+"


def _figure(width: float = 7.0, height: float = 4.4):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, *plt.subplots(figsize=(width, height))


def _save(plt, fig, path: str) -> None:
    from ..files import save_figure

    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def _number(text: str) -> float | None:
    """An axis value as a number in SI units (a quantity with its unit, or a plain number)."""
    from ..units import UNITS, UnitError, parse_quantity

    try:
        return float(text)
    except ValueError:
        pass
    for dimension in UNITS:
        try:
            return parse_quantity(text.strip(), dimension)
        except (UnitError, ValueError):
            continue
    return None


def table_plot(columns: list[str], rows: list[dict[str, Any]], axes: list[str], path: str) -> None:
    """Fetch latency over the first axis (one line per value of the second), or a heat map when
    both axes are numeric; every point's marker (or cell label) names its bottleneck."""
    plt, fig, ax = _figure()
    x_axis = axes[0]
    groups = axes[1] if len(axes) > 1 else None
    valid = [r for r in rows if isinstance(r.get("fetch_latency_ms"), float)]
    bottlenecks = sorted({r["bottleneck"] for r in valid})
    marker = {b: MARKERS[i % len(MARKERS)] for i, b in enumerate(bottlenecks)}
    numeric_x = all(_number(r[x_axis]) is not None for r in valid)
    numeric_y = groups is not None and all(_number(r[groups]) is not None for r in valid)
    if groups is not None and numeric_x and numeric_y and len({r[groups] for r in valid}) > 6:
        xs = sorted({_number(r[x_axis]) for r in valid})
        ys = sorted({_number(r[groups]) for r in valid})
        grid = np.full((len(ys), len(xs)), np.nan)
        names = np.full((len(ys), len(xs)), "", dtype=object)
        for r in valid:
            i, j = ys.index(_number(r[groups])), xs.index(_number(r[x_axis]))
            grid[i, j] = r["fetch_latency_ms"]
            names[i, j] = r["bottleneck"]
        mesh = ax.pcolormesh(xs, ys, grid, shading="nearest", cmap="viridis")
        fig.colorbar(mesh, ax=ax, label="fetch latency (ms)")
        codes = np.vectorize(lambda n: bottlenecks.index(n) if n in bottlenecks else -1)(names)
        if len(bottlenecks) > 1:  # region boundaries: where the bottleneck changes
            ax.contour(xs, ys, codes, levels=np.arange(len(bottlenecks)) + 0.5, colors="white", linewidths=1.2)
        for b in bottlenecks:
            i, j = np.argwhere(names == b)[len(np.argwhere(names == b)) // 2]
            ax.annotate(b, (xs[j], ys[i]), color="white", fontsize=8, ha="center")
        ax.set_ylabel(groups)
        if ys[0] > 0 and ys[-1] / ys[0] >= 50:
            ax.set_yscale("log")
    else:
        series: dict[str, list[dict]] = {}
        for r in valid:
            series.setdefault(r[groups] if groups else "", []).append(r)
        for label, pts in series.items():
            xs = [(_number(p[x_axis]) if numeric_x else p[x_axis]) for p in pts]
            ax.plot(xs, [p["fetch_latency_ms"] for p in pts], lw=1, label=f"{groups}={label}" if groups else None)
            for x, p in zip(xs, pts):
                ax.scatter([x], [p["fetch_latency_ms"]], marker=marker[p["bottleneck"]], color="k", s=18, zorder=3)
        for b in bottlenecks:
            ax.scatter([], [], marker=marker[b], color="k", label=f"bottleneck: {b}")
        ax.set_ylabel("fetch latency (ms)")
        ax.legend(fontsize=7)
    if numeric_x and valid and max(_number(r[x_axis]) for r in valid) / max(1e-300, min(
            _number(r[x_axis]) for r in valid)) >= 50:
        ax.set_xscale("log")
    ax.set_xlabel(f"{x_axis} (SI units)" if numeric_x else x_axis)
    ax.set_title("design table: fetch latency, bottleneck marked", fontsize=10)
    _save(plt, fig, path)


def compare_plot(results: list[dict[str, Any]], path: str) -> None:
    """Fetch latency and KV throughput per design; each bar names its bottleneck."""
    plt, fig, ax = _figure(8.0, 4.4)
    names = [r["scenario"] for r in results]
    x = np.arange(len(names))
    lat = [r["fetch_latency_s"] * 1e3 for r in results]
    kv = [r["kv_throughput_gbps"] for r in results]
    bars = ax.bar(x - 0.2, lat, 0.4, label="fetch latency (ms)", color="C0")
    ax2 = ax.twinx()
    ax2.bar(x + 0.2, kv, 0.4, label="KV into GPU (Gbps)", color="C1")
    for bar, r in zip(bars, results):
        ax.annotate(r["bottleneck"], (bar.get_x() + bar.get_width() / 2, bar.get_height()), fontsize=7,
                    ha="center", va="bottom", rotation=90)
    ax.set_xticks(x, names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("fetch latency (ms)")
    ax2.set_ylabel("KV into GPU (Gbps)")
    fig.legend(loc="upper right", fontsize=8)
    ax.set_title("compare: bottleneck named on each latency bar", fontsize=10)
    _save(plt, fig, path)


def serve_plot(rows: list[dict[str, Any]], path: str) -> None:
    """TTFT and TPOT distributions (empirical CDFs) of each serving row."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        if "error" in r or not (r.get("point") or {}).get("rate"):
            continue
        group = r["scenario"] + "".join(f", {k}={v}" for k, v in r["point"].items() if k != "rate")
        curves.setdefault(group, []).append((r["load"]["served_rate_per_s"], r["loaded"]["ttft_s"]["p99"] * 1e3))
    curves = {g: sorted(c) for g, c in curves.items() if len(c) > 1}
    fig, panels = plt.subplots(1, 3 if curves else 2, figsize=(13.5 if curves else 9.0, 4.0))
    a, b = panels[0], panels[1]
    if curves:
        c = panels[2]
        for group, pts in curves.items():
            c.plot([x for x, _ in pts], [y for _, y in pts], "o-", label=group)
        c.set_xlabel("served (requests/s)")
        c.set_ylabel("TTFT p99 (ms)")
        c.set_yscale("log")
        c.set_title("throughput against latency", fontsize=10)
        c.legend(fontsize=7)
    for r in rows:
        if "error" in r:
            continue
        raw = r.get("_samples")
        if not raw:
            continue
        label = r["scenario"] + "".join(f" {v}" for v in (r.get("point") or {}).values())
        for axis, key, scale in ((a, "ttft_s", 1e3), (b, "tpot_s", 1e3)):
            v = np.sort(np.asarray(raw[key], dtype=float)) * scale
            if v.size:
                axis.step(v, np.arange(1, v.size + 1) / v.size, where="post", label=label)
    a.set_xlabel("TTFT (ms)")
    b.set_xlabel("TPOT (ms)")
    a.set_ylabel("share of requests")
    a.legend(fontsize=7)
    a.set_title("time to first token", fontsize=10)
    b.set_title("time per output token", fontsize=10)
    _save(plt, fig, path)


def simulate_plot(run, path: str) -> None:
    """Utilization of each resource per sampling window, and NIC (and GPU) memory held."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(2, 1, figsize=(8.0, 6.0), sharex=True)
    hz = run.clock_hz
    samples = run.samples
    names = sorted({n.split(":bandwidth")[0] for _, s in samples for n in s})
    times = [t / hz for (t, _) in samples[1:]]
    for name in names:
        util = []
        for (t0, s0), (t1, s1) in zip(samples, samples[1:]):
            keys = [k for k in s1 if k.split(":bandwidth")[0] == name]
            util.append(max(((s1[k] - s0.get(k, 0.0)) / (t1 - t0) for k in keys), default=0.0) if t1 > t0 else 0.0)
        if max(util, default=0) > 0.05:
            a.plot(times, util, lw=1, label=name)
    a.set_ylabel("utilization")
    a.set_ylim(0, 1.05)
    a.legend(fontsize=7, ncol=2)
    for memory in (run.memory_samples[0][1] if run.memory_samples else {}):
        b.plot([t / hz for t, _ in run.memory_samples], [m[memory] / 2**20 for _, m in run.memory_samples],
               label=memory)
    b.set_ylabel("held (MiB)")
    b.set_xlabel("time (s)")
    b.legend(fontsize=7)
    a.set_title("simulated resources over time", fontsize=10)
    _save(plt, fig, path)


def size_plot(result: dict[str, Any], candidates: dict[str, np.ndarray] | None, path: str) -> None:
    """The Pareto front of a size query on its two metrics (the answer marked)."""
    plt, fig, ax = _figure()
    front = result.get("pareto") or {}
    metrics = front.get("metrics") or ["fetch_latency", "nic_memory"]
    scale = {"fetch_latency": 1e3, "nic_memory": 2.0**-20, "throughput": 8e-9, "kv_throughput": 8e-9, "cores": 1.0}
    unit = {"fetch_latency": "ms", "nic_memory": "MiB", "throughput": "Gbps", "kv_throughput": "Gbps", "cores": ""}
    if candidates is not None:
        ax.scatter(candidates[metrics[0]] * scale[metrics[0]], candidates[metrics[1]] * scale[metrics[1]], s=4,
                   color="0.7", label="meets the targets")
    pts = front.get("points") or []
    if pts:
        ax.plot([p["metrics"][metrics[0]] * scale[metrics[0]] for p in pts],
                [p["metrics"][metrics[1]] * scale[metrics[1]] for p in pts], "o-", color="C3", label="Pareto front")
    best = result.get("best")
    if best:
        ax.scatter([best["metrics"][metrics[0]] * scale[metrics[0]]], [best["metrics"][metrics[1]] * scale[metrics[1]]],
                   marker="*", s=150, color="C2", zorder=4, label=f"answer ({result['objective']})")
    ax.set_xlabel(f"{metrics[0]} ({unit[metrics[0]]})")
    ax.set_ylabel(f"{metrics[1]} ({unit[metrics[1]]})")
    ax.legend(fontsize=8)
    ax.set_title("size: candidates, Pareto front and the answer", fontsize=10)
    _save(plt, fig, path)


def break_even_plot(r: dict[str, Any], knobs: list, path: str, label: str = "") -> None:
    """Where each design wins: a line of the margin over one knob, or a region map over two."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..files import save_figure

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    a, b = r["designs"]
    if len(knobs) == 1:
        k = knobs[0]
        ax.plot(np.asarray(r["x"]) / k.factor, r["margin"], color="C0")  # in the unit the range was given
        if k.log:
            ax.set_xscale("log")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_xlabel(k.label)
        ax.set_ylabel(f"{r['metric']}: margin of {a} over {b}")
        for x in r["break_even"]:
            ax.axvline(x / k.factor, color="k", ls="--", lw=0.8)
        ax.set_title(f"above 0: {a} wins; below: {b} {label}".strip(), fontsize=9)
    else:
        kx, ky = knobs
        grid = np.asarray(r["margin"], dtype=float)
        wins = np.where(np.isfinite(grid), (grid > 0).astype(float), np.nan)
        ax.pcolormesh(np.asarray(r["x"]) / kx.factor, np.asarray(r["y"]) / ky.factor, wins.T, cmap="coolwarm",
                      vmin=0, vmax=1, shading="auto")
        if kx.log:
            ax.set_xscale("log")
        if ky.log:
            ax.set_yscale("log")
        ax.set_xlabel(kx.label)
        ax.set_ylabel(ky.label)
        ax.set_title(f"red: {a} wins {r['metric']}; blue: {b} {label}".strip(), fontsize=9)
    save_figure(fig, path)
    plt.close(fig)


def tornado(rows: list[dict[str, Any]], output: str, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = rows[:15][::-1]
    base = shown[0]["output"] if shown else 0.0
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(shown) + 1.5))
    for i, r in enumerate(shown):
        lo, hi = r["output_at_low"] - base, r["output_at_high"] - base
        ax.barh(i, lo, color="tab:blue", alpha=0.8, label="parameter at low end" if i == 0 else None)
        ax.barh(i, hi, color="tab:red", alpha=0.8, label="parameter at high end" if i == 0 else None)
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([r["parameter"] for r in shown], fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"change in {output} (base {base:.4g})")
    ax.legend(fontsize=8)
    fig.tight_layout()
    from ..files import save_figure

    save_figure(fig, path)
    plt.close(fig)


def _x(point: Point, index: int) -> tuple[float, bool]:
    """Where a point sits on the x axis: its size when the argument is one, else its order."""
    from ..units import UnitError, parse_quantity

    try:
        return parse_quantity(point.argument, "bytes"), True
    except (UnitError, TypeError):
        return float(index), False


def validation_plot(preds: list[Prediction], path: str | Path) -> None:
    """Per metric panel, one series per source: measured (markers; filled when held-out) and
    predicted (line)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_metric: dict[str, list[Prediction]] = defaultdict(list)
    for pr in preds:
        by_metric[pr.point.metric].append(pr)
    fig, axes = plt.subplots(len(by_metric), 1, figsize=(9, 3.4 * len(by_metric)), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (metric, items) in zip(axes[:, 0], by_metric.items()):
        factor = unit_factor(items[0].point)
        series: dict[str, list[Prediction]] = defaultdict(list)
        for pr in items:
            series[pr.point.source].append(pr)
        sized = False
        for n, (source, members) in enumerate(series.items()):
            color = colors[n % len(colors)]
            xs = [_x(pr.point, i) for i, pr in enumerate(members)]
            sized = sized or all(s for _, s in xs)
            order = sorted(range(len(members)), key=lambda i: xs[i][0])
            label = source if len(source) < 60 else source[:57] + "..."
            ax.plot([xs[i][0] for i in order], [members[i].predicted / factor for i in order], "-", color=color,
                    alpha=0.7, label=f"predicted: {label}")
            for i in order:
                held = members[i].point.role == "held-out"
                ax.plot(xs[i][0], members[i].point.value / factor, "o", color=color,
                        fillstyle="full" if held else "none")
        if sized:
            ax.set_xscale("log", base=2)
            ax.set_xlabel("bytes")
        else:
            ax.set_xticks(range(max(len(m) for m in series.values())))
            first = next(iter(series.values()))
            ax.set_xticklabels([(pr.point.argument or ";".join(o.split("=")[-1] for o in pr.point.overrides))[:18]
                                for pr in first], rotation=30, ha="right", fontsize=7)
        ax.set_title(f"{metric} (markers measured: filled held-out, open fitted; lines predicted)", fontsize=9)
        ax.set_ylabel(items[0].point.unit)
        ax.legend(fontsize=7)
    fig.tight_layout()
    from ..files import save_figure

    save_figure(fig, path)
    plt.close(fig)
