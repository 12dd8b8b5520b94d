"""Decode's weight-GEMM grids as data (gpu.decode_gemm_grids; engines/serving/gemm_grids.py) and the note a
planner sees where they leave room (docs/serving.md, The grid wait)."""

import pytest

from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving.gemm_grids import Grids, step_grids, turn_rounds, unheld, unheld_share
from nicmodel.engines.serving.long_gemm import graph_turn_part
from nicmodel.spec.loader import load_scenario


def _table(entries: dict, layers: float = 2.0) -> dict:
    p = {"model.layers": layers}
    for batch, (layer, head, ratio) in entries.items():
        p.update({f"decode_grids.{batch}.layer.{b}": s for b, s in layer.items()})
        p.update({f"decode_grids.{batch}.head": head, f"decode_grids.{batch}.head_over_layer": ratio})
    return p


def test_a_step_weighs_its_layers_and_its_head_by_hand():
    # two layers of half 66-block, half 132-block time; a head of one layer's time on 132 blocks
    p = _table({4: ({66: 0.5, 132: 0.5}, 132, 1.0)})
    grids = step_grids(p, 4)
    assert [b for b, _ in grids] == [66, 132] and [w for _, w in grids] == pytest.approx([1 / 3, 2 / 3])
    # the scatter's 1,024 blocks of 16 a SM: 66 free SMs hold all of them, none free hold none
    assert unheld_share(1024, 16, 66) == 0.0 and unheld_share(1024, 16, 0) == 1.0
    assert unheld_share(1024, 16, 12) == pytest.approx((1024 - 192) / 1024)
    assert unheld(step_grids(p, 4), 132, 1024, 16) == pytest.approx(2 / 3)


def test_between_measured_batches_only_where_both_ran_the_same_grids():
    same = _table({4: ({66: 0.5, 132: 0.5}, 132, 1.0), 8: ({66: 0.4, 132: 0.6}, 132, 1.1)})
    assert step_grids(same, 6) == step_grids(same, 4)  # the lower neighbour's shares
    differ = _table({4: ({66: 0.5, 132: 0.5}, 132, 1.0), 8: ({76: 0.5, 132: 0.5}, 132, 1.0)})
    assert step_grids(differ, 6) is None  # cuBLAS changed tiles somewhere between
    assert step_grids(same, 2) is None and step_grids(same, 9) is None  # outside what was measured
    assert step_grids({"model.layers": 2.0}, 4) is None  # none measured for the model


def test_the_specs_grids_reach_the_parameter_table_for_the_scenarios_model_only():
    _, p = compile_scenario(load_scenario("pipelines/shadowserve.yaml", ["gpu=h100-sxm", "model=yi-34b"]))
    assert not any(k.startswith("gpu.decode_gemm_grids") for k in p)
    batches = sorted({int(k.split(".")[1]) for k in p if k.startswith("decode_grids.")})
    assert batches == [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 28, 32, 40, 48, 64]  # h100/model_grid_sweep/
    # Yi-34B at batch 4 (h100/dataplane_ladder_yi34b_random/): 62% of a layer's GEMM time on 80 blocks
    assert p["decode_grids.4.layer.80"] == pytest.approx(0.6184)
    assert unheld(step_grids(p, 4), 132, 1024, 16) == pytest.approx(0.39, abs=0.01)


def test_a_gemm_of_one_round_gives_the_turn_rounds_as_adopted():
    """Each GEMM one round: L/2 (2x - x^2) of the turn over the grids, x = min(1, a_g / L), a_g = tau u / (1 - u)
    at pace 1. A 1,024-block launch of 16 a SM (tau 7 us) beside a 124-block grid (8 free SMs hold 128: u = 0.875,
    a = 49 us) and a 132-block one (u = 1, the whole turn), half the time each, L = 100 us."""
    x = 49.0 / 100.0
    by_hand = 0.5 * (2 * x - x * x) + 0.5 * 1.0
    grids = Grids(((124, 0.5), (132, 0.5)))
    assert turn_rounds(grids, 132, 1024, 16, 7e-6, 100e-6, 1.0) == pytest.approx(by_hand)
    rounds = Grids(grids, ((0.5, ((124, 1.0),)), (0.5, ((132, 1.0),))))
    assert turn_rounds(rounds, 132, 1024, 16, 7e-6, 100e-6, 1.0) == pytest.approx(by_hand)


