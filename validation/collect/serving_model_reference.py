"""Simulator reference for the analytical serving model (nicmodel/validation/serving_model.py).

    python validation/collect/serving_model_reference.py [--points 230] [--jobs 2] [--requests 600]
    python validation/collect/serving_model_reference.py --max-rate-only --requests 3000 --min-rate 0.5 \
        --seeds 0,1,2,3,4 --out validation/reference/serving_model_long.csv
    python validation/collect/serving_model_reference.py --loaded-only --requests 3000 --seeds 0,1 \
        --out validation/reference/serving_model_loaded_long.csv

Writes validation/reference/serving_model.csv one finished row at a time (a restarted run skips
the points already there, so an interruption loses nothing finished). The sample is fixed by its
seed; each simulated point uses seed 0 (or --seed) and the requested number of requests. The
simulator's SLO-bound rate moves 5-18% between seeds (its p99 over a few hundred requests), so
the reference's maximum rate is the mean over the seeds collected (serving_model.py, compare).
A seed's luck is shared by every point (each replays the same arrival stream, scaled by its
rate): seeds 0-4 of the long runs sit +3.7%, +2.2%, -4.0%, -5.4% and +3.9% from their mean
(serving_model.seed_offsets), so a reference needs several seeds, not several points, to average
it out. Seeds 2-4 were added to an existing file (the runs skip the (point, seed) rows present).

After the interference refit of 2026-12-03 (the memory term's shape), serving_model.csv (179 of
230 rows moved) and serving_model_loaded_long.csv (358 of 460) were re-simulated with the
refitted specs, same points, seeds and request counts. serving_model_long.csv (704 rate searches
of 3,000 requests, hours on two cores) was not: each row's `sets` pins the interference
coefficients it was run with (the twelve of that day, memory_exponent=1, headroom_exponent=1e-9,
i.e. the earlier term), and the analytical model is checked against it at those same inputs
(serving_model.long_run_points). A new file of it should be made without pins.

After the packing term replaced the crowding term (2026-12-03, later; every interference
coefficient refitted, attention_sharing removed), serving_model.csv (179 of 230 rows moved) and
serving_model_loaded_long.csv were re-simulated again the same way. serving_model_long.csv was
not: its pinned attention_sharing is dropped when the analytical model is checked against it
(serving_model.RETIRED_PINS), so there the two differ in the crowding/packing term alone.

After the narrow loads beside attention (a later session; narrow_attention added, narrow_high on
later waves only, the coefficients iterated again), serving_model.csv and
serving_model_loaded_long.csv were re-simulated again the same way. serving_model_long.csv was
not: it is predicted with narrow_attention pinned off (1e-9), as it ran (serving_model.ADDED_PINS);
narrow_high's confinement to later waves cannot be pinned.

After attention's grid (a later session; decode's attention grid by batch and context, every
interference coefficient refitted), serving_model.csv (179 of 230 rows moved) and
serving_model_loaded_long.csv (358 of 460) were simulated again in full, on the device machine's
16 CPU cores (pydantic carried as wheels; rows identical to this machine's where both ran). Of
serving_model_long.csv, the points whose analytical SLO-bound rate the grid moves by more than 0.5%
were simulated again (`--only`, every seed they had: 72 rows of 15 points; 226, which the
`--min-rate` subset no longer holds, on this machine), and their rows pin nothing: they ran with
the current specs, so the model is compared with them as they are (serving_model.long_run_points).
The other 127 points move by less than 0.5%.

After the grid waits (2026-12-04: a co-runner's wait behind decode's attention blocks, by attention's
load; five coefficients iterated with them), serving_model.csv (162 of 230 rows moved) and
serving_model_loaded_long.csv (324 of 460) were simulated again in full on the device machine's 16
CPU cores (2m54s and 2m41s). serving_model_long.csv was not: every row of it predates the grid waits,
and it is predicted with them off and the five at the values it ran with
(serving_model.BEFORE_GRID_WAITS).

After the spill per launch (2026-12-04, a later session: a one-wave launch's spill every launch, scaled
by latency exposure and compute-boundness, beside half-full SMs too; the equal-priority grid wait once
per launch; every calibration iterated again), serving_model.csv and serving_model_loaded_long.csv
were simulated again in full on the device machine (3m47s and 3m26s). Of serving_model_long.csv, the
five points whose analytical SLO-bound rate the change moves by more than 0.5% (GPU decoding on Hopper
GPUs and the A100: 14, 20, 120, 177, 196) were simulated again (`--only`, seeds 0-4, 25 rows, 4m53s);
their `sets` pin the grid waits' and the iterated coefficients' values they ran with, so
BEFORE_GRID_WAITS leaves them as they ran. The other 137 points move by less than 0.5%.

After the spill's make-up factor (2026-12-04, a fourth session: the spill scaled by how little of a
launch's issue demand the SM can make up), the four points of serving_model_long.csv it moves by more
than 0.5% (14, 120, 177, 196) were simulated again in the session after (`--only`, seeds 0-4, 20
rows, 36 s on the device's 16 cores); their `sets` pin the values they ran with, as above.

After the refit without the host-bound points (2026-12-04, a fifth session: make_interference_traces.py
leaves out saturating Python-issued kernels shorter than twice the host's issue time; every
calibration iterated again), serving_model.csv (179 of 230 rows moved) and
serving_model_loaded_long.csv (358 of 460) were simulated again in full on the device machine (3m31s,
3m24s), and of serving_model_long.csv the five points the refit moves by more than 0.5% (9, 12, 170,
177, 196) with the seeds each had (22 rows); their `sets` pin the values they ran with. After the grid
waits stopped where no SM holds a second attention block (the same session, last), the six points of
serving_model.csv the change moves by more than 0.5% were 4, 40, 80, 86, 120 and 219, and
serving_model.csv and serving_model_loaded_long.csv were simulated again in full on the development
machine's 2 cores (11m32s, 12m36s); no point of serving_model_long.csv moves by more than 0.5%.
After where decode streams beside a co-runner at equal priority entered and the refit (2026-12-04, a
twelfth session), both were simulated again in full on the device machine's 16 cores (575 s for the
two; 179 of 230 and 358 of 460 rows moved). After L2 residency and the refit it brought (2026-12-05, a
fifteenth session), both were simulated again in full on the development machine's 2 cores (about 30
and 31 minutes, one process each; no device could be started): 179 of 230 and 358 of 460 rows moved.
After the L2 partial fit and its refit (2026-12-05, a seventeenth session), both again in full the same
way (about 30 and 34 minutes): 179 of 230 and 358 of 460 rows moved, by nothing at the median (TPOT p50
at p90 0.09% and 0.07%; the largest, 11% in one rate and 19% in one TPOT).
After the H100's own measured inputs and narrow_attention through the GPU's loaded latency beside attention
(2026-12-05, a twenty-first session; only gpu=h100-sxm moves), the H100's rows of both files were simulated again
(`--only` its 41 points, the same requests and seeds; merged in place: 3m44s and 3m10s on the development
machine's 2 cores): 33 of 41 and 66 of 82 rows moved, TPOT p50 and TTFT p50 by at most 1.1%. No point of
serving_model_long.csv moves by more than 0.5% analytically (at most 0.36%), so none was simulated again.
After the turn wait in GEMM lengths (2026-12-05, a twenty-second session; every GPU but the H200 moves, the
L40S, L4 and A100 most, whose GEMMs run longest), serving_model.csv's points that moved by more than 0.5%
analytically (88 of the 185 off the H200), and point 4 (the reproducibility test's), were simulated again
(`--only`, the same requests and seed; 12 minutes on 2 cores shared with the next run), then its other 97
points off the H200 (5m36s; 52 rows moved: no reference row is left from the model before), and
serving_model_loaded_long.csv's rows of all 185 points off the H200 (`--only`, seeds 0 and 1, 3,000 requests;
278 of 370 rows moved).
serving_model_long.csv's runs pin launch_wait (BEFORE_GRID_WAITS), so the form does not reach them.
After the crawl beside long GEMMs (2026-12-06, a twenty-sixth session; only decode GEMMs past turn_gemms_to move),
the 122 points of the sample whose analytical answers it moves at all were simulated again in both
serving_model.csv and serving_model_loaded_long.csv (`--only`, the same requests and seeds; merged in place and
sorted by point and seed, on the development machine's 2 cores: about 25 minutes in all); serving_model_long.csv
predates it and is predicted with the crawl off (serving_model.BEFORE_CRAWL).
After the grid crawl (2026-12-06, a twenty-eighth session: the crawl's share higher on the SMs a long GEMM leaves free,
the crawl refit), the 109 points whose analytical answers it moves at all (every one past turn_gemms_to: the L40S's,
A100's, L4's, and the H100's and H100 PCIe's beside Qwen2.5-14B and Yi-34B) were simulated again in both
serving_model.csv and serving_model_loaded_long.csv (`--only`, the same requests and seeds, written to a side file and
merged in place, sorted by point and seed; 107 and 214 of the 109 and 218 rows moved; about 23 minutes on 2
cores).

After the turn rounds (2026-12-06, a twenty-ninth session: a stream launch's turn scaled by its rounds on the SMs the
GEMMs leave free, and the plan's fixed point with it, which lengthens the full turn 12% on every GPU), both files were
simulated again in full on the development machine's 2 cores (one process each, 43 and about 60 minutes, written to
side files and moved in place; 179 of 230 rows of the first moved). The plan was iterated once more while they ran
(its coefficients moved by at most 0.2%, launch_turns 0.29345 -> 0.29351): the points that had run before it
(serving_model.csv's 0-110, serving_model_loaded_long.csv's 0-60) were simulated again at the second (`--only`, the
same requests and seeds, side files merged in place). serving_model_long.csv's runs pin launch_wait
(BEFORE_GRID_WAITS), so neither the turn nor its rounds reach them.
After the graph turn and the tile tail's rounds entered the engine (2026-12-07, a fortieth session; the H200 plan
iterated again: launch_turns 0.2935 -> 0.3235; the H100's crawl and graph_turn_share refit), serving_model.csv (179 of
230 rows moved) and serving_model_loaded_long.csv (358 of 460) were simulated again in full on the device machine's 16
CPU cores (3m42s and 3m31s; Python 3.12, pydantic and the pure-Python dependencies carried as wheels), the rows then
sorted by point and seed. serving_model_long.csv's runs pin launch_wait (BEFORE_GRID_WAITS): the turn, its rounds and
the graph turn do not reach them.
After the first round's room entered the engine (2026-12-07, a forty-second session; the H200 plan iterated again:
dispatch_wait +5.6%, launch_turns 0.3235 -> 0.3322; the crawl and graph_turn_share refit), no device machine could be
started: the 19 points whose analytical answers it moves by more than 0.5% (4, 10, 40, 44, 61, 75, 78, 80, 93, 120,
130, 134, 196, 198, 201, 203, 210, 218, 226; point 4 the reproducibility test's) were simulated again in both files
(`--only`, the same requests and seeds, side files merged in place on the development machine's 2 cores: 19 and 38
rows). The other 186 unrefused points move by 0.5% or less analytically and keep their rows from the model before.
The session after (2026-12-07, a forty-third; no device machine lent), both files were simulated again in full on the
development machine's 2 cores (one process each, side files moved in place: about 75 and 80 minutes): 160 of 230 and
320 of 460 rows moved, by nothing at the median (TPOT p50 at p90 0.1% and 0.09%); the SLO-bound rate moved past 0.5%
at 12 of 190 points, two of them by a search step (points 116 and 138, 13% and 18%: the same seed's run crossing an
SLO at a boundary). No reference row is left from a model before the first round's room.
After the packed room entered the engine (2026-12-07, a forty-fourth session; the H200 plan iterated again: crowding
+10.8%, pack_blocks -6.4%; the crawl and graph_turn_share refit), both files were simulated again in full on the device
machine's 16 CPU cores (two calls, 590 s and 302 s, the second resuming the rows the first had written; rows then
sorted by point and seed as before): 179 of 230 and 358 of 460 rows moved. The plan was then iterated once more to
settle graph_wait within the calibration test's 0.05% (graph_wait -0.11%, every other coefficient under 0.05%): no
point's analytical answer moves by 0.5% with it, so only point 4 (the reproducibility test's) was simulated again
(`--only 4`, side files merged in place); the other rows are from the plan's first settle.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from nicmodel.validation.serving_model import sample, simulate_point

FIELDS = ["point", "design", "sets", "control", "load_share", "refused", "rate_per_s", "capacity_bound_per_s",
          "unloaded_ttft_s", "ttft_p50_s", "ttft_p99_s", "tpot_p50_s", "tpot_p99_s", "overloaded",
          "max_rate_per_s", "requests"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=230)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--requests", type=int, default=600)
    ap.add_argument("--out", default="validation/reference/serving_model.csv")
    ap.add_argument("--seeds", default="0", help="comma-separated simulator seeds, each point run with each")
    ap.add_argument("--max-rate-only", action="store_true", help="only the SLO-bound rate search")
    ap.add_argument("--loaded-only", action="store_true", help="only the run at the point's rate (no rate search)")
    ap.add_argument("--only", default="", help="comma-separated sample points: simulate only these (a partial rerun)")
    ap.add_argument("--min-rate", type=float, default=0.0,
                    help="only the points whose SLO-bound rate in the reference is at least this (per second)")
    a = ap.parse_args()
    out = Path(a.out)
    done = set()
    if out.exists():
        with out.open() as f:
            done = {(int(r["point"]), int(r.get("seed") or 0)) for r in csv.DictReader(f)}
    seeds = [int(x) for x in a.seeds.split(",")]
    todo = list(sample(a.points))
    if a.min_rate:  # a subset chosen from the committed reference (low rates make long, slow runs)
        with open("validation/reference/serving_model.csv") as f:
            keep = {int(r["point"]) for r in csv.DictReader(f)
                    if not r["refused"] and float(r["max_rate_per_s"]) >= a.min_rate}
        todo = [r for r in todo if r["point"] in keep]
        random.Random(7).shuffle(todo)  # a run stopped early keeps a random subset
    if a.only:
        only = {int(x) for x in a.only.split(",")}
        todo = [r for r in todo if r["point"] in only]
    jobs = [(r, seed) for r in todo for seed in seeds if (r["point"], seed) not in done]
    new = not out.exists()
    with out.open("a", newline="") as f, ProcessPoolExecutor(a.jobs) as pool:
        w = csv.DictWriter(f, FIELDS + ["seed"])
        if new:
            w.writeheader()
        futures = {pool.submit(simulate_point, r, a.requests, seed, a.max_rate_only, a.loaded_only): seed
                   for r, seed in jobs}
        for i, fut in enumerate(as_completed(futures), 1):
            w.writerow({**fut.result(), "seed": futures[fut]})
            f.flush()
            print(f"{i}/{len(jobs)}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
