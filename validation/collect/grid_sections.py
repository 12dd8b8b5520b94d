"""The sections of interference_grid.py after the first grid: decode steps and copies, the copy-fit
points, the probe, and the designed grids (--regime, --widths, --onewave, --drain, --paced, --short)."""

from __future__ import annotations

import time
from pathlib import Path

import torch

from gpu_common import Deadline, Model, capture, event, kernel_descriptors, time_on, write_csv, write_descriptors
from grid_kernels import Synthetic, calibrate, paced_unit, time_alone, time_graph
from grid_measure import DUTY_TARGETS, Grid, eager_batch, graph_batch, guarded, run_config, section_point
from grid_units import dataplane_point, dataplane_units, probe_units, PROBE_KS

DECODE_GRID = [(1, 1024), (1, 8192), (8, 1024), (8, 4096), (8, 8192), (32, 1024), (32, 4096), (32, 8192)]
# --widths: the access width of a streaming co-runner (bytes each thread loads and stores per
# iteration), 2/4/8 bytes and the 16-byte "mem" body, at the data-plane kernels' grids and durations
WIDTHS = {"ew": (128, 0, [8192, 32768], [10e-6, 50e-6, 250e-6], ["mem2", "mem4", "mem8", "mem"])}
# --regime: the data-plane kernels' regime (name -> threads, shared memory, grids, durations, bodies)
REGIME = {
    "ew": (128, 0, [2048, 8192, 32768], [10e-6, 50e-6, 250e-6], ["mem", "alu"]),
    "quad": (128, 48 << 10, [132, 512], [100e-6, 500e-6, 2e-3], ["alu", "mem"]),
}
# --onewave: one-wave kernels of 1, 2 or 4 blocks per SM (shared memory), 66-528 blocks
ONEWAVE = {
    "one": (128, 200 << 10, [66, 132], [100e-6, 500e-6, 2e-3], ["alu", "mem"]),
    "two": (128, 100 << 10, [132, 264], [100e-6, 500e-6, 2e-3], ["alu", "mem"]),
    "quad": (128, 48 << 10, [264, 528], [100e-6, 500e-6, 2e-3], ["alu", "mem"]),
}
# --drain: many-wave thin kernels whose blocks live ~3 us to ~1 ms (4 and 16 waves of 16 blocks per
# SM; 2-byte and 16-byte streaming and ALU bodies), for how decode's kernels cut in at their block
# boundaries (added 2026-12-03, a later session, after every coefficient was fitted: every point
# held out)
DRAIN = {"drain": (128, 0, [8448, 33792], [50e-6, 500e-6, 5e-3], ["mem2", "mem", "alu"])}
# --paced: launches per unit, host intervals between launches, and the kernels (body, blocks, target per launch)
PACED_LAUNCHES = 32
PACED_INTERVALS_S = [0.0, 20e-6, 60e-6]
PACED_KERNELS = [("mem2", 1024, 5e-6), ("mem2", 1024, 15e-6), ("mem2", 1024, 40e-6),
                 ("alu", 1024, 5e-6), ("alu", 1024, 15e-6), ("alu", 1024, 40e-6)]
# --short: (body, blocks, iterations) of each short kernel
SHORT_KERNELS = [(body, blocks, iters) for blocks in (1024, 4096)
                 for body, iters_list in (("mem2", (1, 4, 16)), ("mem", (1, 4, 16)), ("alu", (64, 256, 1024)))
                 for iters in iters_list]


def short_kernels(only: str) -> list[tuple[str, int, int]]:
    """``--kernels`` as (body, blocks, iterations): those of SHORT_KERNELS in its order (as the
    earlier runs measured them), then any other grid of the same bodies in the order given."""
    asked = []
    for item in only.split(","):
        body, blocks, iters = item.split(":")
        if body not in {b for b, _, _ in SHORT_KERNELS} or int(blocks) < 1 or int(iters) < 1:
            raise SystemExit(f"--kernels: {item!r}: expected body:blocks:iterations with body mem2, mem or alu")
        asked.append((body, int(blocks), int(iters)))
    return [k for k in SHORT_KERNELS if k in asked] + [k for k in asked if k not in SHORT_KERNELS]


