"""Command line: evaluate, tabulate, size, compare, simulate and serve designs; validate, report.

Bad input of any kind prints one line (file:line: field.path: expectation) and exits 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import typing

from .errors import InfeasibleError, SpecError

# Everything heavy (numpy, pydantic, networkx, the engines) is imported by the command that needs
# it, so that `nicmodel --help` starts in a fraction of the time (see README, Benchmarks).


def _emit(text, output: str | None) -> None:
    from .output.text import write_atomic
    if output:
        write_atomic(output, text)
    elif isinstance(text, str):
        sys.stdout.write(text)
    else:
        for chunk in text:
            sys.stdout.write(chunk)


def cmd_eval(args: argparse.Namespace) -> None:
    from . import api
    from .output.text import eval_text
    scenario = api.load(args.scenario, args.set)
    result = api.evaluate_scenario(scenario, args.set)
    u = api.uncertainty_of(scenario, args.uncertainty, args.seed) if args.uncertainty else None
    db = _database(args)
    out = None if db is not None else args.output
    if db is not None:
        db.write("eval", [_db_row(_eval_row(result))], {"overrides": list(args.set)})
    if args.format == "json":
        from .planning.uncertainty import public
        if u is not None:
            result["uncertainty"] = public(u)
        _emit(json.dumps(result, indent=2) + "\n", out)
    else:
        from .planning.uncertainty import point_text
        _emit(eval_text(result, scenario.description) + (point_text(u) if u is not None else ""), out)


def _table_db_row(row: dict, axes: set) -> dict:
    """A design-table row with the swept values as input columns (in_PATH) and SI outputs."""
    out = {("in_" + k) if k in axes else k: v for k, v in row.items()}
    if isinstance(out.get("bottleneck"), str) and out["bottleneck"].startswith("invalid"):
        out["invalid"] = out["bottleneck"]
    return out


def _eval_row(result: dict) -> dict:
    """An evaluation's headline numbers and per-resource utilization, for a database row."""
    keep = ("scenario", "throughput_gbps", "kv_throughput_gbps", "fetch_latency_s", "bottleneck", "feasible",
            "hardware", "chunk", "footprint_bytes", "request")
    row = {k: result[k] for k in keep if k in result}
    row["utilization"] = {r: d.get("utilization") for r, d in (result.get("resource_detail") or {}).items()}
    return row


def cmd_table(args: argparse.Namespace) -> None:
    from . import api
    from .output.text import table_text
    from .planning.robustness import optimum_text
    if not args.vary:
        raise SpecError("give at least one --vary PATH=V1,V2,...", "--vary")
    columns = [] if args.optimum == ["none"] else (args.optimum or ["fetch_latency_ms"])
    if args.uncertainty:
        table = api.design_table_uncertainty(args.scenario, args.vary, args.set, args.uncertainty, args.seed,
                                             args.max_points)
        optima = [api.table_optimum(args.scenario, args.vary, args.set, c) for c in columns]
        if args.format == "json":
            _emit(json.dumps({"columns": table.columns, "rows": table.rows, "optima": optima}, indent=2) + "\n",
                  args.output)
            return
        notes = "".join(optimum_text(o) for o in optima)
        if args.format == "csv":
            sys.stderr.write(notes)
            _emit(table_text(table, "csv"), args.output)
        else:
            _emit(table_text(table, args.format) + ("\n" + notes if notes else ""), args.output)
        return
    db = _database(args)
    if db is not None:  # the rows go to the database, the table to stdout
        table = api.design_table(args.scenario, args.vary, args.set, args.max_points)
        axes = set(table.columns) - _ROW_OUTPUTS
        db.write("design_table", [_table_db_row(r, axes) for r in table.rows],
                 {"scenario": str(args.scenario), "overrides": list(args.set)})
        args.output = None
    if args.format == "csv" and not args.plot:
        streamed = api.design_table_csv(args.scenario, args.vary, args.set, args.max_points)
        if streamed is not None:  # a long numeric table: written block by block, not held
            prepared, chunks = streamed
            if args.output:
                _emit(chunks, args.output)
            else:
                for chunk in chunks:
                    sys.stdout.write(chunk)
            sys.stderr.write("".join(optimum_text(api.optimum_of(prepared, c)) for c in columns))
            return
    table = api.design_table(args.scenario, args.vary, args.set, args.max_points)
    optima = [api.table_optimum(args.scenario, args.vary, args.set, c) for c in columns]
    if args.plot:
        from .output.plots import table_plot
        table_plot(table.columns, table.rows, [c for c in table.columns if c not in _ROW_OUTPUTS], args.plot)
    if args.format == "json":
        _emit(json.dumps({"columns": table.columns, "rows": table.rows, "optima": optima}, indent=2) + "\n",
              args.output)
        return
    text = table_text(table, args.format)
    notes = "".join(optimum_text(o) for o in optima)
    if args.format == "csv":  # keep the CSV a CSV: the verdicts go to stderr
        sys.stderr.write(notes)
        _emit(text, args.output)
    else:
        _emit(text + ("\n" + notes if notes else ""), args.output)


def cmd_report(args: argparse.Namespace) -> None:
    from .output.html import build
    if not args.output:
        raise SpecError("give the report's file with -o report.html", "--output")
    text = build(args.scenario, args.set, args.vary, args.compare, args.trace, args.uncertainty)
    _emit(text, args.output)
    print(f"wrote {args.output} ({len(text) / 1024:,.0f} KiB)")


def cmd_query(args: argparse.Namespace) -> None:
    from .output.resultsdb import query
    names, rows = query(args.database, args.sql)
    if args.format == "json":
        _emit(json.dumps([dict(zip(names, r)) for r in rows], indent=2) + "\n", args.output)
    elif args.format == "csv":
        import csv as _csv
        import io
        buf = io.StringIO()
        w = _csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        w.writerows(rows)
        _emit(buf.getvalue(), args.output)
    else:
        from tabulate import tabulate
        _emit(tabulate(rows, headers=names, tablefmt="github") + "\n", args.output)


