"""Trial, not the model: an access-width term for memory-bound co-runners beside decode.

The probe (validation/traces/h200/probe/) and the access-width grid (h200/widths/) show that
co-runners keeping few bytes in flight per thread slow more beside high-priority decode. This
trial adds to the co-runner slowdown of engines/serving/interference.py

    narrow_<priority> x log2(16 / access bytes) / 3 x (1 - blocking)

for co-runners that stream memory, refits the six co-runner coefficients with the two new ones on
the fitted points of validation/traces/h200_interference.csv and h200_widths_interference.csv
(synthetic co-runners only; the split declared in the collector), and prints the held-out error
per family. It patches the metric in this process only; nothing in the package changes.

Access bytes per thread and instruction, from the kernels' code and CUPTI names (kernels.csv):
  synthetic "mem" bodies: 16 (float4); --widths: 2, 4, 8, 16; probe: 2-byte copy 2, 16-byte copy 16,
  PyTorch's strided copy 2 (elementwise_kernel<128, 4> on bf16, not vectorized);
  torch.cat of 8 chunks: 2 (the same kernel); LMCache's dequantization: 4 (fp32 elementwise passes);
  the paged-KV scatter: 2 (index_copy on bf16); the earlier collector's dequantization: 2;
  CacheGen's decoder and integer ALU kernels: none (they do not stream memory).

Run: python validation/trials/access_width.py [--without]   (~10 s)
Result (2026-12-02, H200): the two coefficients fit at narrow_high 1.14 and narrow_equal 0.28;
fitted MAPE 14.2% (14.8% for the same refit without the term, --without). Held-out co-runner MAPE
with the term (without): torch.cat 12.0% (25.8%), LMCache dequantization 13.3% (20.0%), chunk
sequence 23.3% (30.3%), paged-KV scatter 19.8% (15.8%), CacheGen decoder 22.2% (22.1%), probe
strided copy 20.6% (31.5%), probe 2-byte copy 24.4% (33.9%), widths 2-byte 11.3% (19.1%), other
widths 9.3-15.0%, synthetic and regime families unchanged (12-19%). Not yet in the model: it needs an access-width field in the kernel specs of every GPU,
the refit written to the specs, and the serving references simulated again.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.validation import interference as vi  # noqa: E402
from nicmodel.validation import metrics  # noqa: E402
from nicmodel.validation.calibrate import fit  # noqa: E402
from nicmodel.validation.interference import family  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace_for  # noqa: E402

TRACES = ["validation/traces/h200_interference.csv", "validation/traces/h200_widths_interference.csv"]
WIDTH_OF_FAMILY = {"widths-2-byte": 2, "widths-4-byte": 4, "widths-8-byte": 8, "widths-16-byte": 16,
                   "probe-copy-2-byte": 2, "probe-copy-16-byte": 16, "probe-torch-strided-copy": 2,
                   "torch-cat": 2, "earlier-collector": 2}
WIDTH_OF_KIND = {"dequantize": 4, "copy": 2, "decompress": None}
Q = "gpu.interference."


def access_bytes(fam: str, kind: str, c: model.CoRunner) -> float | None:
    if kind in WIDTH_OF_KIND:
        return WIDTH_OF_KIND[kind]
    if fam in WIDTH_OF_FAMILY:
        return WIDTH_OF_FAMILY[fam]
    return 16 if c.hbm_share > 0 else None  # the synthetic streaming bodies load float4


def corunner_ratio(ctx, argument):
    a = vi._args(argument)
    p = ctx.params
    kv = float(np.asarray(vi.bytes_per_token(ctx.plan, p)["kv"]))
    prof = vi.profile(p, kv, float(a["batch"]), float(a["context"]))
    total = 1.0
    for kind, c, share in vi._corunners(p, a):
        if kind == "dma":
            continue
        coupling = model.couple(p, c, a["priority"], prof.shapes)
        s = coupling.slowdown(prof)
        width = access_bytes(a["family"], kind, c)
        if width is not None and Q + "narrow_high" in p:
            coef = float(p[Q + ("narrow_high" if a["priority"] == "high" else "narrow_equal")])
            s += coef * math.log2(16 / width) / 3 * (1 - coupling.blocking(prof))
        total += share * s
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--without", action="store_true", help="refit the current form only (the baseline)")
    args = ap.parse_args()
    metrics.METRICS["corunner_time_ratio"] = replace(metrics.METRICS["corunner_time_ratio"], fn=corunner_ratio)
    points = [p for t in TRACES for p in read_trace_for(ROOT / t) if p.metric == "corunner_time_ratio"]
    fitted = [p for p in points if p.role == "fitted"]
    held = [p for p in points if p.role != "fitted"]
    init = {Q + "dispatch_wait": 1.65, Q + "wave_yield_high": 0.48, Q + "crowding": 0.68, Q + "issue_warps": 15.2,
            Q + "attention_sharing": 0.46, Q + "hbm_loss": 1.7}
    bounds = {Q + "dispatch_wait": (0.01, 20), Q + "wave_yield_high": (0.01, 5), Q + "crowding": (0.01, 10),
              Q + "issue_warps": (1, 64), Q + "attention_sharing": (0.01, 5), Q + "hbm_loss": (0.01, 10)}
    if not args.without:
        init.update({Q + "narrow_high": 0.5, Q + "narrow_equal": 0.1})
        bounds.update({Q + "narrow_high": (0.0, 10.0), Q + "narrow_equal": (0.0, 10.0)})
    predictor = Predictor()
    result = fit(fitted, list(init), init, bounds, predictor)
    print({k.split(".")[-1]: round(v, 4) for k, v in result.values.items()})
    err = lambda p: abs(predictor.predict(p, result.values) - p.value) / p.value * 100  # noqa: E731
    print(f"fitted: {len(fitted)} points, MAPE {np.mean([err(p) for p in fitted]):.2f}%")
    by = defaultdict(list)
    for p in held:
        by[family(p.argument)].append(err(p))
    for fam, e in sorted(by.items()):
        print(f"held out  {fam:28s} {len(e):4d} points  MAPE {np.mean(e):5.1f}%")


if __name__ == "__main__":
    main()
