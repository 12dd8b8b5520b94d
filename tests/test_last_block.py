"""The last block, a thirteenth candidate for the first round's room (validation/calibration/roomy_dispatch.py,
``candidate13``; declared with its code before its screen, validation/collect/declared_runs.md, the forty-third
session): a landing's dispatch wait comes off only where the GEMM's free SMs finish the launch before the GEMM ends.
Read against the engine (the twelfth in it)."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import roomy_dispatch as rd  # noqa: E402

from nicmodel.engines.serving import interference  # noqa: E402
from nicmodel.engines.serving.gemm_grids import Grids, first_round_unheld  # noqa: E402


def test_the_last_blocks_share_by_hand():
    """One GEMM of one 120-CTA round on 132 SMs (12 free, 4 of a launch's blocks a SM at its limit): 48 blocks fit
    whole (u 0, U13 0, as the twelfth); the 8B chunk's 512 decoder blocks of 545 us leave u = 464 / 512, so a_g = 545
    us x 9.667 outlives a 560-us GEMM and U13 is 1 (the twelfth: 0.906). Short blocks keep nearly the twelfth's u: 1,024
    blocks of 2.7 us, 16 a SM at most, beside an 80-CTA GEMM of 50 us (52 free SMs taking 1024 / 132 + 5.6 = 13.36
    each): u = 0.3217, a_g = 2.7 x 0.3217 / 0.6783 = 1.28 us, U13 = 1 - 0.6783 x (1 - 1.28 / 50) = 0.3391."""
    one = Grids((), ((1.0, ((120, 1.0),)),))
    assert rd.unheld13(one, 132, 48, 4, 5.6, 545e-6, 560e-6, 1.0) == 0.0
    assert first_round_unheld(one, 132, 512, 4, 5.6) == pytest.approx(464 / 512, rel=1e-12)
    assert rd.unheld13(one, 132, 512, 4, 5.6, 545e-6, 560e-6, 1.0) == 1.0
    roomy = Grids((), ((1.0, ((80, 1.0),)),))
    d = 1024 / 132 + 5.6
    u = (1024 - 52 * d) / 1024
    a = 2.7e-6 * u / (1 - u)
    assert rd.unheld13(roomy, 132, 1024, 16, 5.6, 2.7e-6, 50e-6, 1.0) == pytest.approx(1 - (1 - u) * (1 - a / 50e-6),
                                                                                          rel=1e-12)
    assert round(u, 4) == 0.3217 and round(rd.unheld13(roomy, 132, 1024, 16, 5.6, 2.7e-6, 50e-6, 1.0), 4) == 0.3391
    assert rd.unheld13(roomy, 132, 1024, 16, 5.6, 2.7e-6, 50e-6, 0.0) == 1.0  # no pace on the free SMs: no relief


def test_it_replaces_the_engines_u_only_for_the_duration():
    kept = interference.Coupling.unheld
    with rd.candidate13():
        assert interference.Coupling.unheld is not kept
    assert interference.Coupling.unheld is kept