def cmd_size(args: argparse.Namespace) -> int:
    from .planning.sizing import size, size_text
    objective, maximize = (args.maximize, True) if args.maximize else (args.minimize, False)
    _check_plot(args)
    r = size(args.scenario, args.choose, args.target, objective, maximize, args.set,
             args.pareto.split(",") if args.pareto else None, args.max_points)
    if args.plot:
        from .output.plots import size_plot
        size_plot(r, r.get("_candidates"), args.plot)
    r = {k: v for k, v in r.items() if not k.startswith("_")}
    _emit(json.dumps(r, indent=2) + "\n" if args.format == "json" else size_text(r), args.output)
    return EXIT_CHECK_FAILED if r["best"] is None else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> None:
    from . import api
    from .output.text import compare_text
    from .planning.robustness import winner_text
    if args.break_even:
        _break_even(args)
        return
    _check_plot(args)
    results = api.compare(args.scenarios, args.set)
    if args.plot:
        from .output.plots import compare_plot
        compare_plot(results, args.plot)
    notes_u = _compare_uncertainty(args) if args.uncertainty else ("", [])
    metrics = [] if args.winner == ["none"] else (args.winner or ["fetch_latency_s", "kv_throughput_gbps"])
    winners = [api.compare_winner(args.scenarios, args.set, m) for m in metrics] if len(results) > 1 else []
    if args.format == "json":
        doc = {"designs": results, "winners": winners}
        if args.uncertainty:
            doc["uncertainty"] = notes_u[1]
        _emit(json.dumps(doc, indent=2) + "\n", args.output)
        return
    db = _database(args)
    if db is not None:
        db.write("compare", [_db_row(_eval_row(r)) for r in results], {"overrides": list(args.set)})
        args.output = None
    notes = "".join(winner_text(w) for w in winners) + notes_u[0]
    if args.format == "csv":
        sys.stderr.write(notes)
        _emit(compare_text(results, args.format), args.output)
    else:
        _emit(compare_text(results, args.format) + ("\n" + notes if notes else ""), args.output)


def _compare_uncertainty(args: argparse.Namespace) -> tuple[str, list]:
    """Each design's intervals, and how often the first design beats each other one (paired draws)."""
    from . import api
    from .planning.uncertainty import paired_win, point_text, public
    scenarios = [api.load(p, args.set) for p in args.scenarios]
    us = [api.uncertainty_of(s, args.uncertainty, args.seed) for s in scenarios]
    text, doc = [], []
    for s, u in zip(scenarios, us):
        text.append(f"{s.name}: " + point_text(u))
        entry = {"scenario": s.name, **public(u), "first_beats_this": {}}
        doc.append(entry)
    first = scenarios[0].name
    for s, u, entry in zip(scenarios[1:], us[1:], doc[1:]):
        for output, lower in (("fetch_latency", True), ("kv_throughput", False)):
            share = paired_win(us[0], u, output, lower)
            entry["first_beats_this"][output] = share
            text.append(f"{first} beats {s.name} on {output} in {100 * share:.0f}% of paired draws\n")
    return "".join(text), doc


def _samples(text: str) -> int:
    n = int(text)
    if not 10 <= n <= 1_000_000:
        raise argparse.ArgumentTypeError("expected 10..1,000,000 draws")
    return n


def _grid_points(text: str) -> int:
    n = int(text)
    if not 3 <= n <= 2001:
        raise argparse.ArgumentTypeError("expected 3..2001 points")
    return n


def _break_even(args: argparse.Namespace) -> None:
    from . import api
    from .planning.breakeven import break_even, break_even_plot, break_even_text, parse_knob
    from .planning.sweep import parse_axis

    if args.plot:
        from .output.text import plot_format
        plot_format(args.plot)
    cases: list[tuple[str, list[str]]] = [("", [])]
    if args.at:
        axis = parse_axis(args.at)
        cases = [(f"{axis.label}={v}", [f"{axis.label}={v}"]) for v in axis.values]
    results, texts = [], []
    for label, extra in cases:
        scenarios = [api.load(p, [*args.set, *extra]) for p in args.scenarios]
        knobs = [parse_knob(k, scenarios) for k in args.break_even]
        r = break_even(scenarios, knobs, args.metric, args.points)
        r["at"] = label
        results.append(r)
        texts.append(break_even_text(r, knobs, label))
        if args.plot:
            plot = args.plot if len(cases) == 1 else _numbered(args.plot, len(results))
            break_even_plot(r, knobs, plot, label)
    if args.format == "json":
        _emit(json.dumps(results, indent=2) + "\n", args.output)
    else:
        _emit("\n".join(texts), args.output)


def _numbered(path: str, i: int) -> str:
    from pathlib import Path
    p = Path(path)
    return str(p.with_name(f"{p.stem}-{i}{p.suffix}"))


def cmd_simulate(args: argparse.Namespace) -> int:
    if args.vary or args.replications > 1 or args.uncertainty:
        return _simulate_sweep(args)
    from . import api
    from .output.text import simulate_text, write_atomic
    from .engines.sim.report import chrome_trace_json, stage_records_csv
    from .spec.requests import batch, poisson, read_trace
    scenario = api.load(args.scenario, args.set)
    prefix = int(scenario.request.prefix_tokens.si)
    _check_load(args)
    if args.trace:
        requests = read_trace(args.trace)
        tokens = [r.prefix_tokens for r in requests]
    else:
        tokens = [prefix] * min(args.requests or 1, 2)  # the estimate scales from one request
    per_request = _sim_events(scenario, tokens) / len(tokens)
    count = len(requests) if args.trace else (args.requests or 1)
    _check_budget(per_request * count, args.max_events, "--trace" if args.trace else "--requests",
                  f"{count:,} requests")
    if not args.trace:
        requests = (poisson(count, args.rate, prefix, args.seed) if args.rate is not None
                    else batch(count, prefix))
    _check_plot(args)
    record = bool(args.stages_csv or args.trace_out)
    sample = args.sample_ms / 1e3 if args.sample_ms else None
    summary, run = api.simulate(scenario, requests, args.policy, record=record, sample_every_s=sample,
                                rate=None if args.trace else args.rate)
    if args.stages_csv:
        write_atomic(args.stages_csv, stage_records_csv(run))
    if args.trace_out:
        write_atomic(args.trace_out, chrome_trace_json(run))
    if args.plot:
        from .output.plots import simulate_plot
        simulate_plot(run, args.plot)
    text = json.dumps(summary, indent=2) + "\n" if args.format == "json" else simulate_text(summary)
    db = _database(args)
    if db is not None:
        db.write("simulate", [_db_row(_sim_row(summary))], {"overrides": list(args.set)})
    _emit(text, None if db is not None else args.output)
    return EXIT_OK


