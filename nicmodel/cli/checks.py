"""The model against measurements and its sensitivity: `validate`, `calibrate`, `sensitivity`."""

from __future__ import annotations

import argparse
import sys

from ..output.jsontext import strict_json
from ..errors import EXIT_CHECK_FAILED, EXIT_OK, SpecError
from .. import limits
from .common import checked, check_plot, common, emit


def register(sub) -> None:
    p = sub.add_parser("validate", help="predict every point of a measured trace; errors per metric")
    p.add_argument("trace", nargs="*", help="a measured trace; several give the held-out standing over them "
                                              "(families above --family-mape, default 15, and their count)")
    p.add_argument("--scenario", help="use this scenario for every point instead of the trace's")
    p.add_argument("--tolerance", type=checked(limits.number, 0.0, 1e6), help="fail (exit 1) if any point's |error| exceeds this %%")
    p.add_argument("--family-mape", type=checked(limits.number, 0.0, 1e6), metavar="PCT",
                   help="fail (exit 1) if any held-out family's MAPE (an interference trace's metric and family, as "
                        "the summary gives them) exceeds this %%; the interference model's target is 15")
    p.add_argument("--ledger", metavar="FILE",
                   help="read the held-out standing against this ledger of families above the target, each with its "
                        "recorded cause (validation/above_target.yaml): fail (exit 1) only on a family above the "
                        "target that it does not record, and name the recorded ones now within it")
    p.add_argument("--plot", help="write measured vs predicted per metric to this PNG")
    p.add_argument("--list-metrics", action="store_true", help="list the metrics a trace may use")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--output", "-o")
    p.set_defaults(func=run_validate)

    p = sub.add_parser("calibrate", help="least-squares fit of spec parameters to the fitted points of one trace "
                                         "or several, together")
    p.add_argument("scenario")
    p.add_argument("trace", nargs="+")
    p.add_argument("--fit", action="append", default=[], metavar="PATH", help="a spec parameter (repeatable)")
    p.add_argument("--cv", help="cross-validation: number of folds, or 'loo'")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    p.add_argument("--output", "-o", help="write the scenario with fitted numbers marked fitted (only if the fit "
                                            "is accepted, or with --force)")
    p.add_argument("--max-residual", type=checked(limits.number, 0.0, 1e6), default=10.0, metavar="PCT",
                   help="largest |residual| %% a fitted point may keep where its trace row gives no tolerance "
                        "(default 10)")
    p.add_argument("--force", action="store_true", help="write --output even when the fit is rejected")
    p.set_defaults(func=run_calibrate)

    p = sub.add_parser("sensitivity", help="which uncertain spec numbers move an output most")
    p.add_argument("scenario")
    p.add_argument("--metric", choices=["throughput_gbps", "kv_throughput_gbps", "fetch_latency_s",
                                        "nic_memory_peak_bytes"], default="throughput_gbps")
    p.add_argument("--method", choices=["oat", "sobol", "both"], default="both")
    p.add_argument("--samples", type=checked(limits.count, 16, 1 << 20), default=1024, help="Sobol base samples")
    p.add_argument("--seed", type=checked(limits.seed), default=0)
    p.add_argument("--all-ranges", action="store_true", help="also datasheet and measured numbers that carry a range (default: the assumed, fitted and derived ones; the workload is never varied)")
    p.add_argument("--plot", help="tornado plot (PNG)")
    common(p, ["text", "json"])
    p.set_defaults(func=run_sensitivity)


def run_validate(args: argparse.Namespace) -> int:
    from .. import api
    from ..validation.metrics import METRICS

    if args.list_metrics or not args.trace:
        if not args.trace and not args.list_metrics:
            raise SpecError("give a trace file (or --list-metrics)", "validate")
        sys.stdout.write("".join(f"{m.name:24s} {m.dimension:10s} {m.description}"
                                 + (f" (argument: {m.argument})" if m.argument else "") + "\n"
                                 for m in METRICS.values()))
        return 0
    check_plot(args)  # a bad plot name is refused before any work
    if len(args.trace) > 1 or args.ledger:
        return _standing(args)
    args.trace = args.trace[0]
    v = api.validate(args.trace, args.scenario, args.tolerance, args.family_mape)
    if args.format == "json":
        text = strict_json(v["report"], indent=2) + "\n"
    else:
        from ..output.explain import families_text, report_text
        text = report_text(v["predictions"], v["failed"]) + families_text(v["families_above"], args.family_mape)
    emit(text, args.output)
    if args.plot:
        from ..output.plots import validation_plot
        validation_plot(v["predictions"], args.plot)
    return 1 if v["failed"] or v["families_above"] else 0


def _standing(args: argparse.Namespace) -> int:
    """Several traces (or a ledger): the held-out families above the target, and how many of how many; exit 1 if
    any, or with a ledger if any it does not record."""
    from .. import api
    from ..output.explain import standing_text
    if args.tolerance is not None or args.plot:
        raise SpecError("--tolerance and --plot read one trace; several give the held-out standing only", "validate")
    s = api.validate_standing(args.trace, args.scenario, args.family_mape, args.ledger)
    public = {k: v for k, v in s.items() if k != "trace_paths"}
    emit(strict_json(public, indent=2) + "\n" if args.format == "json" else standing_text(s), args.output)
    if "ledger" in s:
        return 1 if s["ledger"]["new"] else 0
    return 1 if s["above"] else 0


def run_calibrate(args: argparse.Namespace) -> int:
    from .. import api
    from ..output.explain import calibrate_text

    c = api.calibrate(args.scenario, args.trace, args.fit, args.set, args.cv, args.max_residual)
    rejected = c["rejected"]
    written = None
    if args.output and c["result"] is not None and (not rejected or args.force):
        api.write_calibrated(args.scenario, args.trace, c, args.output, args.set)
        written = args.output
    text = calibrate_text(c["result"], c["held_out"], c["cross_validation"], written) if c["result"] else ""
    if c.get("alternatives"):
        from ..output.explain import alternatives_text
        text += alternatives_text(c["alternatives"])
    if rejected:
        text += ("\nFIT REJECTED: " + "; ".join(rejected) + "\n"
                 + (f"wrote {args.output} anyway (--force)\n" if written else
                    ("nothing written; --force writes it anyway\n" if args.output else "")))
    emit(text, None)
    return EXIT_CHECK_FAILED if rejected else EXIT_OK


def run_sensitivity(args: argparse.Namespace) -> None:
    from .. import api
    from ..output.explain import sensitivity_text

    check_plot(args)
    s = api.sensitivity(args.scenario, args.metric, args.method, args.samples, args.seed, args.all_ranges, args.set)
    if args.plot:
        from ..output.plots import tornado
        tornado(s["one_at_a_time"], args.metric, args.plot)
    if args.format == "json":
        emit(strict_json(s, indent=2) + "\n", args.output)
    else:
        emit(sensitivity_text(args.metric, s["one_at_a_time"], s["sobol"], s.get("note", "")), args.output)
