"""The markdown table writer (nicmodel/output/markdown.py) lays tables out as tabulate's "github"
format does: checked against tabulate on generated tables and on the shapes nicmodel prints."""

import pytest
from hypothesis import given, settings, strategies as st

from nicmodel.output.markdown import github_table

tabulate = pytest.importorskip("tabulate").tabulate

TEXT = st.text(alphabet="abcXYZ019 .,+-e%_()/µ×", max_size=8)
CELL = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                 st.floats(allow_nan=True, allow_infinity=True, width=64), TEXT,
                 st.sampled_from(["1.50", "-3", "1e5", "nan", "inf", "1,234", "1,234.5", "True", " 7 ", "0.0"]))


@st.composite
def tables(draw, cell=CELL):
    ncols = draw(st.integers(1, 5))
    headers = draw(st.lists(TEXT, min_size=ncols, max_size=ncols))
    rows = draw(st.lists(st.lists(cell, min_size=ncols, max_size=ncols), min_size=1, max_size=6))
    return rows, headers


@settings(max_examples=400, deadline=None)
@given(tables(), st.sampled_from(["g", ".4g", ".3f"]))
def test_matches_tabulate_github(table, floatfmt):
    rows, headers = table
    assert github_table(rows, headers, floatfmt) == tabulate(rows, headers=headers, tablefmt="github",
                                                              floatfmt=floatfmt)


def _blank(cell) -> bool:
    return cell is None or isinstance(cell, str) and not cell.strip()


@settings(max_examples=150, deadline=None)
@given(tables(cell=st.one_of(CELL, st.text(alphabet="ab1.\n ", max_size=8))))
def test_matches_tabulate_on_cells_with_line_breaks(table):
    rows, headers = table
    # tabulate lays a table with a line break out line by line, and a row whose cells are all blank has no
    # lines there, so it drops the row; the writer keeps it (test_a_blank_row_beside_line_breaks_is_kept)
    rows = [row for row in rows if not all(_blank(c) for c in row)] or [[1] * len(headers)]
    assert github_table(rows, headers) == tabulate(rows, headers=headers, tablefmt="github")


def test_a_blank_row_beside_line_breaks_is_kept():
    """Where tabulate drops a row of blank cells from a table with a line break in it (found by the test
    above: a numeric "1.\n" puts tabulate in its line-by-line layout), the writer keeps the row."""
    rows, headers = [[None, None, None], [None, None, "1.\n"]], ["", "", ""]
    assert tabulate(rows, headers=headers, tablefmt="github").count("\n") == 2  # the blank row is gone
    assert github_table(rows, headers).splitlines() == ["|    |    |    |", "|----|----|----|",
                                                        "|    |    |    |", "|    |    |  1 |"]


def test_a_design_table_by_hand():
    out = github_table([["shadowserve", 20.6, 3], ["cachegen-async", 1.5, 12]], ["design", "Gbps", "n"])
    assert out.splitlines() == [
        "| design         |   Gbps |   n |",
        "|----------------|--------|-----|",
        "| shadowserve    |   20.6 |   3 |",
        "| cachegen-async |    1.5 |  12 |",
    ]
