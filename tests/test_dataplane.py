"""Data planes as data (nicmodel/spec/dataplane.py, workloads/dataplanes/): a design written in a data
plane the code has never seen, a form sized from another and a stage kind of its own, evaluated by
hand; and the errors a wrong one gets."""

import copy

import pytest
import yaml

import nicmodel
from nicmodel import evaluate_file
from nicmodel.engines.analytical import bytes_per_token
from nicmodel.engines.plan import compile_scenario
from nicmodel.errors import SpecError

from conftest import DEFAULT, ROOT, TWO_STAGE

C = 100 * 2048  # kv bytes per chunk of the two-stage fixture: 100 tokens x 2 x 1 layer x 512 x 2 B

# the KV cache fetched sealed (1.25x its bytes: a tag and padding, say), unsealed on the NIC's cores
SEALED = {
    "name": "sealed-kv",
    "description": "test: KV fetched sealed, unsealed on the NIC",
    "forms": {"kv": {"size": "kv"},
              "sealed": {"of": "kv", "times": {"value": 1.25, "kind": "assumed", "source": "test"}}},
    "kinds": {"network_fetch": {"executors": ["core_pool"]},
              "unseal": {"executors": ["core_pool"], "turns": ["sealed", "kv"]},
              "dma": {"executors": ["engine"]}},
    "delivers": "kv",
}


ONE = {"value": 1.0, "kind": "assumed", "source": "test"}


def _sealed(tmp_path, mutate=None):
    """The two-stage fixture with an unseal stage between fetch and DMA, in the sealed-kv plane."""
    doc = yaml.safe_load(TWO_STAGE.read_text())
    doc["dataplane"] = copy.deepcopy(SEALED)
    doc["nic"]["arm"]["costs"]["unseal"] = {"cycles_per_byte": 1.0, "per_chunk": "0 us"}
    fetch, dma = doc["design"]["stages"]["fetch"], doc["design"]["stages"]["dma"]
    fetch.update(input="sealed", output="sealed")
    unseal = {"kind": "unseal", "resource": "nic.arm", "cores": 1, "input": "sealed", "output": "kv",
              "reads": "nic.memory", "writes": "nic.memory", "after": ["fetch"]}
    dma["after"] = ["unseal"]
    doc["design"]["stages"] = {"fetch": fetch, "unseal": unseal, "dma": dma}
    if mutate:
        mutate(doc)
    path = tmp_path / "sealed.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_the_bundled_designs_are_written_in_the_kv_cache_data_plane():
    scenario = nicmodel.load(DEFAULT)
    plane = scenario.dataplane
    assert plane.name == "kv-cache" and list(plane.forms) == ["compressed", "quantized", "kv"]
    assert plane.kinds["decompress"].turns == ("compressed", "quantized") and plane.kinds["decompress"].codec_algorithm
    assert {s.kind for s in scenario.design.stages.values()} <= set(plane.kinds)


def test_a_new_form_and_kind_evaluate_by_hand(tmp_path):
    """Per 100-token chunk: sealed 1.25 C = 256,000 B over the 8 Gbps link, 256 us; the unseal stage
    on one 1-GHz core at 1 cycle per output byte, 204.8 us (0.8 of the link's time); NIC memory moves
    256,000 (fetch writes) + 256,000 + 204,800 (unseal reads and writes) + 204,800 (DMA reads) =
    921,600 B at 4 GB/s, 230.4 us (0.9). The link binds: 8 Gbps sealed, 6.4 Gbps of KV delivered."""
    path = _sealed(tmp_path)
    plan, params = compile_scenario(nicmodel.load(path))
    assert bytes_per_token(plan, params)["sealed"] == pytest.approx(2048 * 1.25)
    r = evaluate_file(path)
    assert r["bottleneck"] == "network"
    assert r["throughput_gbps"] == pytest.approx(8.0)
    assert r["kv_throughput_gbps"] == pytest.approx(6.4)
    assert r["resources"]["nic.arm[unseal]"] == pytest.approx(204.8 / 256)
    assert r["resources"]["nic.memory"] == pytest.approx(230.4 / 256)
    assert r["network_form"] == "sealed"
    from nicmodel.output.explain import eval_text
    assert "8.000 Gbps sealed from the network (6.40 Gbps of KV into GPU memory)" in eval_text(r)


