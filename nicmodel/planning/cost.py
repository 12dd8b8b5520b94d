"""What a serving setup costs: the server's price per hour, per request at the SLO-bound rate,
and the SmartNIC price at which offloading breaks even against decoding on the GPU.

A server's cost per hour is its GPU's hourly price (a cloud rate per GPU: host, power and
network included) plus, for a design that runs stages on the SmartNIC, the NIC's purchase price
over its amortization. Per request: that cost over the SLO-bound rate. The break-even NIC price
P makes the two designs cost the same per request at their SLO-bound rates r_nic and r_gpu:
(G + P / A) / r_nic = G / r_gpu, so P = A x G x (r_nic / r_gpu - 1) (G the GPU's hourly price,
A the amortization); at or below zero the SmartNIC never pays for itself at that link rate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import SpecError

HOUR = 3600.0


def uses_nic(scenario) -> bool:
    """Whether the design runs any stage on the SmartNIC (its cores or engines)."""
    stages = scenario.design.stages or {}
    return any(str(getattr(st, "resource", "") or "").startswith("nic") for st in stages.values())


def server_cost(scenario) -> dict[str, Any] | None:
    """The server's cost per hour, by part (None when the GPU spec has no hourly price)."""
    gpu = scenario.gpu.hourly_price
    if gpu is None:
        return None
    out = {"gpu_usd_per_hour": gpu.si * HOUR, "nic_usd_per_hour": 0.0}
    if uses_nic(scenario):
        nic = scenario.nic
        if nic.price is None or nic.amortization is None:
            raise SpecError(f"{nic.name}: the design runs on the SmartNIC but its spec has no price and amortization "
                            "to cost it", scenario.name, None, ("nic", "price"))
        out["nic_usd_per_hour"] = nic.price.si / nic.amortization.si * HOUR
    out["server_usd_per_hour"] = out["gpu_usd_per_hour"] + out["nic_usd_per_hour"]
    return out


def serving_cost(scenario, max_rate_per_s: float | None) -> dict[str, Any] | None:
    """Cost per hour and, given the SLO-bound rate, per million requests and requests per dollar."""
    cost = server_cost(scenario)
    if cost is None:
        return None
    if max_rate_per_s:
        cost["usd_per_million_requests"] = cost["server_usd_per_hour"] / (max_rate_per_s * HOUR) * 1e6
        cost["requests_per_usd"] = max_rate_per_s * HOUR / cost["server_usd_per_hour"]
    return cost


def break_even_price(nic_rate: Any, gpu_rate: Any, gpu_usd_per_hour: Any, amortization_h: Any) -> Any:
    """The SmartNIC price (USD) at which both designs cost the same per request (see above)."""
    ratio = np.asarray(nic_rate, dtype=float) / np.maximum(np.asarray(gpu_rate, dtype=float), 1e-300)
    return amortization_h * gpu_usd_per_hour * (ratio - 1.0)


SHARED = ("gpu.", "host.", "network.", "pcie.", "model.")  # hardware both designs run on (not the NIC)


