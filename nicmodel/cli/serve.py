"""`nicmodel serve`: TTFT, TPOT and the SLO-bound rate of serving with a fetch design."""

from __future__ import annotations

import argparse
import math
import sys

from ..output.jsontext import strict_json
from ..errors import SpecError
from .. import limits
from .common import checked, check_plot, common, database, emit, report_errors, show_progress, stochastic, write_rows


def register(sub) -> None:
    p = sub.add_parser("serve", help="TTFT, TPOT and SLO-bound rate of serving with a fetch design")
    p.add_argument("scenarios", nargs="+")
    p.add_argument("--rate", type=checked(limits.rate), help="Poisson arrivals per second (default: all requests together)")
    p.add_argument("--rates", metavar="R1,R2,...", help="run every point at each of these Poisson rates (a "
                   "throughput-latency curve; --plot draws it)")
    p.add_argument("--requests", type=checked(limits.requests), default=200, help="requests in the loaded run (default 200)")
    p.add_argument("--seed", type=checked(limits.seed), default=0)
    p.add_argument("--control", choices=["async", "sync"], help="override the scenario's control plane")
    p.add_argument("--trace", help="JSONL request trace (Mooncake shape) instead of --rate/--requests")
    p.add_argument("--search", action="store_true", help="also find the largest rate meeting the SLOs")
    p.add_argument("--model", choices=["simulated", "analytical", "both"], default="simulated",
                   help="simulated: the request-level simulator (default); analytical: the queueing model "
                        "(steady state, milliseconds per point, validated against the simulator: README, "
                        "Serving model); both: the simulator with the analytical answer beside it")
    stochastic(p, 5, "run")
    p.add_argument("--bandwidths", help="comma-separated link rates: one row per scenario and rate")
    p.add_argument("--max-events", type=checked(limits.max_events), default=5e7,
                   help="refuse runs estimated above this many simulator events in all (default 5e7, ~20 s)")
    p.add_argument("--plot", metavar="FILE", help="plot the TTFT and TPOT distributions of each row (.png/.svg/.pdf)")
    common(p, ["text", "markdown", "csv", "json"])
    p.set_defaults(func=run)


def _rates(text: str | None) -> list[float] | None:
    """--rates R1,R2,... (offered Poisson rates)."""
    if not text:
        return None
    try:
        rates = [float(r) for r in text.split(",")]
    except ValueError:
        raise SpecError(f"expected rates such as 1,2,4,8 (requests per second), got {text!r}", "--rates") from None
    if not all(r > 0 and math.isfinite(r) for r in rates):
        raise SpecError("rates must be positive numbers of requests per second", "--rates")
    return rates


# below this many requests a simulated SLO search can pass rates a steady state cannot sustain
# (measured against 3,000-request runs: README, Serving model)
STEADY_REQUESTS = 3000


def _budget_flag(events: float, limit: float) -> str:
    """The --max-events a longer run needs beyond this one's limit (one significant figure, rounded up)."""
    if events <= limit:
        return ""
    scale = 10 ** math.floor(math.log10(events))
    return f" --max-events {math.ceil(events / scale)}e{int(math.log10(scale))}"


def run(args: argparse.Namespace) -> int:
    from .. import api
    from ..output.runs import serve_table_text, serve_text
    bandwidths = [b.strip() for b in args.bandwidths.split(",")] if args.bandwidths else []
    check_plot(args)
    rows = api.serve(args.scenarios, args.rate, args.requests, args.seed, args.control, args.trace, args.search,
                     args.vary, bandwidths, _rates(args.rates), args.set, args.replications, args.uncertainty,
                     args.jobs, args.backend, show_progress(args), database(args), args.max_events,
                     keep_samples=bool(args.plot), model=args.model)
    write_rows(args, "serve", rows)
    code = report_errors(rows)
    if args.search and args.model != "analytical" and not args.trace and args.requests < STEADY_REQUESTS:
        steady = api.serve_events(args.scenarios, STEADY_REQUESTS, args.rate, True, args.vary, bandwidths,
                                  _rates(args.rates), args.set, args.replications, args.uncertainty, args.model)
        print(f"note: SLO-bound rates from {args.requests}-request runs can exceed what a steady state sustains, "
              f"and verdicts between designs can flip (README, Serving model); confirm a decision with --requests "
              f"{STEADY_REQUESTS}{_budget_flag(steady, args.max_events)} or --model both", file=sys.stderr)
    if len(rows) == 1 and "error" in rows[0]:
        return code  # the run failed: its one-line error is on stderr, nothing else is printed
    if args.plot:
        from ..output.plots import serve_plot
        serve_plot(rows, args.plot)
    rows = [{k: v for k, v in r.items() if k not in ("_samples", "_seed_rows")} for r in rows]
    if args.format == "json":
        text = strict_json(rows if len(rows) > 1 else rows[0], indent=2, default=str) + "\n"
    else:
        text = serve_text(rows[0]) if len(rows) == 1 else serve_table_text(rows, args.format)
    emit(text, args.output)
    return code
