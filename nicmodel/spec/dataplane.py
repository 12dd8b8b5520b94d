"""What a data plane is made of, as data: the forms its bytes take and the kinds of stage that move or
change them (workloads/dataplanes/; a scenario names one, `kv-cache` unless it says otherwise).

A design's stages name a kind and the forms they read and write; the loader checks them against
the scenario's data plane (spec/checks.py), and the engines size each form from its rule: the
KV cache's three built-in sizes, or another form's size times a declared ratio. A new offloaded
data plane (another kind of stage on the NIC's cores, a form its bytes pass through) is a YAML
file, not code: its stages are costed by the resource that runs them (a core pool's
`costs.<kind>`, an engine's bandwidth, the GPU's `kernels.<kind>` or its memory bandwidth).
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from .base import Ratio, StrictModel

Executor = Literal["core_pool", "engine", "gpu_compute"]
# the sizes the engines know how to compute from the model and codec (engines/analytical.py)
BuiltinSize = Literal["kv", "quantized", "compressed"]


class Form(StrictModel):
    """One form a chunk's bytes take on their way (e.g. compressed, quantized, kv)."""

    size: BuiltinSize | None = None
    """A built-in size: the KV cache in GPU memory (kv), quantized to the codec's bits
    (quantized), or those after the codec's lossless format and its side tables (compressed)."""
    of: str | None = None
    """Or: this form is another form's bytes ..."""
    times: Ratio | None = None
    """... times this (e.g. 1.0 for a same-size transform such as encryption)."""

    @model_validator(mode="after")
    def _one_rule(self) -> "Form":
        if (self.size is None) == (self.of is None):
            raise ValueError("give a form either size: (kv, quantized or compressed) or of: FORM with times:")
        if (self.of is None) != (self.times is None):
            raise ValueError("of: and times: go together")
        return self


class StageKind(StrictModel):
    """One kind of stage: who may run it and what it does to the data's form."""

    executors: list[Executor]
    """Kinds of resource that may run it: a core pool (costed by its costs.<kind>), an engine
    (one whose `runs` lists the kind), the GPU's SMs (costed by gpu.kernels.<kind> if
    `gpu_kernel`, else as a stream through GPU memory)."""
    turns: tuple[str, str] | None = None
    """The form it reads and the form it writes, if it changes the form (else it passes its input
    form through unchanged)."""
    codec_algorithm: bool = False
    """Whoever runs it must accept the codec's lossless format (an engine's or kernel's or
    cost's `algorithms`): a decompressor."""
    gpu_kernel: bool = False
    """On the GPU it needs a kernel of its own (gpu.kernels.<kind>: rate, launches); without one
    it is costed as a memory-bound stream."""


class DataPlane(StrictModel):
    """The forms and stage kinds a scenario's design is written in, and what it delivers."""

    name: str
    """Short name (e.g. kv-cache)."""
    description: str = ""
    """What this data plane moves, for people."""
    forms: dict[str, Form]
    """The forms a chunk's bytes take, by name."""
    kinds: dict[str, StageKind]
    """The kinds of stage a design may use, by name."""
    delivers: str
    """The form the last stage writes into GPU memory."""

    @model_validator(mode="after")
    def _forms_exist(self) -> "DataPlane":
        known = set(self.forms)
        named = [("delivers", self.delivers)] + [(f"forms.{n}.of", f.of) for n, f in self.forms.items() if f.of]
        named += [(f"kinds.{n}.turns", form) for n, k in self.kinds.items() for form in (k.turns or ())]
        for where, form in named:
            if form not in known:
                raise ValueError(f"{where}: no form {form!r} (forms: {', '.join(self.forms)})")
        for name, form in self.forms.items():  # a chain of `of` must end at a built-in size
            seen = [name]
            while form.of is not None:
                if form.of in seen:
                    raise ValueError(f"forms.{name}: its sizes refer back to {form.of!r} ({' -> '.join(seen)})")
                seen.append(form.of)
                form = self.forms[form.of]
        return self