def nic_break_even(nic_path: str, gpu_path: str, bandwidths: list[str], overrides: list[str] | tuple[str, ...] = (),
                   draws: int = 32, seed: int = 0, confirm: bool = False) -> list[dict[str, Any]]:
    """At each link rate: both designs' SLO-bound rates (analytical serving model), their cost per
    million requests, and the SmartNIC price at which offloading breaks even, with its 90%
    interval over ``draws`` paired draws of the uncertain numbers (the hardware both designs share
    drawn alike) and how often the NIC's listed price is below it. ``confirm``: the nominal
    answer again from the simulator (its SLO-rate search, mean of 3 seeds of 200 requests)."""
    from ..engines.serving import analytic, queueing
    from ..engines.serving.validity import interference_basis, interference_error
    from ..spec.loader import load_scenario
    from .replications import draw_overrides

    rows = []
    for bw in bandwidths:
        sets = [*overrides, f"network.bandwidth={bw}"]
        nominal = load_scenario(nic_path, sets)
        variants = [[]] + draw_overrides(nominal, draws, seed)
        nic_points, gpu_points, costs = [], [], []
        for extra in variants:
            nic_s = load_scenario(nic_path, [*sets, *extra])
            gpu_s = load_scenario(gpu_path, [*sets, *(e for e in extra if e.startswith(SHARED))])
            c = server_cost(nic_s)
            if c is None or server_cost(gpu_s) is None:
                raise SpecError(f"{nic_s.gpu.name}: the GPU spec has no hourly_price, so no cost can be compared",
                                nic_path, None, ("gpu", "hourly_price"))
            nic_points.append(analytic.points_of(nic_s))
            gpu_points.append(analytic.points_of(gpu_s))
            costs.append((c["gpu_usd_per_hour"], nic_s.nic.amortization.si / HOUR, nic_s.nic.price.si))
        r_nic = queueing.max_rate(queueing.Points.stack(nic_points))["max_rate_per_s"]
        r_gpu = queueing.max_rate(queueing.Points.stack(gpu_points))["max_rate_per_s"]
        g, a, listed = (np.array(x) for x in zip(*costs))
        price = break_even_price(r_nic, r_gpu, g, a)
        gpu_nominal = load_scenario(gpu_path, sets)
        row = {"bandwidth": bw, "smartnic_design": nominal.name, "gpu_design": gpu_nominal.name,
               "smartnic_max_rate_per_s": float(r_nic[0]), "gpu_max_rate_per_s": float(r_gpu[0]),
               "smartnic_usd_per_million_requests": _per_million(g[0] + listed[0] / a[0], r_nic[0]),
               "gpu_usd_per_million_requests": _per_million(g[0], r_gpu[0]),
               "listed_nic_price_usd": float(listed[0]), "break_even_nic_price_usd": float(price[0]),
               "model": "analytical serving model",
               # what GPU decoding's loss to interference, which the verdict turns on, rests on
               "interference_basis": interference_basis(gpu_nominal),
               "interference_error": interference_error(gpu_nominal)}
        spans = [analytic.max_rate_spans(x) for x in (nominal, gpu_nominal)]  # one search a design for both
        across = _across_model_error(nominal, gpu_nominal, [sp[0] for sp in spans], g[0], a[0])
        if across is not None:
            # each design's own kernels across the interference model's held-out error (its corners): the
            # least offload is worth (the SmartNIC design at its worst corner, GPU decoding at its best) and the most
            row["break_even_across_model_error_usd"] = across
            pays = float(price[0]) > float(listed[0])
            row["verdict_flips_within_model_error"] = bool(any((p > float(listed[0])) != pays for p in across))
        ends = _across_assumptions([sp[1] for sp in spans], g[0], a[0])
        if ends:
            # each interference assumption at each end of its range, the same end for both designs
            row["break_even_across_assumptions_usd"] = ends
            pays = float(price[0]) > float(listed[0])
            row["verdict_flips_within_assumptions"] = sorted(e for e, p in ends.items() if (p > float(listed[0])) != pays)
        if confirm:
            from ..engines.serving.run import max_rate

            sims = [float(np.mean([max_rate(load_scenario(p, sets), 200, k)["max_rate_per_s"] for k in range(3)]))
                    for p in (nic_path, gpu_path)]
            row["simulated"] = {"smartnic_max_rate_per_s": sims[0], "gpu_max_rate_per_s": sims[1],
                                "break_even_nic_price_usd": float(break_even_price(sims[0], sims[1], g[0], a[0]))}
        if draws:
            drawn = price[1:]
            row["break_even_interval_usd"] = [float(np.percentile(drawn, 5)), float(np.percentile(drawn, 95))]
            row["offload_pays_share"] = float(np.mean(drawn > listed[1:]))
            # the nominal numbers can sit near the edges of skewed ranges: then the nominal answer
            # is not a typical one, and the share of draws is the verdict to read
            lo, hi = row["break_even_interval_usd"]
            row["nominal_outside_interval"] = bool(not lo <= float(price[0]) <= hi)
            row["draws"] = draws
        rows.append(row)
    return rows


def _across_model_error(nic, gpu, spans: list, gpu_usd_per_hour: float, amortization_h: float) -> list[float] | None:
    """The break-even NIC price across the interference model's error (gpu.interference.model_error)
    for each design's own GPU kernels (``spans``, analytic.max_rate_spans' first answer for each: its
    lowest and highest over the band's corners): [least, most] offload is worth. None where neither
    design carries a band."""
    from ..engines.serving import analytic

    if spans == [None, None]:
        return None
    (nic_low, nic_high), (gpu_low, gpu_high) = (
        (span["worst"], span["best"]) if span else (analytic.max_rate(s)["max_rate_per_s"],) * 2
        for span, s in zip(spans, (nic, gpu)))
    least = break_even_price(nic_low, gpu_high, gpu_usd_per_hour, amortization_h)
    most = break_even_price(nic_high, gpu_low, gpu_usd_per_hour, amortization_h)
    return [float(least), float(most)]


def _across_assumptions(spans: list, gpu_usd_per_hour: float, amortization_h: float) -> dict[str, float]:
    """The break-even NIC price with each interference assumption at each end of its range, the same end for
    both designs (``spans``, analytic.max_rate_spans' second answer for each: an assumption is the GPU's):
    'name=end' -> USD; {} where the GPU has none."""
    if None in spans:  # a GPU with no interference spec: nothing assumed
        return {}
    nic_at, gpu_at = (span["at"] for span in spans)
    return {e: float(break_even_price(nic_at[e], gpu_at[e], gpu_usd_per_hour, amortization_h))
            for e in sorted(set(nic_at) & set(gpu_at))}


def _per_million(usd_per_hour: float, rate: float) -> float | None:
    return float(usd_per_hour / (rate * HOUR) * 1e6) if rate > 0 else None
