"""What a serving answer's interference rests on (engines/serving/validity.interference_basis): read
from the GPU spec's provenance, in the answer, its text and its report."""

import pytest

import nicmodel
from nicmodel.engines.serving.validity import interference_basis

from conftest import ROOT

SCENARIO = ROOT / "pipelines/cachegen-async.yaml"


@pytest.mark.parametrize("gpu, says", [
    ("h200", "fitted on this GPU's co-runners (NVIDIA H200"),
    ("l40s", "derived: the H200 fit (25), the H100 SXM fit (6), measured on the H200 (1), the H200's "
             "latency_beside_attention, measured (1), carried to this GPU through its SM count and limits, HBM "
             "bandwidth and kernels; no co-runner measured on this GPU (NVIDIA L40S"),
    ("h100-sxm", "derived: the H200 fit (25), the H200's latency_beside_attention, measured (1), carried to this GPU "
                 "through its SM count and limits, HBM bandwidth and kernels; 4 fitted on this GPU's co-runners; "
                 "checked, not fitted, on this GPU: the whole GPU held out (validation/traces/h100_grid"),
    ("a100-80g", "no co-runner measured on this GPU"),
])
def test_the_basis_follows_the_coefficients_provenance(gpu, says):
    """The H200's coefficients are fitted there (25 of its 46: the rest measured, assumed, or the H100's crawl
    beside long GEMMs and graph turn); every other GPU takes 33 of 46 from the H200's and the H100's fits (the grid
    crawl's pace on free SMs the fourth from the H100, the turn rounds' the fifth, the graph turn's share the sixth),
    the H100 26 from the H200's (its issue_warps measured on it) with 4 fitted on its own co-runners, and only the
    H100 had co-runners measured (held out, but for the crawl's and the graph turn's fit sets)."""
    scenario = nicmodel.load(SCENARIO, [f"gpu={gpu}"])
    basis = interference_basis(scenario)
    assert says in basis, basis
    count = {"h200": "25 of 46", "h100-sxm": "26 of 46"}.get(gpu, "33 of 46")
    assert basis.startswith(count), basis


def test_an_inline_gpu_fitted_on_its_own_co_runners_says_so():
    """Provenance decides, not the GPU's name: the L40S with its coefficients given as fitted here."""
    from nicmodel.spec.base import Param
    scenario = nicmodel.load(SCENARIO, ["gpu=l40s"])
    spec = scenario.gpu.interference
    refitted = spec.model_copy(update={k: v.model_copy(update={"kind": "fitted"}) for k, v in vars(spec).items()
                                       if isinstance(v, Param) and v.kind == "derived"})
    scenario = scenario.model_copy(update={"gpu": scenario.gpu.model_copy(update={"interference": refitted})})
    assert interference_basis(scenario).startswith("33 of 46 interference coefficients fitted on this GPU's")


def test_serve_prints_it_under_the_interference_share(capsys):
    """The text answer names it under "decode time lost to interference"; a table of designs once below."""
    from nicmodel.cli import main
    code = main(["serve", str(SCENARIO), "--bandwidths", "20Gbps", "--model", "analytical", "--rate", "2"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if "decode time lost to interference" in line)
    assert lines[i + 1].startswith("    rests on      33 of 46 interference coefficients derived: the H200 fit (25), the H100 SXM fit (6)")


def test_coefficients_set_for_the_run_are_counted_apart():
    """A what-if --set of one coefficient leaves the rest's basis and says one is set; a draw of
    --uncertainty sets every one with a range, and the basis says so rather than failing."""
    one = interference_basis(nicmodel.load(SCENARIO, ["gpu=h200", "gpu.interference.wave_spill=0.3"]))
    assert one.startswith("24 of 46 interference coefficients fitted on this GPU's co-runners; 1 set for this run")
    from nicmodel.planning.replications import draw_overrides
    scenario = nicmodel.load(SCENARIO, ["gpu=h200"])
    (draw,) = draw_overrides(scenario, 1, seed=3)
    # the coefficients; the model's own error (gpu.interference.model_error) is an answer's band apart
    drawn_coefficients = [o for o in draw if o.startswith("gpu.interference.") and ".model_error." not in o]
    assert any(".model_error." in o for o in draw)
    drawn = interference_basis(nicmodel.load(SCENARIO, ["gpu=h200", *draw]))
    assert len(drawn_coefficients) >= 20
    # turn_free_pace (the turn rounds' statement, no range: the diagnostic read the free SMs faster, not slower) is
    # never drawn: it keeps its basis
    assert drawn.startswith("1 of 46 interference coefficients derived: the H100 SXM fit"), drawn
    assert f"; {len(drawn_coefficients)} set for this run" in drawn, drawn


def test_nic_price_says_what_gpu_decodings_interference_rests_on(capsys):
    """The break-even turns on GPU decoding's loss to interference: its basis is under the table and
    in each JSON row (here the L40S's: derived, no co-runner measured on it)."""
    from nicmodel.cli import main
    argv = ["nic-price", str(ROOT / "pipelines/shadowserve.yaml"), str(SCENARIO), "--uncertainty", "0",
            "--bandwidths", "20Gbps"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "\nGPU decoding's interference rests on: 33 of 46 interference coefficients derived: the H200 fit (25)" in out
    assert "no co-runner measured on this GPU (NVIDIA L40S" in out
    import json
    assert main(argv + ["--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["interference_basis"].startswith("33 of 46 interference coefficients derived")
