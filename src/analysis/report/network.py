"""The co-occurrence network figure: communities coloured and named, node size and edge
width keyed in legends, labels placed beside their nodes so that none overlaps another
label or node, and the strongest edges only once a graph has too many to read.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.report.labels import display_label
from analysis.report.placement import place_labels

__all__ = ["plot_network"]


def _kamada_kawai(graph, start: dict) -> dict:
    """Kamada-Kawai from ``start``; nodes in different components sit one step beyond the
    longest path, not a million steps away (which would crush each component to a dot)."""
    import networkx as nx

    if graph.number_of_nodes() <= 2:
        return start
    lengths = dict(nx.shortest_path_length(graph))
    longest = max((d for row in lengths.values() for d in row.values()), default=1)
    dist = {a: {b: lengths.get(a, {}).get(b, longest + 1) for b in graph} for a in graph}
    return nx.kamada_kawai_layout(graph, dist=dist, pos=start, weight=None)


def _legend_below(ax, previous, handles, labels, title: str, marker: float = 8.0):
    """A legend right of the axes, under ``previous`` (or at the top); ``marker`` is the
    largest marker's diameter in points, which sets the room each entry gets."""
    renderer = ax.figure.canvas.get_renderer()
    top = 1.0
    if previous is not None:
        box = previous.get_window_extent(renderer).transformed(ax.transAxes.inverted())
        top = box.y0 - 0.03
    from matplotlib.legend import Legend

    room = max(1.0, marker / 8.0)  # in units of the 8-point font
    legend = Legend(ax, handles, labels, title=title, loc="upper left", bbox_to_anchor=(1.02, top), frameon=False,
                    fontsize=8, title_fontsize=8, alignment="left", borderaxespad=0, labelspacing=max(0.9, room - 0.6),
                    handlelength=max(2.0, room), handletextpad=0.8, borderpad=0.2)
    ax.add_artist(legend)
    legend.set_clip_on(False)  # add_artist clips to the axes; this legend sits beside them
    return legend


