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
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..version import __version__

WAIT_S = 0.5  # polling for points another run is computing


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
    ``get(key)`` and ``put(point, result)``; a store with ``claim(keys)`` (the results database)
    is shared safely: a point another live run has claimed is waited for, not computed again."""
    results: dict[int, dict[str, Any]] = {}
    pending = list(range(len(points)))
    bar = None
    try:
        while pending:
            todo, waiting = _claim(points, pending, store, results)
            if bar is None:
                bar = _progress(len(points), progress, len(results))
            _execute(points, todo, work, jobs, backend, store, bar, results)
            pending = waiting
            if pending and not todo:
                time.sleep(WAIT_S)  # another run computes them: wait for its results
    except BaseException:
        if store is not None and hasattr(store, "release"):
            store.release()  # unfinished claims go back at once (a kill leaves them to time out)
        raise
    finally:
        if bar is not None:
            bar.close()
    return [results[i] for i in range(len(points))]


def _claim(points: list[Point], pending: list[int], store: Any,
           results: dict[int, dict[str, Any]]) -> tuple[list[int], list[int]]:
    """(points to compute now, points another run is computing); finished ones go to ``results``."""
    todo, waiting = [], []
    for i in pending:
        cached = store.get(points[i].key) if store is not None else None
        if cached is not None:
            results[i] = {**cached, "_cached": True}
        else:
            todo.append(i)
    if store is None or not hasattr(store, "claim") or not todo:
        return todo, waiting
    mine = store.claim(points[i].key for i in todo)
    first: set[str] = set()
    now = []
    for i in todo:
        key = points[i].key
        if key in mine and key not in first:
            first.add(key)
            now.append(i)
        else:  # claimed elsewhere, or a duplicate of a point computed in this batch
            waiting.append(i)
    return now, waiting


def _execute(points: list[Point], todo: list[int], work: Callable, jobs: int, backend: str, store: Any, bar: Any,
             results: dict[int, dict[str, Any]]) -> None:
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


def _call(args: tuple[int, Point, Callable]) -> tuple[int, dict[str, Any]]:
    i, pt, work = args
    return i, work(pt)


def _finish(pt: Point, result: dict[str, Any], store: Any, bar: Any) -> dict[str, Any]:
    if store is not None and not result.get("error"):
        store.put(pt, result)  # committed now: a kill after this line loses nothing
    elif store is not None and hasattr(store, "unclaim"):
        store.unclaim(pt.key)  # a failed point is nobody's: another run may try it
    if bar is not None:
        bar.update(1)
    return result


RAY_CONNECT_S = 3.0  # a TCP connection to the cluster's address
RAY_INIT_S = 10.0  # joining it


def _reachable(address: str) -> None:
    """A cluster address that does not answer is one line within seconds (Ray itself retries for
    minutes and logs as it goes)."""
    import socket
    from urllib.parse import urlsplit

    from ..errors import SpecError
    if address in ("auto", "local"):
        return
    parts = urlsplit(address if "://" in address else f"ray://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or not port:
        raise SpecError(f"RAY_ADDRESS={address!r}: expected host:port (or ray://host:port)", "--backend")
    try:
        socket.create_connection((host, port), timeout=RAY_CONNECT_S).close()
    except OSError as exc:
        raise SpecError(f"no Ray cluster answers at RAY_ADDRESS={address} within {RAY_CONNECT_S:g} s "
                        f"({exc.strerror or exc}); unset it to run on a local cluster, or use --backend local",
                        "--backend") from None


def _connect(ray, address: str) -> None:
    """ray.init on the cluster at ``address``, after a probe in a child process that is given up
    after RAY_INIT_S: something that accepts connections but is not a Ray cluster would keep Ray
    retrying for minutes, writing log lines to the terminal as it goes."""
    import subprocess

    from ..errors import SpecError
    probe = "import ray; ray.init(address=%r, log_to_driver=False, logging_level='ERROR'); ray.shutdown()" % address
    try:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=RAY_INIT_S)
        why = "" if done.returncode == 0 else (done.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
    except subprocess.TimeoutExpired:
        why = "no answer"
    if why:
        raise SpecError(f"cannot join the Ray cluster at RAY_ADDRESS={address} within {RAY_INIT_S:g} s "
                        f"({why[:160]}); unset it to run on a local cluster, or use --backend local", "--backend")
    ray.init(address=address, log_to_driver=False, logging_level="ERROR")


def _run_ray(points: list[Point], todo: list[int], work: Callable, jobs: int,
             finish: Callable[[int, dict[str, Any]], None]) -> None:
    """Run the points as Ray tasks: on the cluster at RAY_ADDRESS when set, else on a local Ray
    cluster of ``jobs`` workers that this call starts and stops."""
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "error")  # Ray's own log lines stay off the terminal
    try:
        import ray
    except ImportError:
        from ..errors import SpecError
        raise SpecError("Ray is not installed; pip install 'nicmodel[ray]' or use --backend local",
                        "--backend") from None
    started = False
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            _reachable(os.environ["RAY_ADDRESS"])
            _connect(ray, os.environ["RAY_ADDRESS"])
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
