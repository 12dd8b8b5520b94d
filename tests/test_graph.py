"""The stage graph (nicmodel/spec/graph.py): cycles, topological order, connectivity."""

from hypothesis import given, settings
from hypothesis import strategies as st

from nicmodel.spec.graph import DiGraph, find_cycle, topological_order, weakly_connected


def _dag(n: int, edges: list[tuple[int, int]]) -> DiGraph:
    g = DiGraph()
    for i in range(n):
        g.add_node(f"s{i:02d}")
    for a, b in edges:
        lo, hi = sorted((a % n, b % n))
        if lo != hi:
            g.add_edge(f"s{lo:02d}", f"s{hi:02d}")  # edges only forward: acyclic
    return g


def test_hand_checked_order_cycle_and_connectivity():
    g = DiGraph()
    for u, v in [("fetch", "decompress"), ("fetch", "copy"), ("decompress", "dequantize"), ("copy", "dequantize")]:
        g.add_edge(u, v)
    assert topological_order(g) == ["fetch", "copy", "decompress", "dequantize"]  # ties: least name first
    assert find_cycle(g) is None and weakly_connected(g)
    assert g.edges == [("fetch", "decompress"), ("fetch", "copy"), ("decompress", "dequantize"), ("copy", "dequantize")]
    g.add_edge("dequantize", "fetch")
    assert find_cycle(g) in (["fetch", "decompress", "dequantize"], ["fetch", "copy", "dequantize"])
    g.add_node("alone")
    assert not weakly_connected(g)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(1, 12), st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=30))
def test_every_edge_goes_forward_in_the_order(n, edges):
    g = _dag(n, edges)
    order = topological_order(g)
    place = {node: i for i, node in enumerate(order)}
    assert sorted(order) == sorted(g) and find_cycle(g) is None
    assert all(place[u] < place[v] for u, v in g.edges)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(2, 12), st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), min_size=1, max_size=30))
def test_a_back_edge_makes_a_cycle_that_is_found(n, edges):
    g = _dag(n, edges)
    if not g.edges:
        return
    u, v = g.edges[0]
    g.add_edge(v, u)
    cycle = find_cycle(g)
    assert cycle and all(g.has_edge(a, b) for a, b in zip(cycle, cycle[1:] + cycle[:1]))