def _sim_row(summary: dict) -> dict:
    """A simulation summary without its per-window detail (kept out of tables and databases)."""
    return {k: v for k, v in summary.items() if k not in ("bottleneck_over_time", "resources")}


def _simulate_sweep(args: argparse.Namespace) -> int:
    """`simulate --vary`: every combination on a process pool; one summary row per point."""
    from . import api
    from .output.text import simulate_table_text
    if args.stages_csv or args.trace_out or args.trace or args.plot:
        raise SpecError("--stages-csv, --trace-out, --trace and --plot take one run; drop --vary for them", "--vary")
    _check_load(args)
    points = _points("simulate", [args.scenario], args.set, _sweep_axes(args.vary),
                     {"rate": args.rate, "requests": args.requests or 1, "seed": args.seed, "policy": args.policy,
                      "max_events": args.max_events})
    try:
        first = api.load(points[0].path, points[0].overrides)
        runs = len(points) * (max(1, args.replications) + (args.uncertainty or 0))
        _prefer_compiled(_sim_events(first, [int(first.request.prefix_tokens.si)]) * (args.requests or 1) * runs)
    except SpecError:
        pass  # reported with its row
    rows, code = _run_with_intervals(args, "simulate", points, _simulate_work)
    if len(rows) == 1 and "error" in rows[0]:
        return code
    text = json.dumps(rows, indent=2) + "\n" if args.format == "json" else simulate_table_text(rows)
    _emit(text, None if _database(args) is not None else args.output)
    return code


_ROW_OUTPUTS = {"bottleneck", "throughput_gbps", "kv_throughput_gbps", "fetch_latency_ms", "nic_memory_mib",
                "fits_nic_memory", "cores"}


def _check_plot(args: argparse.Namespace) -> None:
    """A plot file name the tool cannot write is refused before any work."""
    if getattr(args, "plot", None):
        from .output.text import plot_format
        plot_format(args.plot)


def _run_with_intervals(args: argparse.Namespace, command: str, points: list, work) -> tuple[list, int]:
    """Run each point once per replication seed and once per draw of the uncertain numbers (all
    on the pool), and give each point's row its intervals: ``replications`` over seeds,
    ``uncertainty`` over draws. Each point's own row is its run at --seed."""
    from . import api
    from .planning.replications import SERVE_METRICS, SIMULATE_METRICS, draw_overrides, over_draws, over_seeds
    from .planning.runner import Point, point_key
    metrics = SERVE_METRICS if command == "serve" else SIMULATE_METRICS
    reps = max(1, getattr(args, "replications", 1) or 1)
    draws_n = getattr(args, "uncertainty", None) or 0
    if reps == 1 and not draws_n:
        return _run_points(args, command, points, work)
    flat, roles = [], []
    for g, pt in enumerate(points):
        try:
            scenario = api.load(pt.path, pt.overrides)
        except SpecError:
            flat.append(pt)
            roles.append((g, "seed"))
            continue
        for k in range(reps):
            st = {**pt.settings, "seed": pt.settings["seed"] + k}
            key = point_key(command, scenario.model_dump(mode="json"), _key_settings(st))
            flat.append(Point(pt.path, pt.overrides, st, pt.label, key))
            roles.append((g, "seed"))
        for sets in (draw_overrides(scenario, draws_n, args.seed) if draws_n else []):
            over = [*pt.overrides, *sets]
            key = point_key(command, api.load(pt.path, over).model_dump(mode="json"), _key_settings(pt.settings))
            flat.append(Point(pt.path, over, pt.settings, pt.label, key))
            roles.append((g, "draw"))
    results, _ = _run_points(args, command, flat, work, write=False, report=False)
    rows = []
    for g in range(len(points)):
        seeds = [r for r, (gg, role) in zip(results, roles) if gg == g and role == "seed"]
        drawn = [r for r, (gg, role) in zip(results, roles) if gg == g and role == "draw"]
        row = dict(seeds[0])
        ok = [r for r in seeds if "error" not in r]
        if len(ok) > 1:
            row["replications"] = over_seeds(ok, metrics)
        good = [r for r in drawn if "error" not in r]
        if good:
            row["uncertainty"] = over_draws(good, metrics)
            row["uncertainty"]["failed_draws"] = len(drawn) - len(good)
        rows.append(row)
    db = _database(args)
    if db is not None:
        db.write(command, [_db_row(r) for r in rows])
    return rows, _report_errors(rows)


def _key_settings(settings: dict) -> dict:
    """The settings that decide a point's result (a trace by its length; no bookkeeping)."""
    return {k: v for k, v in settings.items() if k not in ("trace", "plot")} | {"trace": len(settings.get("trace") or [])}


def _rates(args: argparse.Namespace) -> list:
    """--rates R1,R2,... (offered Poisson rates), else the one --rate (or None: all together)."""
    if not args.rates:
        return [args.rate]
    if args.rate is not None:
        raise SpecError("give --rate or --rates, not both", "--rates")
    try:
        rates = [float(r) for r in args.rates.split(",")]
    except ValueError:
        raise SpecError(f"expected rates such as 1,2,4,8 (requests per second), got {args.rates!r}", "--rates") from None
    if not all(r > 0 and math.isfinite(r) for r in rates):
        raise SpecError("rates must be positive numbers of requests per second", "--rates")
    return rates


def _check_load(args: argparse.Namespace) -> None:
    if args.requests is not None and args.requests < 1:
        raise SpecError("must be at least 1", "--requests")
    if args.rate is not None and not (args.rate > 0 and math.isfinite(args.rate)):
        raise SpecError(f"must be a positive number of requests per second, got {args.rate!r}", "--rate")


