"""Screen a reading, not declared and not adopted: decode's weight-GEMM grids with a persistent GEMM's last, partial
round of tiles counted as SMs it frees (docs/serving.md, The graph crawl: what a form still needs).

cuBLAS's nvjet kernels that are not split-K run a persistent grid over ceil(out / TM) output tiles (TM from the
kernel's name, out the GEMM's output features): with more tiles than CTAs, the last round runs only the tiles left,
and the other SMs are free for it (equal tile times assumed). The 405B shape's gate/up GEMM at batch 16 and more runs
208 tiles of 512 on 132 CTAs: its second half on 76 SMs; at batch 8 and less, 1,664 tiles of 64 on 120. Beside it
at batches 16-32 the short units lose less than at 2-8 from Python and as graphs (h100/graph_sealed2_405b_random/,
graph_landing_405b_random/), which the committed grids (132 blocks: every SM held) cannot give.

Read 2026-12-06 (a thirty-first session), after both graph-landing sets were opened. The tail-aware grids in place
of the committed ones, no coefficient refitted: 42 -> 50 held-out families above 15%; the 70B shape's scatter crosses
up (7.2 -> 19.6% on the grid crawl's set, 6.5 -> 18.7% on the ladder's: its gate/up's 224 tiles of 128 on 132 CTAs
leave 40 SMs free for half of it, and the turn rounds then charge the scatter too little), the Yi-34B dequantization
crosses down (15.6 -> 14.1%); the motivating families move less than the 70B's: the 405B shape's on the second
graph-landing set 30.7 / 49.4 / 40.0 -> 23.5 / 42.9 / 36.5% (scatter, 2-byte, ALU). The grids' fits (the crawl, the turn rounds) were made on the committed grids; the crawl's
three refit with the tail grids on their declared set barely move (0.2035 / 1.667 / 0.4991 -> 0.2002 / 1.703 / 0.5209,
its fit set's mean |error| 12.4 -> 12.1%), so the 70B's scatter is the turn rounds' (turn_free_pace, assumed 1, and the
H200 fixed point's launch_turns), which a form built on the tail would need refitted with it, and a sealed set,
before it can be read; or the tiles do not take equal times (a dynamic scheduler would leave no such tail).

    python validation/calibration/grid_tail_screen.py [--scaled] [TRACE ...]   (--scaled: the last round in the tiles
    left over a round's CTAs of a round's time; 42 -> 48 above 15%, read 2026-12-06, the thirty-second session)
"""

from __future__ import annotations

import collections
import csv
import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "validation/calibration"))
sys.path.insert(0, str(ROOT / "validation/collect"))

import gemm_grids  # noqa: E402
from decode_models import MODELS  # noqa: E402 (the collectors' decode models, torch-free)
import nicmodel.engines.plan as plan  # noqa: E402

TARGET = 15.0  # % held-out MAPE (issue 18)
COMMITTED = plan._decode_grids


# a GEMM's output features and rounds: the spec writer's (gemm_grids.py), read here for the candidates' tail grids
outputs, segments = gemm_grids.outputs, gemm_grids.segments


def _steps(folder: Path) -> dict[tuple[str, int], list[tuple[str, int, float]]]:
    """gemm_grids.steps with each GEMM's kernel name kept."""
    path = folder / "decode_kernels.csv"
    if not path.exists():
        return {}
    model = json.loads((folder / "decode_model.json").read_text())["model"] if (folder / "decode_model.json").exists() \
        else "llama-3-8b"
    grouped: dict[tuple, list] = collections.defaultdict(list)
    for r in csv.DictReader(open(path)):
        if r["name"].startswith("nvjet"):
            batch = r.get("batch") or re.match(r"decode_b(\d+)_c", r["unit"]).group(1)
            grouped[(r.get("model") or model, int(batch), r.get("context") or r["unit"])].append(
                (r["name"], int(r["blocks"]), float(r["duration_us"])))
    out: dict = {}
    for (m, batch, _), rows in grouped.items():
        out.setdefault((m, batch), rows)
    return out


