"""The candidates of a `size` search as scenarios: each one's specs validated from the file
resolved once, its server cost, and the analytical screen of its SLO-bound rate."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SpecError
from ..spec.loader import load_document
from .sweep import Axis


COST_CANDIDATES = 50_000  # each candidate's specs are validated to price it (~5 ms each)


def candidate_costs(path, overrides, axes: list[Axis], keys: np.ndarray) -> np.ndarray:
    """The server cost per hour of every candidate (USD per second, SI), from its GPU's hourly
    price and, for a design on the SmartNIC, the NIC's price over its amortization."""
    from .cost import server_cost

    if keys.shape[1] > COST_CANDIDATES:
        raise SpecError(f"{keys.shape[1]:,} candidates: pricing each takes ~5 ms; choose at most "
                        f"{COST_CANDIDATES:,} when minimizing cost", "--choose", None, ())
    out = np.full(keys.shape[1], np.inf)
    sets = [[f"{a.label}={a.values[int(k)]}" for a, k in zip(axes, keys[:, i])] for i in range(keys.shape[1])]
    for i, scenario in candidate_scenarios(path, overrides, sets, SpecError):
        cost = server_cost(scenario)
        if cost is None:
            raise SpecError(f"{scenario.gpu.name}: the GPU spec has no hourly_price, so cost cannot be minimized; add "
                            "one with its provenance (docs/sources/cost.md)", str(path), None, ("gpu", "hourly_price"))
        out[i] = cost["server_usd_per_hour"] / 3600.0
    return out



def candidate_scenarios(path, common, overrides_each: list[list[str]], skip: type | tuple = ()):
    """(index, scenario) of each candidate: the file resolved once with the ``common`` overrides,
    then each candidate's own applied to a copy; candidates raising ``skip`` are left out."""
    from ..spec.loader import parse_override, validate, with_overrides

    base = load_document(path, common)
    for j, sets in enumerate(overrides_each):
        try:
            doc = with_overrides(base, dict(parse_override(t) for t in sets), Path(path), "--choose")
            yield j, validate(doc, str(path))
        except skip:
            continue


SCREEN_IN_PARALLEL = 200  # candidates from which the screen builds their inputs on several processes
SCREEN_WORKERS = 4


def screen_max_rates(path, common: list[str] | tuple[str, ...], overrides_each: list[list[str]]) -> np.ndarray:
    """The analytical SLO-bound rate of each candidate (0 for one that cannot run), in one
    vectorized pass over all of them. The file is resolved once per process; each candidate is that
    document with its own overrides applied. Building each candidate's inputs (validating its
    scenario, compiling its data plane) is most of the time: on Linux, with many candidates, it is
    split over forked processes (the same numbers, in the same order)."""
    import multiprocessing as mp

    from ..engines.serving import queueing

    jobs = min(os.cpu_count() or 1, SCREEN_WORKERS)
    if (len(overrides_each) < SCREEN_IN_PARALLEL or jobs < 2 or not sys.platform.startswith("linux")
            or mp.current_process().daemon):  # a pool's worker may not start processes of its own
        parts = [_screen_inputs((path, common, list(enumerate(overrides_each))))]
    else:
        chunks = [list(enumerate(overrides_each))[k::jobs] for k in range(jobs)]
        with mp.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_screen_inputs, [(path, common, c) for c in chunks])
    found = sorted((jp for part in parts for jp in part), key=lambda jp: jp[0])
    if any(p is None for _, p in found):
        raise SpecError("a max_rate target needs a serving: section in the scenario", str(path), None, ("serving",))
    out = np.zeros(len(overrides_each))
    if found:
        out[[j for j, _ in found]] = queueing.max_rate(queueing.Points.stack([p for _, p in found]))["max_rate_per_s"]
    return out


def _screen_inputs(args) -> list[tuple[int, Any]]:
    """(index, analytical inputs) of each candidate that can run, None where the scenario has no
    serving section (a worker's job: the candidates' scenarios are built where they are used)."""
    from ..engines.serving import analytic
    from ..errors import InfeasibleError

    path, common, numbered = args
    out = []
    for k, scenario in candidate_scenarios(path, common, [sets for _, sets in numbered]):
        if scenario.serving is None:
            return [(numbered[k][0], None)]
        try:
            out.append((numbered[k][0], analytic.points_of(scenario)))
        except InfeasibleError:
            continue  # the candidate cannot run: it serves nothing
    return out
