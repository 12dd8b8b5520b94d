"""Request traces: JSONL in the shape of public Mooncake traces.

One JSON object per line. Recognised fields:
  timestamp      arrival time in milliseconds (required)
  prefix_tokens  cached-prefix tokens to fetch (used if present), else
  hash_ids       list of cached block ids; prefix = len(hash_ids) x block_tokens (Mooncake: 512),
                 capped at input_length when that is present, else
  input_length   prompt tokens (the whole prompt treated as cached prefix)
Other fields (output_length, ...) are carried but unused by the data-plane simulator.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import SpecError
from .textio import read_text


@dataclass(frozen=True)
class RequestSpec:
    """One request: when it arrives (seconds) and how many prefix tokens it fetches."""

    arrival_s: float
    prefix_tokens: int


MOONCAKE_BLOCK_TOKENS = 512
MAX_REQUESTS = 1_000_000  # a trace longer than this is split by the caller
# The longest context a request may have: 10M tokens, the largest announced context window
# (Llama 4 Scout); the same bound as a scenario's request.prefix_tokens.
MAX_PREFIX_TOKENS = 10_000_000


def read_trace(path: str | Path, block_tokens: int = MOONCAKE_BLOCK_TOKENS) -> list[RequestSpec]:
    """Requests from a JSONL trace, in arrival order; errors name the line and field."""
    return [RequestSpec(row["arrival_s"], row["prefix_tokens"]) for row in read_trace_rows(path, block_tokens)]


def read_trace_rows(path: str | Path, block_tokens: int = MOONCAKE_BLOCK_TOKENS) -> list[dict]:
    """Every trace row as arrival_s, prefix_tokens, input_tokens and output_tokens (None where the
    trace has no such field), in arrival order (a trace whose timestamps decrease is refused)."""
    file = str(path)
    lines = read_text(path).splitlines()
    requests = []
    last = -math.inf
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SpecError(f"not valid JSON: {exc.msg}", file, number) from None
        except RecursionError:
            raise SpecError("JSON nested too deeply", file, number) from None
        if not isinstance(row, dict):
            raise SpecError("expected a JSON object per line", file, number)
        stamp = row.get("timestamp")
        if not isinstance(stamp, (int, float)) or isinstance(stamp, bool) or stamp < 0 or not math.isfinite(stamp):
            raise SpecError("expected a non-negative number of milliseconds", file, number, ("timestamp",))
        if stamp < last:
            raise SpecError(f"timestamps must not decrease: {stamp:g} ms after {last:g} ms (sort the trace by "
                            "arrival)", file, number, ("timestamp",))
        last = stamp
        if len(requests) >= MAX_REQUESTS:
            raise SpecError(f"more than {MAX_REQUESTS:,} requests; split the trace", file, number)
        tokens = _prefix(row, file, number, block_tokens)
        out = row.get("output_length")
        if out is not None and (not isinstance(out, int) or isinstance(out, bool) or out < 1):
            raise SpecError("expected a positive whole number of tokens", file, number, ("output_length",))
        requests.append({"arrival_s": stamp / 1e3, "prefix_tokens": tokens, "input_tokens": row.get("input_length"),
                         "output_tokens": out})
    if not requests:
        raise SpecError("trace has no requests", file)
    return requests


def _prefix(row: dict, file: str, number: int, block_tokens: int) -> int:
    for field in ("prefix_tokens", "input_length"):
        value = row.get(field)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise SpecError("expected a positive whole number of tokens", file, number, (field,))
        if value is not None and value > MAX_PREFIX_TOKENS:
            raise SpecError(f"{value:,} tokens is beyond any model's context (at most {MAX_PREFIX_TOKENS:,})",
                            file, number, (field,))
    if row.get("prefix_tokens") is not None:
        return row["prefix_tokens"]
    hashes = row.get("hash_ids")
    if hashes is not None:
        if not isinstance(hashes, list) or not hashes:
            raise SpecError("expected a non-empty list of block ids", file, number, ("hash_ids",))
        if len(hashes) * block_tokens > MAX_PREFIX_TOKENS and not row.get("input_length"):
            raise SpecError(f"{len(hashes):,} blocks is beyond any model's context", file, number, ("hash_ids",))
        tokens = len(hashes) * block_tokens
        return min(tokens, row["input_length"]) if row.get("input_length") else tokens
    if row.get("input_length") is not None:
        return row["input_length"]
    raise SpecError("a request needs prefix_tokens, hash_ids or input_length", file, number)


def batch(count: int, prefix_tokens: int) -> list[RequestSpec]:
    """``count`` requests arriving together at time zero."""
    return [RequestSpec(0.0, prefix_tokens) for _ in range(count)]


def poisson(count: int, rate_per_s: float, prefix_tokens: int, seed: int) -> list[RequestSpec]:
    """``count`` requests with exponential inter-arrival times (seeded, so reproducible)."""
    if rate_per_s <= 0:
        raise SpecError("must be a positive number of requests per second", "--rate")
    gaps = np.random.default_rng(seed).exponential(1.0 / rate_per_s, count)
    times = np.cumsum(gaps) - gaps[0]
    return [RequestSpec(float(t), prefix_tokens) for t in times]