def _run_points(args: argparse.Namespace, table: str, points: list, work, write: bool = True,
                report: bool = True) -> tuple[list, int]:
    """Run sweep points (a pool when several, the database as the store of finished ones), append
    them to the database's ``table``, report each failed point on stderr; (rows, exit code)."""
    from .planning import runner
    db = _database(args)
    if len(points) == 1:  # one run: its error is the command's error
        rows = [work(points[0], raise_errors=True)]
    else:
        rows = runner.run(points, work, _jobs(args, len(points)), _show_progress(args), db, args.backend)
    if db is not None and write:
        db.write(table, [_db_row(r) for r in rows])
    return rows, (_report_errors(rows) if report else EXIT_OK)


def _report_errors(rows: list) -> int:
    """Each failed point's one-line error on stderr; the exit code of the worst."""
    code = EXIT_OK
    for r in rows:
        if "error" in r:
            print(f"error: {r['error']}", file=sys.stderr)
            code = max(code, r.get("exit", EXIT_BAD_INPUT))
    return code


def _simulate_work(pt, raise_errors: bool = False) -> dict:
    from . import api
    from .spec.requests import batch, poisson
    st = pt.settings
    try:
        scenario = api.load(pt.path, pt.overrides)
        prefix = int(scenario.request.prefix_tokens.si)
        per = _sim_events(scenario, [prefix])
        _check_budget(per * st["requests"], st["max_events"], "--requests", f"{st['requests']:,} requests")
        requests = (poisson(st["requests"], st["rate"], prefix, st["seed"]) if st["rate"] is not None
                    else batch(st["requests"], prefix))
        summary, _ = api.simulate(scenario, requests, st["policy"], record=False, rate=st["rate"])
        row = _sim_row(summary)
    except (SpecError, InfeasibleError) as exc:
        if raise_errors:
            raise
        bad = isinstance(exc, SpecError)
        row = {"scenario": pt.path, "error": str(exc) if bad else f"{pt.path}: infeasible: {exc}",
               "exit": EXIT_BAD_INPUT if bad else EXIT_CHECK_FAILED}
    row["point"] = pt.label
    row["_seed"] = st["seed"]
    row["key"] = pt.key
    return row


# Simulator events per chunk per stage, and its speed, for up-front run-time estimates (measured:
# benchmarks/bench_simulator.py and bench_serving.py, ~20 events per chunk of the 5-stage default;
# the compiled loop runs 7-11M events/s alone and ~3M/s under the serving model, the reference ~520k).
EVENTS_PER_CHUNK_STAGE = 4
EVENTS_PER_S = {"compiled": 3_000_000, "reference": 480_000}


def _sim_events(scenario, prefixes: list[int]) -> float:
    """Events a data-plane simulation of requests with these prefixes will take, roughly."""
    if scenario.design.mode == "recompute":
        return float(len(prefixes))
    chunk = scenario.design.chunk_tokens
    stages = len(scenario.design.stages) * (3 if scenario.design.copy_strategy == "copying" else 1)
    chunks = sum(1 if chunk == "naive" else math.ceil(p / chunk) for p in prefixes)
    return float(chunks * stages * EVENTS_PER_CHUNK_STAGE + 2 * len(prefixes))


# A command of this many simulator events in all runs on the compiled loop under `auto`, even when
# each of its runs is small: loading it (~0.7 s per process) is paid once per worker.
AUTO_COMPILED_EVENTS = 400_000


def _prefer_compiled(events: float) -> None:
    """Under the `auto` kernel, a command of many events runs every run on the compiled loop
    (an environment variable, so that sweep workers do too; main() restores it)."""
    if not os.environ.get("NICMODEL_SIM_KERNEL") and events >= AUTO_COMPILED_EVENTS:
        os.environ["NICMODEL_SIM_KERNEL"] = "compiled"


def _check_budget(events: float, limit: float, option: str, what: str) -> None:
    """Refuse a run that would take too long, with the estimate and how to allow it."""
    if events > limit:
        raise SpecError(f"{what} is about {events:.2g} simulator events (~{events / EVENTS_PER_S['compiled']:,.0f} s "
                        f"on the compiled loop, ~{events / EVENTS_PER_S['reference']:,.0f} s on the reference), more "
                        f"than --max-events {limit:.2g}; run fewer or raise --max-events", option)


def cmd_fabric(args: argparse.Namespace) -> None:
    from .engines.fabric.summary import fabric_report
    from .spec.loader import load_component
    from .output.text import fabric_text
    from .spec.fabric import OpticalFabric
    from .units import UnitError, parse_quantity

    fabric = load_component(args.fabric, "fabric", OpticalFabric, args.set)
    nbytes = None
    if args.bytes is not None:
        try:
            nbytes = parse_quantity(args.bytes, "bytes")
        except UnitError as exc:
            raise SpecError(str(exc), "--bytes") from None
    report = fabric_report(fabric, tuple(args.pair) if args.pair else None, nbytes)
    text = json.dumps(report, indent=2) + "\n" if args.format == "json" else fabric_text(report)
    _emit(text, args.output)


def _trace_points(trace: str, scenario: str | None):
    from .validation.trace import read_trace_for
    return read_trace_for(trace, scenario)


