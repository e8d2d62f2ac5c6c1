"""Nested-set fields for a whole thread, computed in one pass from parent indices, so the
loader can write every comment in bulk instead of one MPTT insert per comment."""

from __future__ import annotations

from dataclasses import dataclass


class TreeError(ValueError):
    pass


@dataclass(frozen=True)
class NodeFields:
    root: int  # ordinal of the node's root among the thread's roots (0, 1, ...)
    lft: int
    rght: int
    level: int


def nested_sets(parents: list[int | None]) -> list[NodeFields]:
    """For nodes given in source order with `parents[i]` the index of node i's parent (or
    None), return each node's nested-set fields. Children keep source order under their
    parent; a parent may come after its child. Each root is its own tree (MPTT's tree_id)."""
    n = len(parents)
    children: list[list[int]] = [[] for _ in range(n)]
    roots: list[int] = []
    for i, parent in enumerate(parents):
        if parent is None:
            roots.append(i)
        elif not 0 <= parent < n or parent == i:
            raise TreeError(f"comment {i} has an impossible parent {parent}")
        else:
            children[parent].append(i)

    result: list[NodeFields | None] = [None] * n
    for root_ordinal, root in enumerate(roots):
        counter = 1
        # Iterative depth-first walk: deep reply chains must not hit the recursion limit.
        stack: list[tuple[int, int, bool]] = [(root, 0, False)]
        lefts: dict[int, int] = {}
        while stack:
            node, level, done = stack.pop()
            if done:
                result[node] = NodeFields(root_ordinal, lefts[node], counter, level)
                counter += 1
                continue
            lefts[node] = counter
            counter += 1
            stack.append((node, level, True))
            for child in reversed(children[node]):
                stack.append((child, level + 1, False))
    missing = [i for i, fields in enumerate(result) if fields is None]
    if missing:
        raise TreeError(f"comments {missing[:5]} are in a reply cycle")
    return result  # type: ignore[return-value]
