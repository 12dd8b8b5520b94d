"""Running many independent points (a serve or simulate sweep) on a local process pool.

Each point is keyed by a hash of what decides its result: the resolved scenario (every number,
after overrides), the command's settings and the tool version. Finished points go to a store
(the results database) as they finish, one committed row each, so a sweep that is killed and
started again skips them: nothing lost, nothing run twice. Results come back in point order
whatever order the workers finish in, so the output is the same for any number of workers.
A progress bar with an ETA (tqdm) goes to stderr.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from ..version import __version__


@dataclass
class Point:
    """One run of a command: the scenario file, its overrides, and the command's settings."""

    path: str
    overrides: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)  # the swept values, for output rows
    key: str = ""


def point_key(command: str, resolved: dict[str, Any], settings: dict[str, Any]) -> str:
    """sha256 of the resolved scenario, the settings and the tool version."""
    doc = json.dumps({"command": command, "scenario": resolved, "settings": settings, "version": __version__},
                     sort_keys=True, default=str)
    return hashlib.sha256(doc.encode()).hexdigest()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _progress(total: int, enabled: bool, done: int):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=done, file=sys.stderr, unit="point", dynamic_ncols=True, leave=False)


def run(points: list[Point], work: Callable[[Point], dict[str, Any]], jobs: int = 1, progress: bool = False,
        store: Any = None, backend: str = "local") -> list[dict[str, Any]]:
    """``work(point)`` for every point not already in ``store`` (by key), on ``jobs`` local
    processes or Ray workers (``backend="ray"``); results in point order. ``store`` has
    ``get(key)`` and ``put(point, result)``."""
    results: dict[int, dict[str, Any]] = {}
    todo = []
    for i, pt in enumerate(points):
        cached = store.get(pt.key) if store is not None else None
        if cached is not None:
            results[i] = {**cached, "_cached": True}
        else:
            todo.append(i)
    bar = _progress(len(points), progress, len(points) - len(todo))
    try:
        if backend == "ray" and todo:
            _run_ray(points, todo, work, jobs, lambda i, r: results.__setitem__(i, _finish(points[i], r, store, bar)))
        elif jobs <= 1 or len(todo) <= 1:
            for i in todo:
                results[i] = _finish(points[i], work(points[i]), store, bar)
        else:
            ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
            with ctx.Pool(min(jobs, len(todo))) as pool:
                for i, result in pool.imap_unordered(_call, [(i, points[i], work) for i in todo]):
                    results[i] = _finish(points[i], result, store, bar)
    finally:
        if bar is not None:
            bar.close()
    return [results[i] for i in range(len(points))]


def _call(args: tuple[int, Point, Callable]) -> tuple[int, dict[str, Any]]:
    i, pt, work = args
    return i, work(pt)


def _finish(pt: Point, result: dict[str, Any], store: Any, bar: Any) -> dict[str, Any]:
    if store is not None and not result.get("error"):
        store.put(pt, result)  # committed now: a kill after this line loses nothing
    if bar is not None:
        bar.update(1)
    return result


def _run_ray(points: list[Point], todo: list[int], work: Callable, jobs: int,
             finish: Callable[[int, dict[str, Any]], None]) -> None:
    """Run the points as Ray tasks: on the cluster at RAY_ADDRESS when set, else on a local Ray
    cluster of ``jobs`` workers that this call starts and stops."""
    try:
        import ray
    except ImportError:
        from ..errors import SpecError
        raise SpecError("Ray is not installed; pip install 'nicmodel[ray]' or use --backend local",
                        "--backend") from None
    started = False
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init(address=os.environ["RAY_ADDRESS"], log_to_driver=False)
        else:
            ray.init(num_cpus=jobs, include_dashboard=False, log_to_driver=False)
        started = True
    try:
        task = ray.remote(num_cpus=1)(_call)
        pending = {task.remote((i, points[i], work)): i for i in todo}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            i, result = ray.get(done[0])
            del pending[done[0]]
            finish(i, result)
    finally:
        if started:
            ray.shutdown()