def cmd_validate(args: argparse.Namespace) -> int:
    from .validation import validate as v
    from .validation.metrics import METRICS

    if args.list_metrics or not args.trace:
        if not args.trace and not args.list_metrics:
            raise SpecError("give a trace file (or --list-metrics)", "validate")
        sys.stdout.write("".join(f"{m.name:24s} {m.dimension:10s} {m.description}"
                                 + (f" (argument: {m.argument})" if m.argument else "") + "\n"
                                 for m in METRICS.values()))
        return 0
    if args.plot:
        from .output.text import plot_format

        plot_format(args.plot)  # a bad plot name is refused before any work
    preds = v.predict_all(_trace_points(args.trace, args.scenario))
    bad = v.failures(preds, args.tolerance)
    text = (json.dumps(v.report_json(preds, bad), indent=2) + "\n" if args.format == "json"
            else v.report_text(preds, bad))
    _emit(text, args.output)
    if args.plot:
        v.plot(preds, args.plot)
    return 1 if bad else 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from . import api
    from pathlib import Path

    from .output.text import calibrate_text
    from .validation import calibrate as c
    from .validation.predict import Prediction, Predictor

    if not args.fit:
        raise SpecError("name at least one parameter with --fit PATH", "--fit")
    scenario = Path(args.scenario)
    api.load(scenario, args.set)  # report problems with the scenario itself first
    points = _trace_points(args.trace, str(scenario))
    fitted = [p for p in points if p.role == "fitted"]
    held = [p for p in points if p.role == "held-out"]
    if not fitted:
        raise SpecError("the trace has no points with role fitted", args.trace)
    points_set = [replace_overrides(p, args.set) for p in fitted]
    held = [replace_overrides(p, args.set) for p in held]
    initial, bounds = {}, {}
    for key in args.fit:
        param = c.spec_param(scenario, args.set, key)
        if param.range is None:
            raise SpecError(f"{key} has no range in the spec; give it `range: [low, high]` to bound the fit", "--fit")
        initial[key] = param.si
        bounds[key] = tuple(type(param)._check(v) for v in param.range)
    result = c.fit(points_set, list(args.fit), initial, bounds)
    predictor = Predictor()
    held_preds = [Prediction(p, predictor.predict(p, result.values)) for p in held]
    cv = c.cross_validate(points_set, list(args.fit), initial, bounds, args.cv) if args.cv else []
    rejected = c.acceptance(result, args.max_residual)
    written = None
    if args.output and (not rejected or args.force):
        c.write_fitted_spec(scenario, args.set, result, Path(args.trace), Path(args.output))
        written = args.output
    text = calibrate_text(result, held_preds, cv, written)
    if rejected:
        text += ("\nFIT REJECTED: " + "; ".join(rejected) + "\n"
                 + (f"wrote {args.output} anyway (--force)\n" if written else
                    ("nothing written; --force writes it anyway\n" if args.output else "")))
    _emit(text, None)
    return EXIT_CHECK_FAILED if rejected else EXIT_OK


def replace_overrides(point, overrides):
    from dataclasses import replace

    return replace(point, overrides=tuple(point.overrides) + tuple(overrides)) if overrides else point


def cmd_sensitivity(args: argparse.Namespace) -> None:
    from . import api
    from .engines.plan import compile_scenario
    from .output.text import sensitivity_text
    from .planning import sensitivity as sens

    if args.plot:
        from .output.text import plot_format

        plot_format(args.plot)
    scenario = api.load(args.scenario, args.set)
    plan, params = compile_scenario(scenario)
    kinds = ("datasheet", "measured", "derived", "fitted", "assumed") if args.all_ranges else ("assumed",)
    uncertain = sens.uncertain_params(scenario, kinds)
    oat = sens.one_at_a_time(plan, params, uncertain, args.metric)
    sobol = sens.sobol(plan, params, uncertain, args.metric, args.samples, args.seed) if args.method != "oat" else []
    if args.plot:
        sens.tornado(oat, args.metric, args.plot)
    if args.format == "json":
        _emit(json.dumps({"metric": args.metric, "one_at_a_time": oat, "sobol": sobol}, indent=2) + "\n", args.output)
    else:
        _emit(sensitivity_text(args.metric, oat, sobol), args.output)


def cmd_serve(args: argparse.Namespace) -> int:
    from . import api
    from .output.text import serve_table_text, serve_text
    from .units import UnitError, parse_quantity

    bandwidths = [b.strip() for b in args.bandwidths.split(",")] if args.bandwidths else []
    for b in bandwidths:
        try:
            parse_quantity(b, "bandwidth")
        except UnitError as exc:
            raise SpecError(str(exc), "--bandwidths") from None
    _check_load(args)
    _check_plot(args)
    trace = None
    if args.trace:
        from .spec.requests import read_trace_rows

        trace = read_trace_rows(args.trace)
    # --bandwidths is a case of --vary network.bandwidth=...
    sweep_axes = _sweep_axes(args.vary + ([f"network.bandwidth={','.join(bandwidths)}"] if bandwidths else []))
    rates = _rates(args)
    points = []
    for rate in rates:  # --rates: the same points at each offered rate (a throughput-latency curve)
        for pt in _points("serve", args.scenarios, args.set, sweep_axes,
                          {"rate": rate, "requests": args.requests, "seed": args.seed, "control": args.control,
                           "search": args.search, "trace": trace, "plot": bool(args.plot)}):
            if len(rates) > 1:
                pt.label = {**pt.label, "rate": f"{rate:g}/s"}
            points.append(pt)
    order = {str(p): i for i, p in enumerate(args.scenarios)}
    points.sort(key=lambda pt: order.get(pt.path, 0))  # stable: each design's rates together
    runs = len(points) * (max(1, args.replications) + (args.uncertainty or 0)) * (2 + (SEARCH_RUNS if args.search else 0))
    for pt in points:
        try:
            scenario = api.load(pt.path, pt.overrides)
        except SpecError:
            continue  # reported with its row below
        if scenario.serving is not None:
            count = len(trace) if trace else args.requests
            prefixes = [r["prefix_tokens"] for r in trace] if trace else [int(scenario.request.prefix_tokens.si)]
            per = (_sim_events(scenario, prefixes) / len(prefixes)
                   + 2 * scenario.serving.output_tokens.si)  # decode iterations per request
            _check_budget(per * count * runs, args.max_events, "--trace" if trace else "--requests",
                          f"{runs} serving runs of {count:,} requests")
            _prefer_compiled(per * count * runs)
        break  # one point's estimate stands for all: they share the request count
    rows, code = _run_with_intervals(args, "serve", points, _serve_work)
    if len(rows) == 1 and "error" in rows[0]:
        return code  # the run failed: its one-line error is on stderr, nothing else is printed
    if args.plot:
        from .output.plots import serve_plot
        serve_plot(rows, args.plot)
    rows = [{k: v for k, v in r.items() if k != "_samples"} for r in rows]
    if args.format == "json":
        text = json.dumps(rows if len(rows) > 1 else rows[0], indent=2, default=str) + "\n"
    else:
        text = serve_text(rows[0]) if len(rows) == 1 else serve_table_text(rows, args.format)
    _emit(text, None if _database(args) is not None else args.output)
    return code


