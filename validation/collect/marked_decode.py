"""The decode step with a marker kernel before and after each weight GEMM, captured in its CUDA graph: where in
the step a co-runner launch became ready, waited and ran (block_timeline.py --marks).

Why (added 2026-12-07, the thirty-seventh session; a diagnostic, declared in declared_runs.md before its run):
the tail-GEMM diagnostic read "frees" (the 70B's gate/up at batch 4 frees its last round's SMs for another
stream's launch), so the turn-long loss beside real decode is the step's around a GEMM. The graph timelines
(h100/graph_timeline_*) say where each launch ran but not in which decode kernel it landed, and placing launches
by the profiled kernel list failed (the thirty-sixth session's closing note). The markers say it directly.

Each marker is one thread writing %globaltimer into a slot of a buffer the graph holds; after each replay the
buffer is copied on decode's stream into the step's own row. A layer has eight: before and after its QKV, O,
gate/up and down GEMMs, so the gaps between them are attention (after QKV to before O), the residual add (after O
to before gate/up), SiLU times up (after gate/up to before down) and the second residual add (after down to the
next layer's before QKV); a last marker before the LM head, which runs to the step's stop marker. The markers add
97 one-thread graph nodes to a 12-layer step: the marked 70B step alone took 8.05-8.51 ms on an H100 where the
unmarked one took 8.21-8.38 ms the session before on another (h100/marked_timeline_70b/ against graph_timeline_70b/;
decode_alone_us in launches.csv is the marked step's).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from gpu_common import GTIME_DELAY, Model, capture

GEMMS = ("qkv", "o", "gate_up", "down")
MARKS_PER_LAYER = 2 * len(GEMMS)
# what runs between marker k and marker k + 1 of a layer (the last: to the next layer's first, or the LM head)
SEGMENTS = ("qkv", "attention", "o", "add1", "gate_up", "silu_mul", "down", "add2")

MARK_SOURCE = GTIME_DELAY + r"""
extern "C" __global__ void mark_at(unsigned long long* rec, int slot) { rec[slot] = gtime(); }
"""


def mark_names(layers: int) -> list[tuple[int, str]]:
    """(layer, segment starting at the mark) for each marker of a step, in order: the last is the LM head's."""
    return [(i, seg) for i in range(layers) for seg in SEGMENTS] + [(layers, "lm_head")]


class MarkedModel(Model):
    """Model whose full step enqueues a marker before and after each weight GEMM into ``self.marks``."""

    def __init__(self, *args, **kwargs):
        import cupy as cp

        super().__init__(*args, **kwargs)
        self.cp = cp
        self.kernel = cp.RawModule(code=MARK_SOURCE, options=("-std=c++17",)).get_function("mark_at")
        self.marks = cp.zeros(MARKS_PER_LAYER * self.s["layers"] + 1, dtype=cp.uint64)

    def _mark(self, slot: int) -> None:
        with self.cp.cuda.ExternalStream(torch.cuda.current_stream().cuda_stream):
            self.kernel((1,), (1,), (self.marks, self.cp.int32(slot)))

    def step(self, x: torch.Tensor, context: int) -> torch.Tensor:
        s, b = self.s, x.shape[0]
        m = iter(range(MARKS_PER_LAYER * s["layers"] + 1))
        for i, (wqkv, wo, wgu, wd) in enumerate(self.layers):
            self._mark(next(m))
            qkv = x @ wqkv
            self._mark(next(m))
            q = qkv[:, : s["heads"] * s["head_dim"]].view(b, s["heads"], 1, s["head_dim"])
            att = F.scaled_dot_product_attention(q, self.k[i, :b, :, :context], self.v[i, :b, :, :context],
                                                 enable_gqa=True)
            self._mark(next(m))
            o = att.reshape(b, s["heads"] * s["head_dim"]) @ wo
            self._mark(next(m))
            x = x + o
            self._mark(next(m))
            gate, up = (x @ wgu).chunk(2, dim=-1)
            self._mark(next(m))
            act = F.silu(gate) * up
            self._mark(next(m))
            down = act @ wd
            self._mark(next(m))
            x = x + down
        self._mark(next(m))
        return x @ self.lm_head


def capture_marked(model: MarkedModel, batch: int, context: int, stream: torch.cuda.Stream):
    """gpu_common.capture for the marked step (relaxed capture: the markers are CuPy launches). The markers of the
    last replay are in ``model.marks``; ``keep(model, into, stream)`` copies them on decode's stream."""
    return capture(model, batch, context, stream, mode="relaxed")


def keep(model: MarkedModel, into, stream: torch.cuda.Stream) -> None:
    """Copy the last replay's markers into ``into`` (a CuPy uint64 array) on ``stream``, after what it holds."""
    with model.cp.cuda.ExternalStream(stream.cuda_stream):
        into[:] = model.marks
