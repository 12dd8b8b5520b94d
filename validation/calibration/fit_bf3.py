"""Fit the two BlueField-3 parameters marked `fitted` in hwspecs/nics/bluefield3.yaml.

Reads the component facts in bf3_component_facts.csv (both are calibration data, never
evidence of accuracy) and solves, in order:
  1. nic.arm.costs.network_fetch.cycles_per_byte  so the fetch stage alone reaches 37.3 Gbps;
  2. nic.memory.sustained_bandwidth               so the full pipeline reaches 20.6 Gbps.
Prints the values to write into the spec. Run: python validation/calibration/fit_bf3.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from nicmodel.api import load
from nicmodel.engine.plan import compile_scenario
from nicmodel.fit import solve_parameter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GBPS = 8 / 1e9


def metric_fn(name: str):
    if name.startswith("stage_alone_gbps:"):
        stage = name.split(":", 1)[1]
        return lambda ev: float(ev.stage_alone_bytes_per_s[stage]) * GBPS
    if name == "throughput_gbps":
        return lambda ev: float(ev.network_bytes_per_s) * GBPS
    raise SystemExit(f"unknown metric {name!r}")


BOUNDS = {
    "nic.arm.costs.network_fetch.cycles_per_byte": (0.01, 100.0),
    "nic.memory.sustained_bandwidth": (1e9, 89.6e9),
}


def fit(facts_file: Path = HERE / "bf3_component_facts.csv") -> dict[str, float]:
    """Solve each fact's parameter in file order, each fit using the ones before it."""
    fitted: dict[str, float] = {}
    with open(facts_file, newline="") as handle:
        facts = list(csv.DictReader(handle))
    for fact in facts:
        overrides = [o for o in fact["overrides"].split(";") if o]
        plan, params = compile_scenario(load(ROOT / fact["scenario"], overrides))
        params.update(fitted)
        key = fact["fits_parameter"]
        fitted[key] = solve_parameter(plan, params, key, metric_fn(fact["metric"]), float(fact["value"]), BOUNDS[key])
    return fitted


if __name__ == "__main__":
    for key, value in fit().items():
        shown = f"{value / 1e9:.4f} GB/s" if "bandwidth" in key else f"{value:.4f}"
        print(f"{key}: {shown}")
    sys.exit(0)
