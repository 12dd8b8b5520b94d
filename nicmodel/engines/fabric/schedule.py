"""Circuit schedules: dest[slice, tor, port] = ToR reached, or -1 (the time-flow table).

Generators follow the constructions in docs/sources/optical.md (OpenOptics' OpticalTopo):
round_robin (RotorNet), opera (Opera), sirius (cyclic shifts) and static. Seeded, so the same
spec always gives the same schedule.
"""

from __future__ import annotations

import numpy as np


def circle_matchings(n: int) -> list[list[tuple[int, int]]]:
    """The circle method: n-1 perfect matchings of n nodes (n even) covering every pair once.
    For odd n a dummy node is added, giving n matchings in which one node idles."""
    m = n if n % 2 == 0 else n + 1
    rounds = []
    ring = list(range(1, m))
    for r in range(m - 1):
        order = [0] + ring[r:] + ring[:r]
        pairs = [(order[i], order[m - 1 - i]) for i in range(m // 2)]
        rounds.append([(a, b) for a, b in pairs if a < n and b < n])
    return rounds


def _empty(slices: int, n: int, k: int) -> np.ndarray:
    return np.full((slices, n, k), -1, dtype=np.int64)


def _place(table: np.ndarray, s: int, port: int, matching: list[tuple[int, int]]) -> None:
    for a, b in matching:
        table[s, a, port] = b
        table[s, b, port] = a


def round_robin(n: int, k: int) -> np.ndarray:
    """Every port steps through all matchings, one per slice; port p starts p x M/k matchings
    later, so each pair has k circuit-slices per cycle of M = n-1 slices (n even)."""
    rounds = circle_matchings(n)
    m = len(rounds)
    table = _empty(m, n, k)
    for p in range(k):
        offset = (p * m) // k
        for s in range(m):
            _place(table, s, p, rounds[(s + offset) % m])
    return table


def opera(n: int, k: int, seed: int = 0) -> np.ndarray:
    """Opera-style: n matchings (the round robin plus an idle one) in random order; port p holds
    matchings p, p+k, p+2k, ... for k slices each, starting p slices late, so one port
    reconfigures per slice and every pair has one circuit lasting k slices per cycle of n slices."""
    rounds = circle_matchings(n)
    rounds = rounds + [[]] * (n - len(rounds))  # pad with idle matchings to n
    order = np.random.default_rng(seed).permutation(len(rounds))
    table = _empty(n, n, k)
    for p in range(k):
        for s in range(n):
            held = ((s - p) % n) // k  # which of this port's matchings is up in slice s
            _place(table, s, p, rounds[order[(p + held * k) % n]])
    return table


def sirius(n: int, k: int) -> np.ndarray:
    """Cyclic shifts: in slice s, ToR i's port p reaches i + 1 + s + p x S (mod n), skipping
    itself, with S = ceil((n-1)/k) slices, so every ordered pair gets one circuit-slice."""
    slices = -(-(n - 1) // k)
    table = _empty(slices, n, k)
    for s in range(slices):
        for p in range(k):
            shift = 1 + s + p * slices
            if shift <= n - 1:
                table[s, :, p] = (np.arange(n) + shift) % n
    return table


def static(n: int, k: int, seed: int = 0) -> np.ndarray:
    """k fixed matchings drawn from the round robin: a static k-regular topology, one slice."""
    rounds = circle_matchings(n)
    chosen = np.random.default_rng(seed).choice(len(rounds), size=min(k, len(rounds)), replace=False)
    table = _empty(1, n, k)
    for p, idx in enumerate(chosen):
        _place(table, 0, p, rounds[idx])
    return table


def build(kind: str, n: int, k: int, seed: int = 0, table: list | None = None) -> np.ndarray:
    """The schedule of a spec."""
    if kind == "round_robin":
        return round_robin(n, k)
    if kind == "opera":
        return opera(n, k, seed)
    if kind == "sirius":
        return sirius(n, k)
    if kind == "static":
        return static(n, k, seed)
    out = np.asarray(table, dtype=np.int64)
    if out.ndim != 3 or out.shape[1:] != (n, k):
        raise ValueError(f"explicit table must be slices x {n} ToRs x {k} ports, got shape {out.shape}")
    if ((out < -1) | (out >= n)).any():
        raise ValueError("explicit table entries must be -1 or a ToR index below tors")
    if (out == np.arange(n)[None, :, None]).any():
        raise ValueError("explicit table sends a ToR to itself")
    return out
