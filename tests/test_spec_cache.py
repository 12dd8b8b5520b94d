"""The validated-spec cache (nicmodel/spec/cache.py): a hit returns what a fresh load returns, and
anything the load depended on (a file's content, a name newly shadowed on the search path, an
override, $NICMODEL_PATH) makes it a miss; a folder that cannot be used only means no caching."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from nicmodel.spec import cache, loader, validate as validate_module
from nicmodel.spec.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.FOLDER, str(where))
    monkeypatch.delenv(cache.OFF, raising=False)
    monkeypatch.delenv("NICMODEL_PATH", raising=False)
    return where


def _validations(monkeypatch) -> list[int]:
    """Counts the validations the loader runs (a hit runs none)."""
    calls: list[int] = []
    real = validate_module.validate

    def counted(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(loader, "validate", counted)
    return calls


def _project(tmp_path: Path) -> Path:
    """A scenario outside the checkout that names its NIC by relative path and its GPU by name."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "hwspecs" / "nics" / "bluefield3.yaml", project / "mynic.yaml")
    text = (ROOT / "pipelines" / "shadowserve.yaml").read_text()
    (project / "scenario.yaml").write_text(text.replace("nic: bluefield3", "nic: mynic.yaml", 1))
    return project / "scenario.yaml"


@pytest.mark.parametrize("design", sorted(p.name for p in (ROOT / "pipelines").glob("*.yaml")))
def test_a_hit_equals_a_fresh_load(design, folder, monkeypatch):
    path = ROOT / "pipelines" / design
    fresh = load_scenario(path)
    first = load_scenario(path, cached=True)
    calls = _validations(monkeypatch)
    second = load_scenario(path, cached=True)
    assert calls == []  # served from the cache
    assert second.model_dump() == first.model_dump() == fresh.model_dump()
    assert len(list(folder.glob("*.pickle"))) == 1


def test_edited_referenced_file_is_a_miss(folder, tmp_path, monkeypatch):
    scenario = _project(tmp_path)
    nic = scenario.parent / "mynic.yaml"
    assert load_scenario(scenario, cached=True).nic.arm.cores.value == 16
    nic.write_text(nic.read_text().replace("  cores: 16\n", "  cores: 2\n", 1))
    calls = _validations(monkeypatch)
    assert load_scenario(scenario, cached=True).nic.arm.cores.value == 2
    assert calls == [1]


def test_a_name_newly_shadowed_on_the_search_path_is_a_miss(folder, tmp_path, monkeypatch):
    scenario = _project(tmp_path)
    bundled = load_scenario(scenario, cached=True).gpu
    # the scenario's own project now has a GPU of that name: it must win, as on a fresh load
    mine = tmp_path / "project" / "hwspecs" / "gpus"
    mine.mkdir(parents=True)
    text = (ROOT / "hwspecs" / "gpus" / "l40s.yaml").read_text()
    (mine / "l40s.yaml").write_text(text.replace(f"name: {bundled.name}", "name: my-l40s", 1))
    assert load_scenario(scenario).gpu.name == "my-l40s"
    assert load_scenario(scenario, cached=True).gpu.name == "my-l40s"


def test_overrides_and_search_path_are_part_of_the_key(folder, monkeypatch, tmp_path):
    path = ROOT / "pipelines" / "shadowserve.yaml"
    plain = load_scenario(path, cached=True)
    changed = load_scenario(path, ["design.buffers_in_flight=4"], cached=True)
    assert (plain.design.buffers_in_flight, changed.design.buffers_in_flight) == (8, 4)
    monkeypatch.setenv("NICMODEL_PATH", str(tmp_path))
    calls = _validations(monkeypatch)
    load_scenario(path, cached=True)
    assert calls == [1]
    assert len(list(folder.glob("*.pickle"))) == 3


def test_corrupt_entry_is_a_miss_and_is_rewritten(folder, monkeypatch):
    path = ROOT / "pipelines" / "shadowserve.yaml"
    load_scenario(path, cached=True)
    (entry,) = folder.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    calls = _validations(monkeypatch)
    assert load_scenario(path, cached=True).name == "shadowserve"
    assert calls == [1]
    assert entry.read_bytes() != b"not a pickle"


def test_unusable_folder_only_means_no_caching(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(cache.FOLDER, str(blocker / "specs"))  # a folder under a file: cannot exist
    assert load_scenario(ROOT / "pipelines" / "shadowserve.yaml", cached=True).name == "shadowserve"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_is_never_read(folder, monkeypatch):
    path = ROOT / "pipelines" / "shadowserve.yaml"
    load_scenario(path, cached=True)
    folder.chmod(0o777)
    calls = _validations(monkeypatch)
    load_scenario(path, cached=True)
    assert calls == [1]


def test_turned_off(folder, monkeypatch):
    monkeypatch.setenv(cache.OFF, "0")
    load_scenario(ROOT / "pipelines" / "shadowserve.yaml", cached=True)
    assert not folder.exists()


def test_entries_are_bounded(folder, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 4)
    path = ROOT / "pipelines" / "shadowserve.yaml"
    for chunk in (64, 128, 256, 512, 1024):
        load_scenario(path, [f"design.chunk_tokens={chunk}"], cached=True)
    assert len(list(folder.glob("*.pickle"))) == 2  # pruned to half once past the bound


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_scenario_read_from_a_pipe_is_never_cached(folder, tmp_path):
    import threading

    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    text = (ROOT / "pipelines" / "shadowserve.yaml").read_text()

    def feed():
        with open(fifo, "w") as f:
            f.write(text)

    writer = threading.Thread(target=feed)
    writer.start()
    # the NIC and the rest are named references, resolved from the bundled specs
    assert load_scenario(fifo, cached=True).name == "shadowserve"
    writer.join(timeout=10)
    assert not folder.exists() or not list(folder.glob("*.pickle"))