def plot_network(graph, seed: int, weight: str = "weight", community: str = "community", size: str = "count",
                 title: str = "", max_edges: int = 60, note: str = "", language: str = "ko"):
    """Draw a co-occurrence network: nodes sized by ``size``, coloured by ``community``,
    lines as wide as ``weight``, each with a legend, labels beside the nodes.

    Past ``max_edges`` lines only the strongest are drawn (and each term's strongest,
    so no term floats free), and the caption says how many of how many: a network of
    every pair is a hairball. The layout (Kamada-Kawai from a seeded spring layout) is
    computed on the lines drawn, so the figure is the same on every run. Labels sit
    beside their node, never over another label or node (a thin line joins a label
    moved away). The data holds the nodes (with their label positions) and the lines
    drawn.

    Example
    -------
    >>> fig, data = plot_network(G, seed=1, weight="jaccard")  # doctest: +SKIP
    """
    import networkx as nx
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    nodes = sorted(graph.nodes)
    strength = {tuple(sorted(e)): float(graph.edges[e].get(weight, 1)) for e in graph.edges}
    ranked = sorted(strength, key=lambda e: (-strength[e], e))
    kept = set(ranked[:max_edges])
    if len(ranked) > max_edges:
        for node in nodes:  # each term keeps its strongest line
            own = next((e for e in ranked if node in e), None)
            if own is not None:
                kept.add(own)
    shown = sorted(kept)
    drawn = nx.Graph()
    drawn.add_nodes_from(nodes)
    drawn.add_edges_from(shown)
    start = nx.spring_layout(drawn, seed=seed)
    position = _kamada_kawai(drawn, start)
    xy = np.array([position[n] for n in nodes], dtype=float).reshape(-1, 2)

    sizes = np.array([float(graph.nodes[n].get(size, 1)) for n in nodes])
    top = sizes.max() if len(sizes) else 1.0
    areas = 60 + 840 * sizes / top
    groups = [int(graph.nodes[n].get(community, 0)) for n in nodes]
    colour_of = {c: (f"C{i}" if i < 10 else "0.65") for i, c in enumerate(sorted(set(groups)))}
    weights = np.array([strength[e] for e in shown])
    low, high = (weights.min(), weights.max()) if len(weights) else (1.0, 1.0)

    def width_of(w):
        return 0.6 + 3.4 * (w - low) / (high - low) if high > low else 1.6

    fig, ax = plt.subplots(figsize=(10, 7.6))
    fig.subplots_adjust(left=0.02, right=0.66, top=0.93, bottom=0.08)
    index = {n: i for i, n in enumerate(nodes)}
    if shown:
        ax.add_collection(LineCollection([[xy[index[a]], xy[index[b]]] for a, b in shown],
                                         linewidths=[width_of(w) for w in weights], colors="0.45", alpha=0.45, zorder=1))
    ax.scatter(xy[:, 0], xy[:, 1], s=areas, c=[colour_of[g] for g in groups], alpha=0.9, edgecolors="white",
               linewidths=0.8, zorder=2)
    span = max(np.ptp(xy[:, 0]) if len(xy) else 1.0, np.ptp(xy[:, 1]) if len(xy) else 1.0, 1e-9)
    margin = 0.16 * span
    if len(xy):
        ax.set_xlim(xy[:, 0].min() - margin, xy[:, 0].max() + margin)
        ax.set_ylim(xy[:, 1].min() - margin, xy[:, 1].max() + margin)
    ax.set_autoscale_on(False)
    ax.set_title(title)
    ax.axis("off")

    # Legends: colour (communities named by their most frequent terms), size, line width.
    members = {c: sorted((n for n, g in zip(nodes, groups) if g == c), key=lambda n: (-sizes[index[n]], n))
               for c in sorted(set(groups))}
    shown_groups = list(members)[:10] if len(members) <= 10 else list(members)[:9]
    handles = [Line2D([], [], ls="", marker="o", ms=8, color=colour_of[c]) for c in shown_groups]
    names = [f"{k + 1}: {'·'.join(members[c][:3])}" for k, c in enumerate(shown_groups)]
    if len(members) > len(shown_groups):
        handles.append(Line2D([], [], ls="", marker="o", ms=8, color="0.65"))
        names.append(f"{display_label('text', 'others', language)} ({len(members) - len(shown_groups)})")
    legend = _legend_below(ax, None, handles, names, display_label("text", "community", language))
    examples = sorted({int(round(v)) for v in (sizes.min(), np.median(sizes), top)}) if len(sizes) else []
    legend = _legend_below(ax, legend, [Line2D([], [], ls="", marker="o", ms=math.sqrt(60 + 840 * v / top),
                                               color="0.6", alpha=0.8) for v in examples],
                           [display_label("text", "sentences_n", language).format(n=v) for v in examples],
                           display_label("text", "node_size", language), marker=math.sqrt(900))
    if len(weights):
        levels = sorted({float(low), float(np.median(weights)), float(high)})
        text = "{:,.0f}" if all(float(w).is_integer() for w in weights) else "{:.2f}"
        legend = _legend_below(ax, legend, [Line2D([], [], color="0.45", alpha=0.7, lw=width_of(w)) for w in levels],
                               [text.format(w) for w in levels],
                               display_label("text", "edge_width", language).format(
                                   weight=display_label("edge_weight", weight, language)))

    # Labels beside their nodes, largest nodes first, clear of each other, nodes, title and legends.
    texts = [ax.text(x, y, n, ha="center", va="center", fontsize=9, zorder=4,
                     bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 0.8})
             for n, (x, y) in zip(nodes, xy)]
    renderer = fig.canvas.get_renderer()
    radii = np.sqrt(areas) / 2 * fig.dpi / 72 + 1.0
    centres = ax.transData.transform(xy) if len(xy) else np.zeros((0, 2))
    obstacles = [ax.title.get_window_extent(renderer)] + [a.get_window_extent(renderer) for a in ax.artists]
    order = sorted(range(len(nodes)), key=lambda i: (-sizes[i], nodes[i]))
    far = place_labels(ax, texts, centres, radii, order, obstacles)
    for i, moved in enumerate(far):
        if moved:
            lx, ly = texts[i].get_position()
            ax.plot([xy[i, 0], lx], [xy[i, 1], ly], color="0.55", lw=0.5, zorder=3)

    total = len(strength)
    parts = [display_label("text", "edges_shown" if total > len(shown) else "edges_all", language).format(
        shown=len(shown), total=total)]
    if note:
        parts.append(note)
    fig.text(0.02, 0.02, " · ".join(parts), fontsize=7, color="0.35", ha="left", va="bottom")

    node_rows = pd.DataFrame({"kind": "node", "node": nodes, "x": np.round(xy[:, 0], 4), "y": np.round(xy[:, 1], 4),
                              community: pd.array(groups, dtype="Int64"), size: sizes,
                              "label_x": [round(t.get_position()[0], 4) for t in texts],
                              "label_y": [round(t.get_position()[1], 4) for t in texts]})
    edge_rows = pd.DataFrame({"kind": "edge", "source": [a for a, _ in shown], "target": [b for _, b in shown],
                              weight: [strength[e] for e in shown]})
    data = pd.concat([node_rows, edge_rows], ignore_index=True)
    return fig, data