def section_decode_grid(out: Path, model: Model, quick: bool, dl: Deadline) -> None:
    rows, stream = [], torch.cuda.Stream()
    for batch, context in (DECODE_GRID[:2] if quick else DECODE_GRID):
        replay, graph = capture(model, batch, context, stream)
        for rep in range(3):
            rows.append([batch, context, rep, f"{time_on(replay, 5 if quick else 20, stream):.7g}"])
        del graph
        write_csv(out / "decode_step.csv", ["batch", "context_tokens", "repeat", "seconds_per_step"], rows)
    print(f"[{dl.elapsed():.0f}s] decode grid: {len(rows)} rows", flush=True)


def section_copies(out: Path, quick: bool, dl: Deadline) -> None:
    sizes = [4 << 10, 8 << 10, 16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20,
             4 << 20, 16 << 20, 64 << 20, 256 << 20]
    if quick:
        sizes = sizes[:3]
    rows, stream = [], torch.cuda.Stream()
    for size in sizes:
        dev = torch.empty(size, dtype=torch.uint8, device="cuda")
        host = torch.ones(size, dtype=torch.uint8).pin_memory()
        n = int(min(2000, max(20, (256 << 20) // size)))
        for rep in range(3):
            h2d = time_on(lambda: dev.copy_(host, non_blocking=True), n, stream)
            d2h = time_on(lambda: host.copy_(dev, non_blocking=True), n, stream)
            # one at a time: each copy waited for before the next is issued (GPU and wall time)
            gpu, wall = [], []
            for _ in range(min(n, 50)):
                e0, e1 = event(), event()
                t0 = time.perf_counter()
                with torch.cuda.stream(stream):
                    e0.record(stream)
                    dev.copy_(host, non_blocking=True)
                    e1.record(stream)
                e1.synchronize()
                wall.append(time.perf_counter() - t0)
                gpu.append(e0.elapsed_time(e1) / 1e3)
            gpu.sort()
            wall.sort()
            for direction, mode, sec in (("h2d", "queued", h2d), ("d2h", "queued", d2h),
                                         ("h2d", "single_gpu", gpu[len(gpu) // 2]),
                                         ("h2d", "single_wall", wall[len(wall) // 2])):
                rows.append([size, direction, mode, rep, f"{sec:.7g}", f"{size / sec / 1e9:.5g}"])
        write_csv(out / "copy_bandwidth.csv", ["bytes", "direction", "mode", "repeat", "seconds_per_copy",
                                                "gb_per_s"], rows)
    print(f"[{dl.elapsed():.0f}s] copies: {len(rows)} rows", flush=True)


def copy_fit(out: Path, decodes: dict, streams, side, dl: Deadline) -> None:
    """Pinned host-to-device copies beside decode at 1 to 8 per step and saturated (fitted points)."""
    grid = Grid(out)
    grid.path = out / "copy_fit.csv"
    for size in (1 << 20, 4 << 20, 64 << 20, 128 << 20):
        host = torch.ones(size, dtype=torch.uint8).pin_memory()
        dev = torch.empty(size, dtype=torch.uint8, device="cuda")
        unit = (lambda d=dev, h=host: d.copy_(h, non_blocking=True))
        t_unit = time_alone(unit, side, 0.03)
        name = f"h2d_{size >> 20}MiB"
        for dec in decodes.values():
            for kk in (1, 4, 8):
                if dl.left() > 0:
                    guarded(dataplane_point, grid, name, dec, "equal", streams, side, unit, t_unit, kk, 0.06)
            if dl.left() > 0:
                guarded(run_config, grid, "copyfit", name, dec, "equal", streams, side, unit, t_unit, "sat", 0.06)
    for row in grid.rows:
        row[0] = "copyfit"
        row[-1] = "fitted"
    write_csv(grid.path, Grid.HEADER, grid.rows)
    print(f"[{dl.elapsed():.0f}s] copy fit: {len(grid.rows)} rows", flush=True)


def probe(out: Path, syn: "Synthetic", decodes: dict, streams, dl, quick: bool, phase=None,
          window_s: float = 0.1) -> None:
    """The probe units (module docstring, --probe) on the legacy default stream and on a created
    one, beside every decode point, both priorities, k launches at the start of every step (or at
    ``phase``'s point of it), each point over ``window_s`` of decode (at least 8 steps)."""
    created = torch.cuda.Stream(priority=0)
    on_stream = {"legacy": torch.cuda.default_stream(), "created": created}
    units = {}
    for where, stream in on_stream.items():
        for name, unit in probe_units(syn, stream).items():
            units[f"{name}_{where}"] = (unit, stream)
    grid = Grid(out)
    ks = [1, 8] if quick else PROBE_KS
    for name, (unit, stream) in units.items():
        t_unit = time_alone(unit, stream, 0.03)
        for p, dec in decodes.items():
            for prio in ("equal", "high"):
                for k in ks:
                    if dl.left() <= 0:
                        break
                    guarded(section_point, grid, "probe", name, dec, prio, streams, stream, eager_batch(unit, k),
                            t_unit, k, window_s, phase=phase)
                if name.startswith(("torch_copy_strided_created", "cupy_copy2_created")) and dl.left() > 0:
                    guarded(section_point, grid, "probe", name.replace("_created", "_graph"), dec, prio, streams, stream,
                            graph_batch(unit, 8, stream), t_unit, 8, window_s, True, phase=phase)
    print(f"[{dl.elapsed():.0f}s] probe done: {len(grid.rows)} rows", flush=True)
    kernels = [row for name, (unit, stream) in units.items() if name.endswith("_created")  # last: PROFILED
               for row in kernel_descriptors(unit, name.removesuffix("_created"))]
    write_descriptors(out, kernels)


def calibrate_all(out: Path, syn: "Synthetic", defs: list, prefix: str, stream, dl) -> dict:
    """Calibrate each (body, footprint, grid, target duration, threads, shared memory) to its target
    time alone; name -> (launcher, time alone), with synthetic_corunners.csv rewritten after each."""
    corunners, crow = {}, []
    for body, fp, g, d, threads, smem in defs:
        if dl.left() <= 60:
            break
        iters, alone = calibrate(syn, body, g, threads, smem, d, stream)
        name = f"{prefix}_{body}_{fp}_g{g}_{d * 1e6:.0f}us"
        corunners[name] = (syn.launcher(body, g, threads, smem, iters, stream), alone)
        crow.append([name, body, fp, threads, smem, g, iters, syn.registers(body), syn.hbm_bytes(body, g, threads, iters),
                     f"{d:.7g}", f"{alone:.7g}"])
        write_csv(out / "synthetic_corunners.csv", ["corunner", "body", "footprint", "threads", "shared_memory_bytes",
                                                     "blocks", "iterations", "registers_per_thread", "hbm_bytes",
                                                     "target_s", "alone_s"], crow)
    return corunners


def regime(out: Path, syn: "Synthetic", decodes: dict, points: list, streams, syn_side, dl, rng, quick: bool,
           graph: bool = True, table: dict | None = None, section: str = "regime", phase=None) -> None:
    """The REGIME co-runners: descriptors, calibration, then every decode point x priority x duty
    in a seeded random order (section "regime")."""
    table = table or REGIME
    defs = [(body, fp, g, d) for fp, (_, _, grids, durations, bodies) in table.items()
            for body in bodies for g in grids for d in durations]
    if quick:
        defs = defs[:2]
    corunners = calibrate_all(out, syn, [(body, fp, g, d, *table[fp][:2]) for body, fp, g, d in defs],
                              {"regime": "reg", "onewave": "one"}.get(section, section[:3]), syn_side, dl)
    print(f"[{dl.elapsed():.0f}s] calibrated {len(corunners)} regime co-runners", flush=True)
    configs = [(name, p, prio, duty) for name in corunners for p in points for prio in ("equal", "high")
               for duty in DUTY_TARGETS]
    rng.shuffle(configs)
    grid = Grid(out)
    for i, (name, p, prio, duty) in enumerate(configs):
        if dl.left() <= 0:
            print(f"budget spent: {i} of {len(configs)} regime configs", flush=True)
            break
        launch, alone = corunners[name]
        guarded(run_config, grid, section, name, decodes[p], prio, streams, syn_side, launch, alone, duty, 0.1,
                use_graph=graph, phase=phase)
    print(f"[{dl.elapsed():.0f}s] done: {len(grid.rows)} regime rows", flush=True)
    kernels = []  # last: see gpu_common.PROFILED
    for fp, (threads, smem, _, _, bodies) in table.items():
        for body in bodies:
            kernels += kernel_descriptors(syn.launcher(body, 512, threads, smem, 64, syn_side), f"{section}_{body}_{fp}")
    write_descriptors(out, kernels)


def unit_grid(out: Path, units: dict, decodes: dict, points: list, streams, dl, rng, phase=None) -> None:
    """Every unit (name -> launch, time alone, stream, replayed as a graph, section) at every decode
    point x priority x duty (low, mid), in a seeded random order, until the budget is spent."""
    configs = [(name, p, prio, duty) for name in units for p in points for prio in ("equal", "high")
               for duty in ("low", "mid")]
    rng.shuffle(configs)
    grid = Grid(out)
    for i, (name, p, prio, duty) in enumerate(configs):
        if dl.left() <= 0:
            print(f"budget spent: {i} of {len(configs)} configs", flush=True)
            break
        unit, unit_s, stream, graph, section = units[name]
        guarded(run_config, grid, section, name, decodes[p], prio, streams, stream, unit, unit_s, duty, 0.1,
                use_graph="always" if graph else False, phase=phase)
    print(f"[{dl.elapsed():.0f}s] done: {len(grid.rows)} rows", flush=True)


def paced(out: Path, syn: "Synthetic", decodes: dict, points: list, streams, syn_side, side, dl, rng,
          quick: bool, phase=None) -> None:
    """The host-paced units (module docstring, --paced): calibrate each kernel, build its units at
    every interval, then every decode point x priority x duty (low, mid) in a seeded random order."""
    kernels = PACED_KERNELS[:2] if quick else PACED_KERNELS
    units, crow = {}, []
    for body, blocks, target in kernels:
        iters, launch_s = calibrate(syn, body, blocks, 128, 0, target, syn_side)
        launch = syn.launcher(body, blocks, 128, 0, iters, syn_side)
        for interval in PACED_INTERVALS_S:
            name = f"pac_{body}_g{blocks}_{target * 1e6:.0f}us_every{interval * 1e6:.0f}us"
            unit = paced_unit([launch] * PACED_LAUNCHES, interval)
            unit_s = time_alone(unit, syn_side, 0.03)
            units[name] = (unit, unit_s, syn_side)
            crow.append([name, body, "paced", 128, 0, blocks, iters, syn.registers(body),
                         syn.hbm_bytes(body, blocks, 128, iters), f"{target:.7g}", f"{launch_s:.7g}",
                         PACED_LAUNCHES, f"{interval:.7g}", f"{unit_s:.7g}"])
            write_csv(out / "paced_corunners.csv", ["corunner", "body", "footprint", "threads", "shared_memory_bytes",
                                                     "blocks", "iterations", "registers_per_thread", "hbm_bytes",
                                                     "target_s", "launch_alone_s", "launches", "interval_s",
                                                     "unit_alone_s"], crow)
    layers = dataplane_units(None, side)["paged_scatter"].layers
    for interval in PACED_INTERVALS_S[1:]:
        unit = paced_unit(layers, interval)
        units[f"paged_scatter_every{interval * 1e6:.0f}us"] = (unit, time_alone(unit, side, 0.03), side)
    print(f"[{dl.elapsed():.0f}s] {len(units)} paced units: " + ", ".join(
        f"{n} {u[1] * 1e6:.0f}us" for n, u in units.items()), flush=True)
    unit_grid(out, {n: (*u, False, "paced" if n.startswith("pac_") else "paced-dataplane") for n, u in units.items()},
              decodes, points, streams, dl, rng, phase)
    rows = []  # last: see gpu_common.PROFILED
    for body, blocks, target in kernels[::3] if not quick else kernels[:1]:
        rows += kernel_descriptors(syn.launcher(body, blocks, 128, 0, 64, syn_side), f"paced_{body}")
    with torch.cuda.stream(side):
        rows += kernel_descriptors(paced_unit(layers, 0.0), "paged_scatter")
    write_descriptors(out, rows)


def short(out: Path, syn: "Synthetic", decodes: dict, points: list, streams, syn_side, side, dl, rng,
          quick: bool, phase=None, only: str = "", twins: bool = False) -> None:
    """The short-kernel units (module docstring, --short): 32 launches of each kernel, from Python
    and as a graph, every decode point x priority x duty (low, mid), in a seeded random order. With
    ``twins`` the paged-KV scatter runs three ways: from Python on the legacy stream (as CacheGen's
    decoder launches), from Python on the synthetic units' stream, and as a graph on it."""
    kernels = SHORT_KERNELS[:2] if quick else SHORT_KERNELS
    if only:
        kernels = short_kernels(only)
    units, crow = {}, []
    header = ["corunner", "body", "footprint", "threads", "shared_memory_bytes", "blocks", "iterations",
              "registers_per_thread", "hbm_bytes", "launch_gpu_s", "launches", "graph", "unit_alone_s"]
    for body, blocks, iters in kernels:
        launch = syn.launcher(body, blocks, 128, 0, iters, syn_side)
        gpu_s = time_graph(launch, syn_side)
        for graph in (False, True):
            name = f"sho_{body}_g{blocks}_i{iters}_{'graph' if graph else 'python'}"
            unit = paced_unit([launch] * PACED_LAUNCHES, 0.0)
            unit_s = time_graph(unit, syn_side, 1) if graph else time_alone(unit, syn_side, 0.03)
            units[name] = (unit, unit_s, syn_side, graph)
            crow.append([name, body, "short", 128, 0, blocks, iters, syn.registers(body),
                         syn.hbm_bytes(body, blocks, 128, iters), f"{gpu_s:.7g}", PACED_LAUNCHES, int(graph),
                         f"{unit_s:.7g}"])
            write_csv(out / "short_corunners.csv", header, crow)
    scatter = dataplane_units(None, side)["paged_scatter"]
    scatter_gpu = time_graph(scatter, syn_side, 1) / PACED_LAUNCHES  # a graph cannot be captured on the legacy stream
    units["paged_scatter"] = (scatter, time_alone(scatter, side, 0.03), side, False)
    if twins:  # the same launches on a capturable stream, from Python and replayed as a graph
        units["paged_scatter_syn"] = (scatter, time_alone(scatter, syn_side, 0.03), syn_side, False)
        units["paged_scatter_graph"] = (scatter, time_graph(scatter, syn_side, 1), syn_side, True)
    for name in [n for n in ("paged_scatter", "paged_scatter_syn", "paged_scatter_graph") if n in units]:
        crow.append([name, "index_copy", "dataplane", 128, 0, 1024, 1, 0, 2 << 20,  # per launch: 1 MiB each way
                     f"{scatter_gpu:.7g}", PACED_LAUNCHES, int(name.endswith("_graph")), f"{units[name][1]:.7g}"])
    write_csv(out / "short_corunners.csv", header, crow)
    print(f"[{dl.elapsed():.0f}s] {len(units)} short units: " + ", ".join(
        f"{r[0]} {float(r[9]) * 1e6:.1f}/{float(r[12]) * 1e6:.0f}us" for r in crow), flush=True)
    unit_grid(out, {n: (*u, "short" if n.startswith("sho_") else "short-dataplane") for n, u in units.items()},
              decodes, points, streams, dl, rng, phase)
    rows = []  # last: see gpu_common.PROFILED
    with torch.cuda.stream(side):
        rows += kernel_descriptors(scatter, "paged_scatter")
    write_descriptors(out, rows)