@pytest.mark.parametrize("mutate, path, says", [
    (lambda d: d["design"]["stages"]["unseal"].update(kind="unsael"), "design.stages.unseal.kind",
     "unknown stage kind 'unsael': expected 'network_fetch', 'unseal', 'dma' (the sealed-kv data plane's kinds)"),
    (lambda d: d["design"]["stages"]["unseal"].update(input="compressed"), "design.stages.unseal.input",
     "unknown form 'compressed': expected 'kv', 'sealed' (the sealed-kv data plane's forms)"),
    (lambda d: d["design"]["stages"]["unseal"].update(resource="nic.dma", cores=None), "design.stages.unseal.resource",
     "nic.dma (engine) cannot run a unseal stage"),
    (lambda d: d["design"]["stages"]["unseal"].update(output="sealed"), "design.stages.unseal.output",
     "a unseal stage turns sealed into kv, not sealed into sealed"),
    (lambda d: d["dataplane"].update(delivers="sealed"), "design.stages.dma.writes",
     "a last stage must deliver sealed into gpu.memory"),
    (lambda d: d["nic"]["arm"]["costs"].pop("unseal"), "design.stages.unseal.resource",
     "nic.arm has no cost for 'unseal' (add nic.arm.costs.unseal)"),
    (lambda d: d["dataplane"]["forms"]["sealed"].update(of="tagged"), "dataplane",
     "forms.sealed.of: no form 'tagged' (forms: kv, sealed)"),
    (lambda d: d["dataplane"]["forms"]["kv"].update(size=None, of="sealed", times=ONE), "dataplane",
     "its sizes refer back to"),
    (lambda d: d["dataplane"]["forms"]["sealed"].pop("times"), "dataplane", "of: and times: go together"),
])
def test_a_wrong_design_or_data_plane_is_refused_with_its_field(tmp_path, mutate, path, says):
    with pytest.raises(SpecError) as err:
        nicmodel.load(_sealed(tmp_path, mutate))
    assert ".".join(map(str, err.value.path)).startswith(path) and says in err.value.message, str(err.value)


def test_a_named_data_plane_resolves_like_any_spec(tmp_path):
    """`dataplane: NAME` finds workloads/dataplanes/NAME.yaml (bundled, $NICMODEL_PATH or beside the
    scenario), as `gpu: l40s` does; an unknown name is an error naming the field."""
    (tmp_path / "workloads" / "dataplanes").mkdir(parents=True)
    (tmp_path / "workloads" / "dataplanes" / "sealed-kv.yaml").write_text(yaml.safe_dump(SEALED))
    path = _sealed(tmp_path / "workloads", lambda d: d.update(dataplane="sealed-kv"))
    assert nicmodel.load(path).dataplane.name == "sealed-kv"
    with pytest.raises(SpecError) as err:
        nicmodel.load(_sealed(tmp_path / "workloads", lambda d: d.update(dataplane="no-such-plane")))
    assert "no-such-plane" in str(err.value) and err.value.path[0] == "dataplane"
    assert nicmodel.load(ROOT / "pipelines/shadowserve.yaml", ["dataplane=kv-cache"]).dataplane.name == "kv-cache"


def test_the_simulator_agrees_with_the_analytical_model_on_a_new_plane(tmp_path):
    """The sealed plane chunk by chunk: one request's latency and many requests' throughput match the
    analytical model's (the same sizes and costs, drawn from the data plane)."""
    from nicmodel.api import simulate_file
    path = _sealed(tmp_path)
    one, _ = simulate_file(path, [], requests=1)
    assert one["latency_s"]["max"] == pytest.approx(one["analytical"]["fetch_latency_s"], rel=0.05)
    many, _ = simulate_file(path, [], requests=40)
    assert many["throughput_gbps"] == pytest.approx(8.0, rel=0.02)
    assert many["bottleneck"] == many["analytical"]["bottleneck"] == "network"


