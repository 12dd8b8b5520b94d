"""A spec file that extends another of its category with a top-level `use: NAME` (spec/loader.py,
_extended): the base's contents with the file's keys merged over them, every error naming the file
and line it came from, cycles refused, and the spec cache following the base."""

import shutil

import pytest

import nicmodel
from nicmodel.errors import SpecError
from nicmodel.spec import cache
from nicmodel.spec.loader import load_scenario

from conftest import ROOT


def _project(tmp_path, nic_text: str) -> object:
    """A scenario beside a NIC file that extends the bundled BlueField-3."""
    (tmp_path / "small.yaml").write_text(nic_text)
    text = (ROOT / "pipelines/shadowserve.yaml").read_text().replace("nic: bluefield3", "nic: small.yaml", 1)
    (tmp_path / "s.yaml").write_text(text)
    return tmp_path / "s.yaml"


SMALL = """use: bluefield3
name: BlueField-3 with 8 cores
arm:
  cores: 8
"""


def test_a_nic_that_extends_another_keeps_everything_but_what_it_changes(tmp_path):
    base = nicmodel.load(ROOT / "pipelines/shadowserve.yaml").nic
    small = nicmodel.load(_project(tmp_path, SMALL)).nic
    assert small.name == "BlueField-3 with 8 cores" and small.arm.cores.value == 8
    assert small.memory == base.memory and small.engines == base.engines and small.arm.costs == base.arm.costs


def test_the_bundled_sealed_plane_extends_kv_cache():
    plane = nicmodel.load(ROOT / "pipelines/shadowserve-sealed.yaml").dataplane
    kv = nicmodel.load(ROOT / "pipelines/shadowserve.yaml").dataplane
    assert plane.name == "kv-cache-sealed" and plane.delivers == kv.delivers
    assert {k: v for k, v in plane.kinds.items() if k != "decrypt"} == kv.kinds
    assert set(plane.forms) == set(kv.forms) | {"sealed"}


def test_errors_name_the_file_and_line_they_came_from(tmp_path):
    """A bad value written in the extending file is reported there, with its line."""
    path = _project(tmp_path, SMALL.replace("cores: 8", "cores: eight"))
    with pytest.raises(SpecError) as err:
        nicmodel.load(path)
    assert err.value.file.endswith("small.yaml") and err.value.line == 4, (err.value.file, err.value.line)


def test_an_unknown_base_and_a_cycle_are_refused(tmp_path):
    with pytest.raises(SpecError) as err:
        nicmodel.load(_project(tmp_path, SMALL.replace("use: bluefield3", "use: bluefield9")))
    assert "no nic spec named 'bluefield9'" in str(err.value)
    (tmp_path / "a.yaml").write_text("use: b.yaml\n")
    (tmp_path / "b.yaml").write_text("use: a.yaml\n")
    text = (ROOT / "pipelines/shadowserve.yaml").read_text().replace("nic: bluefield3", "nic: a.yaml", 1)
    (tmp_path / "c.yaml").write_text(text)
    with pytest.raises(SpecError) as err:
        nicmodel.load(tmp_path / "c.yaml")
    assert "cyclic reference" in str(err.value)


def test_the_spec_cache_follows_the_base(tmp_path, monkeypatch):
    """A cached scenario whose NIC extends a file beside it is a miss once that base changes."""
    monkeypatch.setenv(cache.FOLDER, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.OFF, raising=False)
    shutil.copy(ROOT / "hwspecs/nics/bluefield3.yaml", tmp_path / "base.yaml")
    path = _project(tmp_path, SMALL.replace("use: bluefield3", "use: base.yaml"))
    assert load_scenario(path, cached=True).nic.ports.value == 2
    base = (tmp_path / "base.yaml").read_text()
    (tmp_path / "base.yaml").write_text(base.replace("ports: 2", "ports: 1", 1))
    assert load_scenario(path, cached=True).nic.ports.value == 1
