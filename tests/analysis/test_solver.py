"""The colour solver on small plain graphs: no parser involved."""

from __future__ import annotations

import random

from quartify.analysis.solver import Edge, Graph, Seed, solve


def graph(edges: list[tuple[str, str]], seeds: list[str], forced: list[str] = (), **kw: object) -> Graph:  # type: ignore[assignment]
    nodes = {n for e in edges for n in e} | set(seeds) | set(forced)
    return Graph(
        nodes=frozenset(nodes),
        edges=tuple(Edge(a, b, i + 1) for i, (a, b) in enumerate(edges)),
        seeds=tuple([*(Seed(s, 1, "request.form") for s in seeds), *(Seed(f, 1, "view", True) for f in forced)]),
        **kw,  # type: ignore[arg-type]
    )


def test_async_climbs_a_chain_to_the_view() -> None:
    sol = solve(graph([("view", "place"), ("place", "read"), ("other", "pure")], ["read"], ["view"]))
    assert sol.async_nodes == {"view", "place", "read"}
    assert [n for n, _ in sol.chain("view")] == ["view"]  # forced: its own reason
    assert [n for n, _ in sol.chain("place")] == ["place", "read"]


def test_pure_helpers_stay_sync() -> None:
    sol = solve(graph([("view", "get_post"), ("get_post", "abort")], [], ["view"]))
    assert sol.async_nodes == {"view"}


def test_recursive_pair_and_cycle_terminate() -> None:
    sol = solve(graph([("a", "b"), ("b", "a"), ("view", "a"), ("c", "c")], ["b"], ["view"]))
    assert sol.async_nodes == {"a", "b", "view"}


def test_diamond_reaches_the_top_once() -> None:
    sol = solve(graph([("top", "left"), ("top", "right"), ("left", "base"), ("right", "base")], ["base"]))
    assert sol.async_nodes == {"top", "left", "right", "base"}
    assert sol.reasons["top"].via == "left"  # sorted order decides, deterministically


def test_same_name_in_two_modules_is_two_nodes() -> None:
    sol = solve(graph([("a.view", "a.helper"), ("b.view", "b.helper")], ["a.helper"]))
    assert sol.async_nodes == {"a.view", "a.helper"}


def test_overrides_share_a_colour() -> None:
    g = graph(
        [("view", "Base.load")],
        ["Child.load"],
        groups=(frozenset({"Base.load", "Child.load"}),),
    )
    sol = solve(g)
    assert {"Base.load", "Child.load", "view"} <= sol.async_nodes


def test_barrier_blocks_and_reports_the_cause() -> None:
    g = graph([("cli", "init_db"), ("view", "init_db")], ["init_db"], barriers={"cli": "it is a click command"})
    sol = solve(g)
    assert "cli" not in sol.async_nodes and "view" in sol.async_nodes
    assert [(b.node, b.why, b.cause) for b in sol.blocked] == [("cli", "it is a click command", "init_db")]


def test_call_in_a_lambda_is_blocked() -> None:
    g = Graph(
        nodes=frozenset({"f", "helper"}),
        edges=(Edge("f", "helper", 7, "lambda"),),
        seeds=(Seed("helper", 2, "request.form"),),
    )
    sol = solve(g)
    assert sol.async_nodes == {"helper"}
    assert sol.blocked[0].node == "f" and sol.blocked[0].line == 7 and "lambda" in sol.blocked[0].why


def test_result_does_not_depend_on_input_order() -> None:
    edges = [(f"n{i}", f"n{i + 1}") for i in range(30)] + [("n5", "n20"), ("x", "n3"), ("y", "n3")]
    base = solve(graph(edges, ["n30"], ["v"]))
    rng = random.Random(7)
    for _ in range(5):
        shuffled = edges[:]
        rng.shuffle(shuffled)
        again = solve(graph(shuffled, ["n30"], ["v"]))
        assert again.async_nodes == base.async_nodes
        assert {n: r.via for n, r in again.reasons.items()} == {n: r.via for n, r in base.reasons.items()}


def test_a_node_seeded_several_times_takes_its_first_seed_in_sorted_order_whatever_the_listing() -> None:
    seeds = [Seed("helper", 9, "request.form"), Seed("helper", 4, "request.json"), Seed("helper", 4, "request.files"),
             Seed("view", 3, "view", True), Seed("view", 1, "request.form")]
    for order in (seeds, seeds[::-1], [seeds[2], seeds[4], seeds[0], seeds[3], seeds[1]]):
        sol = solve(Graph(nodes=frozenset({"view", "helper"}), edges=(), seeds=tuple(order)))
        assert (sol.reasons["helper"].line, sol.reasons["helper"].what) == (4, "request.files")
        assert sol.reasons["view"].what == "view"  # a forced seed wins over an earlier-line use


def test_a_listed_twice_edge_or_seed_is_reported_once() -> None:
    blocked_call = Edge("f", "helper", 7, "lambda")
    g = Graph(
        nodes=frozenset({"f", "helper", "cmd"}),
        edges=(blocked_call, blocked_call, Edge("cmd", "helper", 3), Edge("cmd", "helper", 3)),
        seeds=(Seed("helper", 2, "request.form"), Seed("helper", 2, "request.form"), Seed("cmd", 5, "request.args"),
               Seed("cmd", 5, "request.args")),
        barriers={"cmd": "it is a click command"},
    )
    sol = solve(g)
    assert sol.async_nodes == {"helper"}
    assert [(b.node, b.line, b.cause) for b in sol.blocked] == [("cmd", 3, "helper"), ("cmd", 5, "cmd"), ("f", 7, "helper")]