SEALED_ENGINE = ROOT / "pipelines/shadowserve-sealed.yaml"
SEALED_ARM = ROOT / "pipelines/shadowserve-sealed-arm.yaml"


def _evaluated(path, sets=()):
    import numpy as np
    from nicmodel.engines.analytical import evaluate
    plan, params = compile_scenario(nicmodel.load(path, list(sets)))
    ev = evaluate(plan, params)
    return ({k: float(np.asarray(v)) for k, v in ev.traffic.items()},
            {k: float(np.asarray(v)) for k, v in ev.chunk_bytes.items()}, float(np.asarray(ev.kv_bytes_per_s)))


def test_the_bundled_sealed_designs_cost_one_pass_over_nic_memory():
    """KV sealed at rest (workloads/dataplanes/kv-cache-sealed.yaml), decrypted on the NIC: the sealed
    chunk is the compressed one x (1 + 16/4096); fetch writes it, decrypt reads it and writes the
    compressed chunk, so NIC memory carries 2 x sealed bytes more per chunk (2S + 2C + 2Q + 2R against
    2C + 2Q + 2R). Where NIC memory binds (the default 25 Gbps link) the KV delivered falls by exactly
    that ratio, 0.868, on the crypto engine and on the Arm cores alike."""
    base_traffic, base_chunk, base_kv = _evaluated(DEFAULT)
    for path in (SEALED_ENGINE, SEALED_ARM):
        assert nicmodel.load(path).dataplane.name == "kv-cache-sealed"
        traffic, chunk, kv = _evaluated(path)
        assert chunk["sealed"] == pytest.approx(chunk["compressed"] * 1.0039, rel=1e-12)
        assert chunk["compressed"] == base_chunk["compressed"]
        assert traffic["nic.memory"] - base_traffic["nic.memory"] == pytest.approx(2 * chunk["sealed"], rel=1e-12)
        ratio = base_traffic["nic.memory"] / traffic["nic.memory"]
        assert kv / base_kv == pytest.approx(ratio, rel=1e-12) and ratio == pytest.approx(0.8676, abs=1e-4)
        r = evaluate_file(path)
        assert r["bottleneck"] == "nic.memory" and r["network_form"] == "sealed"


def test_where_nic_memory_stops_binding_the_engine_is_free_and_the_cores_are_not():
    """At 80 GB/s of NIC memory and a 100 Gbps link the dequantization's cores bind: decrypting on the
    crypto engine leaves the KV delivered as it was; on the Arm cores it takes cores from dequantization
    and delivers less."""
    sets = ["nic.memory.sustained_bandwidth=80GB/s", "network.bandwidth=100Gbps"]
    _, _, base = _evaluated(DEFAULT, sets)
    _, _, engine = _evaluated(SEALED_ENGINE, sets)
    _, _, arm = _evaluated(SEALED_ARM, sets)
    assert evaluate_file(DEFAULT, sets)["bottleneck"] == "nic.arm[dequantize]"
    assert engine == pytest.approx(base, rel=1e-9)
    assert arm < 0.85 * base
    assert "decrypt" in evaluate_file(SEALED_ARM, sets)["cores"]


def test_the_simulator_agrees_on_the_bundled_sealed_design():
    from nicmodel.api import simulate_file
    many, _ = simulate_file(SEALED_ENGINE, [], requests=20)
    assert many["throughput_gbps"] == pytest.approx(many["analytical"]["throughput_gbps"], rel=0.03)
    assert many["bottleneck"] == many["analytical"]["bottleneck"] == "nic.memory"


def test_decrypt_is_not_a_kind_of_the_plain_kv_cache_plane(tmp_path):
    """Written in the default plane, a decrypt stage is refused with the kinds that plane allows."""
    text = SEALED_ENGINE.read_text().replace("dataplane: kv-cache-sealed", "dataplane: kv-cache")
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(SpecError) as info:
        nicmodel.load(tmp_path / "s.yaml")
    assert "decrypt" in str(info.value) and "kv-cache" in str(info.value)
