"""The stage graph: a small directed graph with the few operations a design needs (a cycle, a
topological order, connectivity). Written here rather than imported: networkx took 0.15 s of
every command's start for these few lines. Nodes and edges keep their insertion order, so every
order below is deterministic."""

from __future__ import annotations

import heapq
from typing import Iterator


class DiGraph:
    """Nodes (hashable, comparable names) and directed edges, in insertion order."""

    def __init__(self) -> None:
        self._succ: dict[str, dict[str, None]] = {}
        self._pred: dict[str, dict[str, None]] = {}

    def add_node(self, node: str) -> None:
        if node not in self._succ:
            self._succ[node] = {}
            self._pred[node] = {}

    def add_edge(self, u: str, v: str) -> None:
        self.add_node(u)
        self.add_node(v)
        self._succ[u][v] = None
        self._pred[v][u] = None

    def remove_edge(self, u: str, v: str) -> None:
        del self._succ[u][v]
        del self._pred[v][u]

    def has_edge(self, u: str, v: str) -> bool:
        return v in self._succ.get(u, {})

    def __iter__(self) -> Iterator[str]:
        return iter(self._succ)

    def __len__(self) -> int:
        return len(self._succ)

    @property
    def edges(self) -> list[tuple[str, str]]:
        """Every edge, by source in insertion order, then by target in insertion order."""
        return [(u, v) for u, targets in self._succ.items() for v in targets]

    def successors(self, node: str) -> list[str]:
        return list(self._succ[node])

    def in_degree(self, node: str) -> int:
        return len(self._pred[node])

    def out_degree(self, node: str) -> int:
        return len(self._succ[node])


def find_cycle(graph: DiGraph) -> list[str] | None:
    """The nodes of one directed cycle, in order (None if the graph is acyclic)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in graph:
        if root in state:
            continue
        path, stack = [root], [iter(graph.successors(root))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(graph.successors(nxt)))
    return None


def topological_order(graph: DiGraph) -> list[str]:
    """Every node after its predecessors; among nodes ready together, the least name first."""
    indegree = {n: graph.in_degree(n) for n in graph}
    ready = [n for n, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for child in graph.successors(node):
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, child)
    if len(order) != len(graph):
        raise ValueError("the graph has a cycle")
    return order


def weakly_connected(graph: DiGraph) -> bool:
    """Whether every node reaches every other when edges are taken both ways."""
    nodes = list(graph)
    if not nodes:
        return False
    seen, todo = {nodes[0]}, [nodes[0]]
    while todo:
        node = todo.pop()
        for other in (*graph._succ[node], *graph._pred[node]):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return len(seen) == len(nodes)