def _serve_work(pt, raise_errors: bool = False) -> dict:
    """One serving point: its run, and its SLO-rate search if asked; errors become a row."""
    from . import api
    from .engines.serving.run import max_rate, serve
    st = pt.settings
    try:
        scenario = api.load(pt.path, pt.overrides)
        result = serve(scenario, st["rate"], st["requests"], st["seed"], st["control"], st["trace"], st.get("plot", False))
        if st["search"]:
            result["slo"] = max_rate(scenario, st["requests"], st["seed"], st["control"])
    except (SpecError, InfeasibleError) as exc:
        if raise_errors:
            raise
        # one bad point does not lose the others' rows: it gets an invalid row, its error goes to
        # stderr, and the exit code says something failed
        bad = isinstance(exc, SpecError)
        result = {"scenario": str(pt.path), "error": str(exc) if bad else f"{pt.path}: infeasible: {exc}",
                  "exit": EXIT_BAD_INPUT if bad else EXIT_CHECK_FAILED}
    result["bandwidth"] = pt.label.get("network.bandwidth")
    result["_seed"] = st["seed"]
    result["point"] = pt.label
    result["key"] = pt.key
    return result


def _sweep_axes(vary: list[str]):
    from .planning.sweep import parse_axis
    axes = [parse_axis(v) for v in vary]
    labels = [a.label for a in axes]
    if len(set(labels)) != len(labels):
        raise SpecError("each path may be varied once (--bandwidths is --vary network.bandwidth=...)", "--vary")
    return axes


def _points(command: str, paths: list[str], overrides: list[str], axes, settings: dict) -> list:
    """Every (scenario, swept values) combination, keyed by its resolved scenario and settings."""
    import itertools

    from . import api
    from .planning.runner import Point, point_key
    points = []
    for path in paths:
        for combo in itertools.product(*(a.values for a in axes)):
            label = {a.label: v for a, v in zip(axes, combo)}
            extra = [f"{k}={v}" for k, v in label.items()]
            try:
                resolved = api.load(path, [*overrides, *extra]).model_dump(mode="json")
            except SpecError:
                resolved = {"unresolvable": [path, *overrides, *extra]}
            key = point_key(command, resolved, _key_settings(settings))
            points.append(Point(str(path), [*overrides, *extra], {"command": command, **settings}, label, key))
    return points


def _jobs(args: argparse.Namespace, n: int) -> int:
    from .planning.runner import default_jobs
    jobs = args.jobs if args.jobs is not None else default_jobs()
    if jobs < 1:
        raise SpecError(f"must be at least 1, got {jobs}", "--jobs")
    return min(jobs, n)


def _show_progress(args: argparse.Namespace) -> bool:
    return args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())


_DATABASES: dict[str, object] = {}


def _database(args: argparse.Namespace):
    """The results database named by -o (.sqlite/.db), opened once per process; else None."""
    from .output.resultsdb import ResultsDB, is_database
    out = getattr(args, "output", None)
    if not is_database(out):
        return None
    if out not in _DATABASES:
        _DATABASES[out] = ResultsDB(out)
    return _DATABASES[out]


def _db_row(r: dict) -> dict:
    """A result as a database row: the swept values as input columns, the result flattened."""
    row = {k: v for k, v in r.items() if k not in ("point", "exit")}
    for k, v in (r.get("point") or {}).items():
        row[f"in_{k}"] = v
    return row


SEARCH_RUNS = 12  # serving runs an SLO-rate search takes at most (the bound, then up to 8 halvings, with margin)


def cmd_specs(args: argparse.Namespace) -> None:
    from .spec.loader import REFERENCE_DIRS, available, library_roots, package_root
    lines = []
    for category, folder in REFERENCE_DIRS.items():
        names = available(category)
        lines.append(f"{category} ({folder}): {', '.join(names) if names else '-'}")
    roots = library_roots()
    designs = sorted({p for root in roots for p in (root / "pipelines").glob("*.yaml")})
    lines.append("designs (pipelines):")
    for path in designs:
        try:
            rel = path.relative_to(package_root())
        except ValueError:
            rel = path
        desc = ""
        for line in path.read_text().splitlines():
            if line.startswith("description:"):
                desc = line.split(":", 1)[1].strip()
                break
        lines.append(f"  {rel}  {desc}")
    sys.stdout.write("\n".join(lines) + "\n")


