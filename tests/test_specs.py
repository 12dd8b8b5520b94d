"""Bundled specs load, every number carries provenance, and derived figures match public ones."""

from pathlib import Path

import pytest
import yaml

from nicmodel import load
from nicmodel.engines.analytical import bytes_per_token, pcie_payload_bandwidth
from nicmodel.engines.plan import compile_scenario
from nicmodel.spec.loader import REFERENCE_DIRS, available
from nicmodel.spec.base import Param
from pydantic import BaseModel

from conftest import DEFAULT, ROOT

PIPELINES = sorted((ROOT / "pipelines").glob("*.yaml"))


def _params(obj, path=""):
    if isinstance(obj, Param):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _params(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _params(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _params(v, f"{path}[{i}]")


@pytest.mark.parametrize("pipeline", PIPELINES, ids=lambda p: p.name)
def test_bundled_pipelines_load(pipeline):
    load(pipeline)


@pytest.mark.parametrize("category", sorted(REFERENCE_DIRS))
def test_every_bundled_spec_resolves_and_every_number_has_provenance(category):
    if category == "pcie":
        overrides = [[f"nic.pcie={n}"] for n in available("pcie")]
    elif category == "fabric":
        overrides = [[f"network.fabric={n}", "network.source_tor=0", "network.dest_tor=1"] for n in available("fabric")]
    else:
        overrides = [[f"{category}={n}"] for n in available(category)]
    assert overrides, category
    for override in overrides:
        # an arithmetic-coded codec needs a GPU decoder: check it with the GPU-decode design
        scenario_file = ROOT / "pipelines" / "cachegen-async.yaml" if override[0].startswith("codec=cachegen-ac") else DEFAULT
        scenario = load(scenario_file, override)
        for path, param in _params(scenario):
            assert param.kind in ("datasheet", "measured", "derived", "fitted", "assumed"), path
            assert param.source.strip(), path
            if param.kind == "fitted":
                assert param.fitted_to, path


def test_fitted_numbers_name_their_target():
    scenario = load(DEFAULT)
    fitted = {p: v for p, v in _params(scenario) if v.kind == "fitted"}
    assert set(fitted) == {".nic.arm.costs.network_fetch.cycles_per_byte", ".nic.memory.sustained_bandwidth",
                           ".host.engine_contention", ".host.cpu.costs.deserialize.cycles_per_byte",
                           ".host.cpu.costs.deserialize.per_chunk"}
    assert "gpu_decode_path.csv" in fitted[".host.cpu.costs.deserialize.cycles_per_byte"].source
    assert all("ShadowServe" in fitted[k].fitted_to for k in list(fitted)[:2])
    assert "h100_host_contention.csv" in fitted[".host.engine_contention"].fitted_to


@pytest.mark.parametrize(
    "model, per_token",
    [  # docs/sources/hwspecs.md §7: 2 x layers x kv_heads x head_dim x 2 B
        ("llama-3-8b", 131_072), ("mistral-7b", 131_072), ("llama-3-70b", 327_680),
        ("qwen2.5-7b", 57_344), ("qwen2.5-14b", 196_608), ("qwen2.5-32b", 262_144),
        ("llama-2-7b", 524_288), ("yi-34b", 245_760),
    ],
)
def test_kv_bytes_per_token(model, per_token):
    plan, params = compile_scenario(load(DEFAULT, [f"model={model}"]))
    assert bytes_per_token(plan, params)["kv"] == per_token


def test_cachegen_quantized_bytes_by_hand():
    plan, params = compile_scenario(load(DEFAULT))
    sizes = bytes_per_token(plan, params)
    # K: 10 layers x 5 bits + 22 x 4; V: 2 x 5 + 30 x 4; 1024 elements per layer; + 2 B scale x 2 x 32
    bits = 1024 * ((10 * 5 + 22 * 4) + (2 * 5 + 30 * 4))
    assert sizes["quantized"] == pytest.approx(bits / 8 + 2 * 2 * 32)
    assert sizes["compressed"] == pytest.approx(sizes["quantized"] / 1.16)


@pytest.mark.parametrize(
    "link, mps, gbps",
    [  # docs/sources/hwspecs.md §4b table (24 B per-TLP overhead)
        ("gen3-x8", 256, 7.20), ("gen3-x16", 256, 14.40), ("gen4-x16", 128, 26.53), ("gen4-x16", 256, 28.81),
        ("gen5-x16", 128, 53.07), ("gen5-x16", 256, 57.61), ("gen5-x16", 512, 60.19), ("gen5-x8", 512, 30.10),
    ],
)
def test_pcie_payload_bandwidth_matches_published_table(link, mps, gbps):
    _, params = compile_scenario(load(DEFAULT, [f"nic.pcie={link}", f"nic.pcie.max_payload={mps}B"]))
    assert pcie_payload_bandwidth(params, "nic.pcie") / 1e9 == pytest.approx(gbps, abs=0.006)


def test_spec_files_are_pure_data():
    for path in (ROOT / "hwspecs").rglob("*.yaml"):
        assert isinstance(yaml.safe_load(path.read_text()), dict), path
    engine_files = list((ROOT / "nicmodel" / "engines").rglob("*.py"))
    assert engine_files
    for path in engine_files:
        text = path.read_text()
        assert "import yaml" not in text and "spec.loader" not in text and "import loader" not in text, \
            f"{path.name} parses files"
    loading = {"loader.py", "yamltext.py", "cache.py", "textio.py", "schema.py", "requests.py",
               "__init__.py"}  # reading files, not types
    for path in (ROOT / "nicmodel" / "spec").glob("*.py"):
        if path.name in loading:
            continue
        imports = [line for line in path.read_text().splitlines() if line.startswith(("import ", "from "))]
        assert not any("engine" in line or "loader" in line or "yaml" in line for line in imports), \
            f"{path.name} (a spec type) imports an engine or a file reader"


def test_inline_override_of_a_named_spec(tmp_path: Path):
    text = DEFAULT.read_text().replace("nic: bluefield3", "nic: {use: bluefield3, arm: {cores: 8}}")
    (tmp_path / "s.yaml").write_text(text)
    scenario = load(tmp_path / "s.yaml")
    assert scenario.nic.arm.cores.si == 8
    assert scenario.nic.arm.clock.si == 2.0e9  # the rest still comes from hwspecs/nics/bluefield3.yaml


@pytest.mark.parametrize("gpu", sorted(p.stem for p in (ROOT / "hwspecs/gpus").glob("*.yaml") if p.stem != "h200"))
def test_interference_coefficients_derived_from_the_h200_fit_carry_its_numbers(gpu):
    """Every other GPU takes the interference coefficients fitted on the H200 (their source says "the
    H200 fit"), value and range (its 95% confidence interval). A refit that updates h200.yaml alone
    would leave them stale without a word: this names the coefficient that drifted."""
    h200 = yaml.safe_load((ROOT / "hwspecs/gpus/h200.yaml").read_text())["interference"]
    spec = yaml.safe_load((ROOT / f"hwspecs/gpus/{gpu}.yaml").read_text())["interference"]
    derived = {k: v for k, v in spec.items() if isinstance(v, dict) and str(v.get("source", "")).startswith("the H200 fit")}
    assert len(derived) >= 20, sorted(derived)
    for key, param in derived.items():
        assert h200[key]["kind"] == "fitted" and param["kind"] == "derived", key
        assert (param["value"], param.get("range")) == (h200[key]["value"], h200[key]["range"]), key
