"""The event loop compiled ahead of time (engines/sim/aot.py) gives exactly the JIT loop's
answers, data plane and serving, and loads without importing numba."""

import os
import subprocess
import sys

import pytest

from nicmodel import api
from nicmodel.engines.sim import aot, loops

from conftest import DEFAULT, ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory, monkeypatch_module):
    """The JIT loop run by a simulation and a serving run (so every entry point has its
    signature), then the extension built from them in a temporary folder."""
    folder = tmp_path_factory.mktemp("aot")
    monkeypatch_module.setenv(aot.FOLDER, str(folder))
    monkeypatch_module.setenv(aot.OFF, "1")
    jit = loops._import_with_a_cache()
    monkeypatch_module.setenv("NICMODEL_SIM_KERNEL", "compiled")
    api.simulate_file(DEFAULT, requests=30)
    api.serve([DEFAULT], rate=2.0, requests=20, replications=1, jobs=1)
    signatures = aot.remember(jit)
    if set(aot.ENTRIES) - set(signatures):
        pytest.fail(f"entry points never called: {set(aot.ENTRIES) - set(signatures)}")
    try:
        aot.build(jit, signatures)
    except Exception as exc:  # no C compiler on this machine: nothing to check
        pytest.skip(f"the ahead-of-time loop cannot be built here: {exc}")
    return folder


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_ahead_of_time_loop_matches_the_jit_loop(built, monkeypatch):
    monkeypatch.setenv("NICMODEL_SIM_KERNEL", "compiled")
    module = aot.load()
    assert module is not None and module.__file__.startswith(str(built))
    jit = loops._import_with_a_cache()
    for kind in ("data plane", "serving"):
        answers = []
        for loop in (jit, module):
            sys.modules[loops.COMPILED] = loop  # what loops.compiled() returns first
            try:
                if kind == "data plane":
                    answers.append(api.simulate_file(DEFAULT, requests=200)[0])
                else:
                    answers.append(api.serve([DEFAULT], rate=3.0, requests=60, replications=1, jobs=1))
            finally:
                sys.modules[loops.COMPILED] = jit
        assert answers[0] == answers[1], kind


def test_ahead_of_time_loop_loads_without_numba(built):
    code = ("import sys\nfrom nicmodel.engines.sim import loops\nm = loops.compiled()\n"
            "print(type(m).__name__, 'numba' in sys.modules, m.__name__.startswith('nicmodel_loop_'))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, aot.FOLDER: str(built), aot.OFF: "1"})
    assert run.stdout.split() == ["module", "False", "True"], run.stdout + run.stderr


def test_a_stale_or_missing_extension_is_not_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv(aot.FOLDER, str(tmp_path))
    monkeypatch.setenv(aot.OFF, "1")
    assert aot.load() is None
    (tmp_path / f"nicmodel_loop_{aot.key()}.cpython-311-x86_64-linux-gnu.so").write_bytes(b"not a library")
    assert aot.load() is None  # an unloadable file leaves the JIT loop in use
    monkeypatch.setenv(aot.OFF, "0")
    assert aot.load() is None
