"""Bring the recorded held-out bounds (tests/held_out.py, held_out_grids.py) to what the model gives now.

    python tests/held_out_update.py [--write] [--new TRACE ...]

Each interference trace's (MAPE %, worst |error| %) per metric and family is set to the next 0.5
at or above the value plus 0.05 where the model now exceeds it or beats it by more than 0.5 (a
small gain leaves it, so bounds do not churn); every change is printed, and --write rewrites the
two data files in place. --new prints the block for a trace not recorded yet (paste it in, with a
comment saying what the trace is). Run it after a model change has been judged on the held-out
families (docs/serving.md), never to make a regression pass unseen: its output goes in the commit.
A new trace also moves the recorded recounts of screens not adopted (``pytest -m recount``, left out of
the default run): run them and record the new counts with the trace.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from conftest import held_out_stats  # noqa: E402
from nicmodel.files import write_atomic  # noqa: E402

DATA, GRIDS = HERE / "held_out.py", HERE / "held_out_grids.py"


def bound(value: float) -> float:
    """The next 0.5 at or above |value| + 0.05."""
    return math.ceil((abs(value) + 0.05) * 2) / 2


def held_out(trace: str) -> dict[str, tuple[float, float]]:
    """(MAPE, worst |error|) of each held-out metric/family of a trace, as the gates read them."""
    return {k: (s["mape_pct"], abs(s["worst_pct"])) for k, s in held_out_stats(trace).items()}


def updated(recorded: tuple[float, float], now: tuple[float, float]) -> tuple[float, float]:
    return tuple(bound(n) if (n > r or n < r - 0.5) else r for r, n in zip(recorded, now))


def block_span(text: str, trace: str, named: str | None) -> tuple[int, int]:
    """Where a trace's bounds are written: its literal block in held_out.py, or the named dict."""
    start = text.index(f"{named} = {{") if named else text.index(f'"{trace}": {{')
    return start, text.index("\n}" if named else "}", start + len(trace) + 5)


def update(write: bool) -> int:
    from held_out import HELD_OUT

    texts = {DATA: DATA.read_text(), GRIDS: GRIDS.read_text()}
    changes = 0
    for trace, bounds in HELD_OUT.items():
        if "interference" not in trace:
            continue
        named = re.search(r'"' + re.escape(trace) + r'": ([A-Z_0-9]+),', texts[DATA])
        path = GRIDS if named else DATA
        start, end = block_span(texts[path], trace, named.group(1) if named else None)
        block = texts[path][start:end]
        now = held_out(trace)
        for key in sorted(set(now) ^ set(bounds)):
            print(f"{trace}: {key} is {'new' if key in now else 'gone'}: add or remove it by hand")
        for key, recorded in bounds.items():
            if key not in now:
                continue
            new = updated(recorded, now[key])
            if new != recorded:
                changes += 1
                print(f"{Path(trace).name} {key}: {recorded} -> {new} (now {now[key][0]:.2f}, {now[key][1]:.2f})")
                block, n = re.subn(r'("' + re.escape(key) + r'": )\(([0-9.]+), ([0-9.]+)\)',
                                   rf"\g<1>({new[0]}, {new[1]})", block)
                assert n == 1, (trace, key)
        texts[path] = texts[path][:start] + block + texts[path][end:]
    print(f"{changes} change(s)")
    if write and changes:
        for path, text in texts.items():
            write_atomic(path, text)
    return changes


def new_block(trace: str) -> str:
    lines = [f'    "{trace}": {{']
    lines += [f'        "{k}": ({bound(m)}, {bound(w)}),' for k, (m, w) in held_out(trace).items()]
    return "\n".join(lines + ["    },"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="rewrite tests/held_out.py and held_out_grids.py")
    ap.add_argument("--new", nargs="*", default=[], metavar="TRACE", help="print the block of a trace not recorded")
    args = ap.parse_args(argv)
    for trace in args.new:
        print(new_block(trace))
    if args.new:
        print("# a new trace moves the recorded recounts too: run `pytest -m recount` and record their counts")
    if not args.new:
        update(args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
