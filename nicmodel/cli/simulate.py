"""`nicmodel simulate`: the discrete-event simulation of the data plane: one run with its
latency distribution, timelines and traces, or a sweep with intervals."""

from __future__ import annotations

import argparse

from ..output.jsontext import strict_json
from ..errors import EXIT_OK, SpecError
from .. import limits
from .common import (checked, check_plot, common, database, emit, report_errors, show_progress, stochastic, write_db,
                     write_rows)


def register(sub) -> None:
    p = sub.add_parser("simulate", help="discrete-event simulation: latency distribution, timelines, traces")
    p.add_argument("scenario")
    p.add_argument("--requests", type=checked(limits.requests), help="number of requests of the scenario's prefix (default 1)")
    p.add_argument("--rate", type=checked(limits.rate), help="Poisson arrivals at this many requests per second (else a batch)")
    p.add_argument("--trace", help="JSONL request trace (Mooncake shape: timestamp ms, hash_ids / input_length)")
    p.add_argument("--seed", type=checked(limits.seed), default=0, help="seed of the arrival process")
    p.add_argument("--policy", choices=["fifo", "round-robin"], default="fifo",
                   help="which request's chunk gets the next free buffer slot")
    p.add_argument("--stages-csv", help="write per-chunk per-stage timestamps as CSV")
    p.add_argument("--trace-out", help="write a Chrome/Perfetto trace (JSON)")
    p.add_argument("--sample-ms", type=checked(limits.number, 1e-6, 1e9), help="window of the bottleneck-over-time view")
    p.add_argument("--max-events", type=checked(limits.max_events), default=5e7,
                   help="refuse runs estimated above this many events (default 5e7, ~20 s)")
    stochastic(p, 1, "simulate")
    p.add_argument("--plot", metavar="FILE", help="plot each resource's utilization and the memory held over time (.png/.svg/.pdf)")
    common(p, ["text", "json"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.vary or args.replications > 1 or args.uncertainty:
        return _sweep(args)
    from .. import api
    from ..engines.sim.report import chrome_trace_json, stage_records_csv
    from ..files import write_atomic
    from ..output.runs import simulate_text
    from ..output.rows import point_row
    from ..planning.runs import sim_row
    check_plot(args)
    record = bool(args.stages_csv or args.trace_out)
    sample = args.sample_ms / 1e3 if args.sample_ms else None
    summary, run_ = api.simulate_file(args.scenario, args.set, args.requests, args.rate, args.trace, args.seed,
                                      args.policy, record, sample, args.max_events)
    if args.stages_csv:
        write_atomic(args.stages_csv, stage_records_csv(run_))
    if args.trace_out:
        write_atomic(args.trace_out, chrome_trace_json(run_))
    if args.plot:
        from ..output.plots import simulate_plot
        simulate_plot(run_, args.plot)
    text = strict_json(summary, indent=2) + "\n" if args.format == "json" else simulate_text(summary)
    write_db(args, "simulate", [point_row(sim_row(summary))])
    emit(text, args.output)
    return EXIT_OK


def _sweep(args: argparse.Namespace) -> int:
    """`simulate --vary`: every combination on a process pool; one summary row per point."""
    from .. import api
    from ..output.runs import simulate_table_text
    if args.stages_csv or args.trace_out or args.trace or args.plot:
        raise SpecError("--stages-csv, --trace-out, --trace and --plot take one run; drop --vary for them", "--vary")
    rows = api.simulate_sweep(args.scenario, args.vary, args.set, args.requests, args.rate, args.seed, args.policy,
                              args.max_events, args.replications, args.uncertainty, args.jobs, args.backend,
                              show_progress(args), database(args))
    write_rows(args, "simulate", rows)
    code = report_errors(rows)
    if len(rows) == 1 and "error" in rows[0]:
        return code
    rows = [{k: v for k, v in r.items() if k != "_seed_rows"} for r in rows]
    text = strict_json(rows, indent=2) + "\n" if args.format == "json" else simulate_table_text(rows)
    emit(text, args.output)
    return code