def test_the_tile_tail_shortens_the_turn_by_hand():
    """One GEMM of L = 100 us: a full round on 132 CTAs for 75 us, then a tail on 76 (56 SMs free hold 896 of 1,024
    blocks of 16 a SM: u = 0.125, a = 7 us x 0.125 / 0.875 = 1 us). Landing in the tail it loses min(R, 1 us): mean
    (0.5 + 24) / 25 = 0.98 us; in the full round the round left and then 1 us: 37.5 + 1. The turn's share:
    (0.25 x 0.98 + 0.75 x 38.5) / 50 = 0.5824, where the grids alone (the tail's SMs free for the GEMM's whole
    length) give 0.75 + 0.25 x (0.02 - 0.0001) = 0.754975."""
    p = {"model.layers": 1.0, "decode_grids.4.layer.132": 0.75, "decode_grids.4.layer.76": 0.25,
         "decode_grids.4.gemm.0.share": 1.0, "decode_grids.4.gemm.0.round.0.blocks": 132.0,
         "decode_grids.4.gemm.0.round.0.share": 0.75, "decode_grids.4.gemm.0.round.1.blocks": 76.0,
         "decode_grids.4.gemm.0.round.1.share": 0.25, "decode_grids.4.head": 132.0,
         "decode_grids.4.head_over_layer": 1e-9}  # a head of no time: the GEMM alone
    grids = step_grids(p, 4)
    assert grids.gemms[0][1] == ((132.0, 0.75), (76.0, 0.25))
    assert turn_rounds(grids, 132, 1024, 16, 7e-6, 100e-6, 1.0) == pytest.approx(0.5824, rel=1e-6)
    assert turn_rounds(Grids(tuple(grids)), 132, 1024, 16, 7e-6, 100e-6, 1.0) == pytest.approx(0.754975, rel=1e-6)


def test_a_graph_launchs_turn_ramps_in_with_log_gemm_length():
    """None up to turn_gemms_to (37 us), all of it from graph_turn_gemms (144 us), half at their geometric mean."""
    assert graph_turn_part(36e-6, 37e-6, 144e-6) == 0.0 and graph_turn_part(560e-6, 37e-6, 144e-6) == 1.0
    assert graph_turn_part((37e-6 * 144e-6) ** 0.5, 37e-6, 144e-6) == pytest.approx(0.5)


def test_the_rounds_give_the_grids_and_a_disagreeing_layer_is_refused():
    from nicmodel.spec.gemm_grids import GemmGrids
    entry = {"model": "M", "batch": 4, "head": 132, "head_over_layer": 1.0, "kind": "derived", "source": "a run",
             "gemms": [{"share": 0.6, "rounds": [[132, 0.75], [76, 0.25]]}, {"share": 0.4, "rounds": [[76, 1]]}]}
    assert GemmGrids(**entry).layer == {76: 0.55, 132: 0.45}
    assert GemmGrids(**entry, layer={76: 0.55, 132: 0.45}).layer == {76: 0.55, 132: 0.45}  # a round trip
    with pytest.raises(Exception, match="expected the shares its gemms give"):
        GemmGrids(**entry, layer={76: 0.5, 132: 0.5})
    with pytest.raises(Exception, match="sum to 0.9000"):
        GemmGrids(**{**entry, "gemms": [{"share": 1.0, "rounds": [[132, 0.5], [76, 0.4]]}]})
    with pytest.raises(Exception, match="expected layer"):
        GemmGrids(**{k: v for k, v in entry.items() if k != "gemms"})


def test_bad_grid_entries_are_refused(tmp_path):
    from nicmodel.spec.gemm_grids import GemmGrids
    good = {"model": "M", "batch": 4, "layer": {64: 0.5, 132: 0.5}, "head": 132, "head_over_layer": 1.0,
            "kind": "measured", "source": "a run"}
    GemmGrids(**good)
    for bad, match in [({"layer": {64: 0.5, 132: 0.4}}, "sum to 0.9000"), ({"batch": 0}, "at least 1"),
                       ({"head_over_layer": 0.0}, "positive ratio"), ({"blocks": 3}, "Extra inputs")]:
        with pytest.raises(Exception, match=match):
            GemmGrids(**{**good, **bad})


def test_a_second_entry_for_a_model_and_batch_is_refused():
    from pydantic import ValidationError
    from nicmodel.spec.hardware import Gpu
    gpu = load_scenario("pipelines/shadowserve.yaml", ["gpu=h200"]).gpu.model_dump(exclude_none=True)
    twin = next(g for g in gpu["decode_gemm_grids"] if g["batch"] == 4)
    with pytest.raises(ValidationError, match="a second entry for Llama-3-8B at batch 4"):
        Gpu.model_validate({**gpu, "decode_gemm_grids": [*gpu["decode_gemm_grids"], twin]})


@pytest.mark.parametrize("model, batch, flagged", [("yi-34b", 4, "copy 0.39"), ("llama-3-8b", 8, "copy 0.40"),
                                                   ("llama-3-8b", 12, None), ("llama-2-7b", 4, None)])
def test_the_planner_is_told_where_the_grids_leave_room(model, batch, flagged):
    """Below u = 0.5 (the sealed sets: 26-45% over at 0.32-0.41, within 15% at 0.72-0.84; Llama-2-7B's 0.74)."""
    from nicmodel.engines.serving.validity import _grid_note
    scenario = load_scenario("pipelines/cachegen-lmcache.yaml", ["gpu=h100-sxm", f"model={model}"])
    _, p = compile_scenario(scenario)
    notes = _grid_note(scenario, p, batch)
    assert bool(notes) == bool(flagged)
    if flagged:
        assert f"at batch {batch}" in notes[0] and flagged in notes[0] and "UNVALIDATED" not in notes[0]