def cmd_schema(args: argparse.Namespace) -> None:
    from .spec.schema import scenario_schema
    _emit(json.dumps(scenario_schema(), indent=2) + "\n", args.output)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nicmodel", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser, formats: list[str]) -> None:
        p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                       help="override a field, e.g. network.bandwidth=40Gbps (repeatable)")
        p.add_argument("--format", choices=formats, default=formats[0])
        p.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")

    def stochastic(p: argparse.ArgumentParser, replications: int, verb: str) -> None:
        """Sweeps, replications and uncertainty draws of a stochastic command, on a pool."""
        p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...",
                       help=f"{verb} every combination of these values (repeatable) on a process pool, one row each")
        p.add_argument("--replications", type=int, default=replications, metavar="N",
                       help=f"{verb} every point with N seeds (--seed, --seed+1, ...) and print the mean and its 90%% "
                            f"confidence interval (default {replications})")
        p.add_argument("--uncertainty", nargs="?", const=32, type=int, metavar="N",
                       help=f"also {verb} every point with the assumed, fitted and derived numbers drawn over their "
                            "ranges N times (default 32): median and 90%% interval")
        p.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
        p.add_argument("--backend", choices=["local", "ray"], default="local",
                       help="local process pool, or Ray (the cluster at RAY_ADDRESS, else a local one of --jobs "
                            "workers started for the run; needs nicmodel[ray])")
        p.add_argument("--progress", choices=["auto", "on", "off"], default="auto",
                       help="progress bar with ETA on stderr (auto: when stderr is a terminal)")
        p.add_argument("--sim-kernel", choices=["auto", "compiled", "reference"],
                       help="event loop of the data-plane simulator: compiled (numba), the pure-Python reference, "
                            "or auto (compiled for large runs; default). Both give identical numbers")

    p = sub.add_parser("eval", help="steady-state throughput, bottleneck, latency and footprint")
    p.add_argument("scenario")
    p.add_argument("--uncertainty", nargs="?", const=1000, type=_samples, metavar="N",
                   help="draw the assumed and fitted numbers over their ranges N times (default 1000) and print "
                        "each answer with a 90%% interval")
    p.add_argument("--seed", type=int, default=0, help="seed of the --uncertainty draws")
    common(p, ["text", "json"])
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("table", help="design table over the cross product of --vary axes")
    p.add_argument("scenario")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...")
    p.add_argument("--optimum", action="append", metavar="COLUMN",
                   choices=["fetch_latency_ms", "throughput_gbps", "kv_throughput_gbps", "nic_memory_mib", "none"],
                   help="report the best row of this column, the rows within 1%% of it and the assumed numbers "
                        "whose range ends move it (repeatable; default fetch_latency_ms; 'none' to skip)")
    p.add_argument("--max-points", type=int, default=200_000,
                   help="refuse cross products above this many points (default 200,000; CSV output streams ~500k rows/s, markdown and JSON ~90k rows/s)")
    p.add_argument("--uncertainty", nargs="?", const=1000, type=_samples, metavar="N",
                   help="add a 90%% interval to each row's fetch latency and KV throughput over N draws of the "
                        "assumed and fitted numbers the table does not vary (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the --uncertainty draws")
    p.add_argument("--plot", metavar="FILE", help="plot fetch latency over the axes (a line per value, or a heat map), bottlenecks marked (.png/.svg/.pdf)")
    common(p, ["markdown", "csv", "json"])
    p.set_defaults(func=cmd_table)

    p = sub.add_parser("report", help="one self-contained HTML report: design, evaluation, table, sensitivity, "
                                      "comparison, validation")
    p.add_argument("scenario")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...",
                   help="design-table axes (default: link rate x chunk size)")
    p.add_argument("--compare", action="append", default=[], metavar="SCENARIO", help="another design to compare")
    p.add_argument("--trace", action="append", default=[], metavar="CSV", help="a measured trace to overlay")
    p.add_argument("--uncertainty", type=int, default=1000, metavar="N", help="draws for the uncertainty section (0: none)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="override a field (repeatable)")
    p.add_argument("--output", "-o", help="the HTML file to write (atomically)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("query", help="run SQL on a results database written with -o FILE.sqlite")
    p.add_argument("database")
    p.add_argument("sql", help='e.g. "SELECT in_network_bandwidth, fetch_latency_s FROM design_table"')
    p.add_argument("--format", choices=["markdown", "csv", "json"], default="markdown")
    p.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("size", help="the best choice (fewest cores, least NIC memory, ...) that meets targets")
    p.add_argument("scenario")
    p.add_argument("--choose", action="append", default=[], metavar="PATH=V1,V2,...|PATH=LO..HI",
                   help="an axis to choose along: listed values, or a range (every integer of an integer field, "
                        "33 points of a continuous number); repeatable")
    p.add_argument("--target", action="append", default=[], metavar="METRIC<=VALUE",
                   help="a requirement, e.g. kv_throughput>=40Gbps, fetch_latency<=150ms, nic_memory<=2GiB, "
                        "cores<=8 (repeatable)")
    goal = p.add_mutually_exclusive_group()
    goal.add_argument("--minimize", default="cores",
                      choices=["cores", "nic_memory", "fetch_latency", "cost"], help="what to minimize (default cores)")
    goal.add_argument("--maximize", choices=["throughput", "kv_throughput"], help="what to maximize instead")
    p.add_argument("--pareto", metavar="A,B", help="also print the Pareto front of two metrics among the choices "
                   "that meet the targets, e.g. fetch_latency,nic_memory")
    p.add_argument("--max-points", type=int, default=1_000_000, help="refuse more candidates than this")
    p.add_argument("--plot", metavar="FILE", help="plot the candidates meeting the targets, the Pareto front and the answer (.png/.svg/.pdf)")
    common(p, ["text", "json"])
    p.set_defaults(func=cmd_size)

    p = sub.add_parser("compare", help="designs side by side, with ratios to the first")
    p.add_argument("scenarios", nargs="+")
    p.add_argument("--winner", action="append", metavar="METRIC",
                   choices=["fetch_latency_s", "throughput_gbps", "kv_throughput_gbps", "none"],
                   help="report the winner of this metric and the assumed numbers whose range ends change it "
                        "(repeatable; default fetch latency and KV throughput, which compare designs whose codecs differ; "
                        "'none' to skip)")
    p.add_argument("--break-even", action="append", metavar="[N:]PATH=LOW..HIGH", default=[],
                   help="instead of one verdict, sweep this number (of design N only, else of both) and report "
                        "where the two designs trade the lead (repeat once for a two-parameter map)")
    p.add_argument("--metric", default="fetch_latency_s",
                   choices=["fetch_latency_s", "unloaded_ttft_s", "kv_throughput_gbps"],
                   help="what the break-even compares (default fetch_latency_s)")
    p.add_argument("--at", metavar="PATH=V1,V2,...",
                   help="repeat the break-even at each of these values, e.g. network.bandwidth=10Gbps,20Gbps,40Gbps")
    p.add_argument("--points", type=_grid_points, default=201, help="grid points per parameter (default 201)")
    p.add_argument("--plot", metavar="FILE", help="plot the designs' latency and KV throughput with their bottlenecks, or with --break-even the margin "
                        "(one parameter) or the winning regions (two)")
    p.add_argument("--uncertainty", nargs="?", const=1000, type=_samples, metavar="N",
                   help="each design's answers with 90%% intervals over N paired draws of the assumed and fitted "
                        "numbers, and how often the first design wins (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the --uncertainty draws")
    common(p, ["markdown", "csv", "json"])
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("simulate", help="discrete-event simulation: latency distribution, timelines, traces")
    p.add_argument("scenario")
    p.add_argument("--requests", type=int, help="number of requests of the scenario's prefix (default 1)")
    p.add_argument("--rate", type=float, help="Poisson arrivals at this many requests per second (else a batch)")
    p.add_argument("--trace", help="JSONL request trace (Mooncake shape: timestamp ms, hash_ids / input_length)")
    p.add_argument("--seed", type=int, default=0, help="seed of the arrival process")
    p.add_argument("--policy", choices=["fifo", "round-robin"], default="fifo",
                   help="which request's chunk gets the next free buffer slot")
    p.add_argument("--stages-csv", help="write per-chunk per-stage timestamps as CSV")
    p.add_argument("--trace-out", help="write a Chrome/Perfetto trace (JSON)")
    p.add_argument("--sample-ms", type=float, help="window of the bottleneck-over-time view")
    p.add_argument("--max-events", type=float, default=5e7,
                   help="refuse runs estimated above this many events (default 5e7, ~20 s)")
    stochastic(p, 1, "simulate")
    p.add_argument("--plot", metavar="FILE", help="plot each resource's utilization and the memory held over time (.png/.svg/.pdf)")
    common(p, ["text", "json"])
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("fabric", help="optical fabric: schedule summary and a ToR pair's figures")
    p.add_argument("fabric", help="a fabric spec file or a bundled name (hwspecs/fabrics)")
    p.add_argument("--pair", nargs=2, type=int, metavar=("SRC", "DST"), help="source and destination ToR")
    p.add_argument("--bytes", help="transfer size for the pair's transfer-time distribution, e.g. '2.7 GB'")
    common(p, ["text", "json"])
    p.set_defaults(func=cmd_fabric)

    p = sub.add_parser("validate", help="predict every point of a measured trace; errors per metric")
    p.add_argument("trace", nargs="?")
    p.add_argument("--scenario", help="use this scenario for every point instead of the trace's")
    p.add_argument("--tolerance", type=float, help="fail (exit 1) if any point's |error| exceeds this %%")
    p.add_argument("--plot", help="write measured vs predicted per metric to this PNG")
    p.add_argument("--list-metrics", action="store_true", help="list the metrics a trace may use")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--output", "-o")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("calibrate", help="least-squares fit of spec parameters to a trace's fitted points")
    p.add_argument("scenario")
    p.add_argument("trace")
    p.add_argument("--fit", action="append", default=[], metavar="PATH", help="a spec parameter (repeatable)")
    p.add_argument("--cv", help="cross-validation: number of folds, or 'loo'")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    p.add_argument("--output", "-o", help="write the scenario with fitted numbers marked fitted (only if the fit "
                                            "is accepted, or with --force)")
    p.add_argument("--max-residual", type=float, default=10.0, metavar="PCT",
                   help="largest |residual| %% a fitted point may keep where its trace row gives no tolerance "
                        "(default 10)")
    p.add_argument("--force", action="store_true", help="write --output even when the fit is rejected")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("sensitivity", help="which uncertain spec numbers move an output most")
    p.add_argument("scenario")
    p.add_argument("--metric", choices=["throughput_gbps", "kv_throughput_gbps", "fetch_latency_s",
                                        "nic_memory_peak_bytes"], default="throughput_gbps")
    p.add_argument("--method", choices=["oat", "sobol", "both"], default="both")
    p.add_argument("--samples", type=int, default=1024, help="Sobol base samples")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--all-ranges", action="store_true", help="every number with a range, not only assumed ones")
    p.add_argument("--plot", help="tornado plot (PNG)")
    common(p, ["text", "json"])
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser("serve", help="TTFT, TPOT and SLO-bound rate of serving with a fetch design")
    p.add_argument("scenarios", nargs="+")
    p.add_argument("--rate", type=float, help="Poisson arrivals per second (default: all requests together)")
    p.add_argument("--rates", metavar="R1,R2,...", help="run every point at each of these Poisson rates (a "
                   "throughput-latency curve; --plot draws it)")
    p.add_argument("--requests", type=int, default=200, help="requests in the loaded run (default 200)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--control", choices=["async", "sync"], help="override the scenario's control plane")
    p.add_argument("--trace", help="JSONL request trace (Mooncake shape) instead of --rate/--requests")
    p.add_argument("--search", action="store_true", help="also find the largest rate meeting the SLOs")
    stochastic(p, 5, "run")
    p.add_argument("--bandwidths", help="comma-separated link rates: one row per scenario and rate")
    p.add_argument("--max-events", type=float, default=5e7,
                   help="refuse runs estimated above this many simulator events in all (default 5e7, ~20 s)")
    p.add_argument("--plot", metavar="FILE", help="plot the TTFT and TPOT distributions of each row (.png/.svg/.pdf)")
    common(p, ["text", "markdown", "csv", "json"])
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("specs", help="bundled hardware, workloads and designs")
    p.add_argument("action", choices=["list"])
    p.set_defaults(func=cmd_specs)

    p = sub.add_parser("schema", help="JSON Schema of the scenario language")
    p.add_argument("--output", "-o")
    p.set_defaults(func=cmd_schema)
    return parser


# Exit codes: what a script can rely on.
EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # valid input, failed check: validate tolerance, rejected fit, infeasible design
EXIT_BAD_INPUT = 2  # bad input: file, field, value or command line
EXIT_INTERNAL = 3  # a bug in nicmodel (never expected; reported in one line)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line on stderr (no usage dump) and exit 2."""

    def error(self, message: str) -> typing.NoReturn:
        sys.stderr.write(f"error: {self.prog}: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for db in _DATABASES.values():  # one run, one run id (main may be called again in-process)
        db.close()
    _DATABASES.clear()
    kernel = getattr(args, "sim_kernel", None)
    before = os.environ.get("NICMODEL_SIM_KERNEL")
    if kernel:  # an environment variable, so that sweep workers run the same loop
        os.environ["NICMODEL_SIM_KERNEL"] = kernel
    try:
        code = args.func(args)
        if code:
            return code
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InfeasibleError as exc:  # a valid spec the hardware cannot run: the evaluation fails
        where = (getattr(args, "scenario", None) or " ".join(getattr(args, "scenarios", None) or [])
                 or getattr(args, "fabric", None) or "<input>")
        print(f"error: {where}: infeasible: {exc}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("error: interrupted; outputs already written are complete, none is partial", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        if os.environ.get("NICMODEL_DEBUG"):
            raise
        print(f"error: internal error (a bug in nicmodel; NICMODEL_DEBUG=1 shows the traceback): "
              f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        _restore_env("NICMODEL_SIM_KERNEL", before)
    return EXIT_OK


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


if __name__ == "__main__":
    sys.exit(main())