def layers() -> dict[tuple[str, str, int], list[tuple[str, int, float, int]]]:
    """{(GPU spec, model name, batch): one layer's GEMMs [(kernel name, CTAs, us, output features)]} in launch order,
    from the runs gemm_grids reads (the first source that has the model and batch)."""
    names, shapes, found = gemm_grids.model_names(), MODELS, {}
    for gpu, patterns in gemm_grids.SOURCES.items():
        if not any(gemm_grids.TRACES.glob(patterns[0])):  # a sparse checkout: the screen would read committed grids
            raise SystemExit(f"grid_tail_screen: no {patterns[0]} under {gemm_grids.TRACES}: check out every trace")
        for pattern in patterns:
            for folder in sorted(gemm_grids.TRACES.glob(pattern)):
                for (model, batch), rows in sorted(_steps(folder).items()):
                    key = (gpu, names.get(model), batch)
                    layer = rows[:-1]
                    if key in found or model not in names or model not in shapes or not layer or len(layer) % 4:
                        continue
                    outs = outputs(shapes[model])
                    found[key] = [(name, blocks, us, outs[i % 4]) for i, (name, blocks, us) in enumerate(layer)]
    return found


def layer_gemms(scaled: bool = False) -> dict[tuple[str, str, int], list[tuple[float, list[tuple[int, float]]]]]:
    """{(GPU spec, model name, batch): [(a GEMM's share of one layer's GEMM time, its segments [(CTAs busy, share of
    the GEMM's time)])]} in launch order."""
    found = {}
    for key, layer in layers().items():
        total = sum(us for _, _, us, _ in layer)
        found[key] = [(us / total, [(b, t / us) for b, t in segments(name, blocks, us, out, scaled)])
                      for name, blocks, us, out in layer]
    return found


def tail_layers(scaled: bool = False) -> dict[tuple[str, str, int], dict[int, float]]:
    """{(GPU spec, model name, batch): one layer's GEMM time shares by CTAs busy}, from the runs gemm_grids reads."""
    found = {}
    for key, gemms in layer_gemms(scaled).items():
        shares: dict[int, float] = collections.defaultdict(float)
        for share, segs in gemms:
            for b, t in segs:
                shares[b] += share * t
        found[key] = {b: round(s, 4) for b, s in sorted(shares.items()) if round(s, 4) > 0}
    return found


@contextmanager
def tail_grids(scaled: bool = False, segmented: bool = False):
    """The tail-aware layer grids in place of the committed ones (the LM head's kept), for the duration; with
    ``segmented`` each entry also carries its layer's GEMMs in order (``gemm.<i>.share``, ``gemm.<i>.round.<j>.blocks``
    and ``.share``: layer_gemms')."""
    table = tail_layers(scaled)
    gemms = layer_gemms(scaled) if segmented else {}

    def grids(scn):
        out = {}
        for g in scn.gpu.decode_gemm_grids:
            if g.model == scn.model.name:
                key = ("h100-sxm" if "/h100/" in str(g.source) else "h200", g.model, g.batch)
                entry = {"layer": table.get(key, g.layer), "head": g.head, "head_over_layer": g.head_over_layer}
                for i, (share, segs) in enumerate(gemms.get(key, ())):
                    entry[f"gemm.{i}.share"] = share
                    for j, (b, t) in enumerate(segs):
                        entry[f"gemm.{i}.round.{j}.blocks"], entry[f"gemm.{i}.round.{j}.share"] = b, t
                out.update(plan.flatten(entry, f"decode_grids.{g.batch}"))
        return out
    plan._decode_grids = grids
    try:
        yield table
    finally:
        plan._decode_grids = COMMITTED


def main(argv: list[str]) -> int:
    from graph_landing_screen import held_out
    scaled = "--scaled" in argv
    argv = [a for a in argv if a != "--scaled"]
    traces = [Path(a) for a in argv] or sorted((ROOT / "validation/traces").glob("*_interference.csv"))
    now = {(t.name, f): v for t in traces for f, v in held_out(t).items()}
    with tail_grids(scaled):
        then = {(t.name, f): v for t in traces for f, v in held_out(t).items()}
    for key in sorted(now):
        if (now[key] > TARGET) != (then[key] > TARGET):
            print(f"  {key[0]} {key[1]}: {now[key]:.1f} -> {then[key]:.1f}%")
    print(f"above {TARGET:g}%: committed {sum(v > TARGET for v in now.values())}, "
          f"tail grids {sum(v > TARGET for v in then.values())} of {len(now)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
