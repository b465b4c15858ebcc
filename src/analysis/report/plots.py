"""Figure builders: each returns ``(fig, data)``, the data being exactly what is drawn,
so :func:`analysis.report.save_figure` can store it beside the figure.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

# Short Korean labels for the voice of a sentence or hit, for axes with little room.
VOICE_LABELS = {"quote": "인용", "narration": "서술", "own": "본인 발화", "all": "전체"}
MAX_LABELLED = 30


def plot_timeline(documents: pd.DataFrame, date_col: str = "published", who_col: str = "speaker",
                  title: str = "발화자별 기사 타임라인"):
    """Articles by date, one row per speaker, each point labelled with its doc_id.

    Example
    -------
    >>> fig, data = plot_timeline(documents)  # doctest: +SKIP
    """
    data = documents[["doc_id", date_col, who_col]].copy()
    data[date_col] = pd.to_datetime(data[date_col], errors="coerce")
    data = data.dropna(subset=[date_col]).sort_values([date_col, "doc_id"]).reset_index(drop=True)
    speakers = sorted(data[who_col].unique())
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(speakers) + 1.4))
    y = data[who_col].map({s: i for i, s in enumerate(speakers)})
    ax.scatter(data[date_col], y, s=40, zorder=3)
    # Labels of points close in time on the same row alternate above and below.
    close = (data[date_col].max() - data[date_col].min()) * 0.06
    last_seen: dict[str, tuple[pd.Timestamp, int]] = {}
    # Beyond a few dozen articles, labels would only overlap.
    for (_, row), yi in zip(data.iterrows() if len(data) <= MAX_LABELLED else [], y):
        previous = last_seen.get(row[who_col])
        flip = previous is not None and row[date_col] - previous[0] <= close and previous[1] > 0
        offset = -14 if flip else 7
        last_seen[row[who_col]] = (row[date_col], offset)
        ax.annotate(row["doc_id"], (row[date_col], yi), xytext=(0, offset), textcoords="offset points",
                    ha="center", fontsize=8)
    ax.set_yticks(range(len(speakers)), speakers)
    ax.set_ylim(-0.6, len(speakers) - 0.3)
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("날짜")
    ax.set_title(title)
    data[date_col] = data[date_col].dt.strftime("%Y-%m-%d")
    return fig, data


def plot_stacked_counts(counts: pd.DataFrame, title: str = "", xlabel: str = "", legend_title: str = "",
                        max_rows: int = 30):
    """Horizontal stacked bars of a wide count table (rows = bars, columns = segments).

    Beyond ``max_rows`` rows the largest ``max_rows - 1`` are drawn and the rest summed
    into one bar, so the figure stays readable from 5 to 50,000 documents.

    Example
    -------
    >>> table = pd.DataFrame({"quote": range(100), "narration": 5}, index=[f"d{i}" for i in range(100)])
    >>> fig, data = plot_stacked_counts(table, max_rows=10)
    >>> len(data), data.iloc[-1, 0]
    (10, '나머지 91개')
    """
    data = counts[sorted(counts.columns)]
    if len(data) > max_rows:
        largest = data.sum(axis=1).sort_values(ascending=False, kind="stable").index[:max_rows - 1]
        rest = data.drop(index=largest)
        data = pd.concat([data.loc[largest], rest.sum().to_frame(f"나머지 {len(rest)}개").T])
        data.index.name = counts.index.name
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(data) + 1.5))
    data.plot.barh(stacked=True, ax=ax, width=0.7, colormap="tab20" if data.shape[1] > 2 else "Paired")
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel(data.index.name or "")
    ax.set_title(title)
    ax.legend(title=legend_title, bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    return fig, data.reset_index()


def plot_cleaning_audit(audit: pd.DataFrame):
    """Lines removed per cleaning rule per document, as stacked horizontal bars.

    Example
    -------
    >>> fig, data = plot_cleaning_audit(corpus.audit)  # doctest: +SKIP
    """
    counts = audit.groupby(["doc_id", "rule"]).size().unstack(fill_value=0).sort_index()
    return plot_stacked_counts(counts, title="정제 규칙별 제거된 줄", xlabel="제거된 줄 수", legend_title="규칙")


def plot_topic_terms(terms: pd.DataFrame, n: int = 8, ncols: int = 3, labels: dict | None = None):
    """Top terms of each topic as small multiples of horizontal bars.

    ``terms`` is tidy: ``topic, rank, term, weight`` (as from ``analysis.topics.label_topics``).

    Example
    -------
    >>> fig, data = plot_topic_terms(topic_terms, n=8)  # doctest: +SKIP
    """
    data = terms[terms["rank"] <= n].sort_values(["topic", "rank"]).reset_index(drop=True)
    topics = sorted(data.topic.unique())
    nrows = -(-len(topics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 0.28 * n * nrows + 0.6 * nrows), squeeze=False)
    for ax, topic in zip(axes.flat, topics):
        rows = data[data.topic == topic]
        ax.barh(range(len(rows)), rows.weight, color=f"C{(topic - 1) % 10}")
        ax.set_yticks(range(len(rows)), rows.term)
        ax.invert_yaxis()
        ax.set_title((labels or {}).get(topic, f"토픽 {topic}"), fontsize=10)
        ax.tick_params(axis="x", labelsize=7)
    for ax in list(axes.flat)[len(topics):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig, data


def plot_metric_panels(table: pd.DataFrame, x: str, metrics: list[str], err: dict | None = None,
                       titles: dict | None = None, mark=None, note: str = ""):
    """One small line panel per metric against ``x`` (e.g. a K sweep), with optional error bars.

    ``err`` maps a metric to the column holding its standard deviation (the spread
    across seeds); ``mark`` draws a dashed line at that ``x`` (the chosen K) and
    ``note`` is printed under the figure (the rule that chose it).

    Example
    -------
    >>> fig, data = plot_metric_panels(summary, "k", ["npmi", "exclusivity", "stability"])  # doctest: +SKIP
    """
    # A metric the engine does not have (NMF has no held-out likelihood) gets no panel.
    metrics = [m for m in metrics if m in table and table[m].notna().any()]
    data = table[[x] + metrics + [c for c in (err or {}).values() if c in table]].sort_values(x).reset_index(drop=True)
    fig, axes = plt.subplots(1, len(metrics), figsize=(2.6 * len(metrics), 2.4), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        yerr = data[err[metric]] if err and metric in err and err[metric] in data else None
        ax.errorbar(data[x], data[metric], yerr=yerr, marker="o", ms=4, capsize=2)
        ax.set_title((titles or {}).get(metric, metric), fontsize=10)
        ax.set_xlabel(x)
        ax.set_xticks(sorted(data[x].unique()))
        ax.grid(alpha=0.3)
        if mark is not None:
            ax.axvline(mark, color="C3", ls="--", lw=1)
    fig.tight_layout()
    if note:
        fig.text(0.01, -0.02, note, fontsize=7, color="0.35", ha="left", va="top")
    return fig, data


def plot_k_frontier(runs: pd.DataFrame, coherence: str = "npmi_doc", exclusivity: str = "exclusivity", mark=None,
                    title: str = "일관성과 배타성 (K별, 시드별)"):
    """Coherence against exclusivity for every run of a K sweep (stm's searchK frontier):
    one colour per K, each seed a point, the K means joined; ``mark`` rings the chosen K.

    Example
    -------
    >>> fig, data = plot_k_frontier(runs, mark=10)  # doctest: +SKIP
    """
    data = runs[["k", "seed", coherence, exclusivity]].sort_values(["k", "seed"]).reset_index(drop=True)
    means = data.groupby("k")[[coherence, exclusivity]].mean()
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    for i, (k, rows) in enumerate(data.groupby("k")):
        ax.scatter(rows[exclusivity], rows[coherence], s=18, color=f"C{i % 10}", alpha=0.6, label=f"K={k}")
    ax.plot(means[exclusivity], means[coherence], color="0.4", lw=1)
    # Neighbouring K often sit close on the frontier: alternate labels above and below.
    for i, (k, row) in enumerate(means.iterrows()):
        ax.annotate(str(k), (row[exclusivity], row[coherence]), xytext=(4, 3 if i % 2 == 0 else -10),
                    textcoords="offset points", fontsize=8)
    if mark is not None and mark in means.index:
        ax.scatter([means.at[mark, exclusivity]], [means.at[mark, coherence]], s=160, facecolors="none",
                   edgecolors="C3", lw=1.5, label=f"선택 K={mark}")
    ax.set(xlabel="배타성 (FREX 합, 상위 10개 단어)", ylabel="문서 수준 NPMI (상위 10개 단어)", title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig, data


def plot_intervals(table: pd.DataFrame, group: str, facet: str, estimate: str = "mean",
                   low: str = "ci_low", high: str = "ci_high", ncols: int = 3, xlabel: str = "",
                   facet_labels: dict | None = None, max_groups: int = 30):
    """Point estimates with confidence intervals: one panel per ``facet`` (e.g. topic or
    frame), one row per ``group`` (e.g. speaker, voice or year).

    Beyond ``max_groups`` groups, the largest (by ``n_documents`` or ``n`` when the table
    has it) are drawn and the caption says so; the table keeps them all.

    Example
    -------
    >>> fig, data = plot_intervals(prevalence, group="speaker", facet="topic")  # doctest: +SKIP
    """
    data = table[[facet, group, estimate, low, high]].sort_values([facet, group]).reset_index(drop=True)
    names = data[group].astype(str)
    if names.nunique() > max_groups:
        size = next((c for c in ("n_documents", "n") if c in table), None)
        weight = table.groupby(table[group].astype(str))[size].max() if size else names.value_counts()
        kept = set(weight.sort_index().sort_values(ascending=False, kind="stable").index[:max_groups])
        data = data[names.isin(kept)].reset_index(drop=True)
    facets = list(dict.fromkeys(data[facet]))
    groups = sorted(data[group].astype(str).unique())
    ncols = min(ncols, len(facets))
    nrows = -(-len(facets) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.9 * ncols, 0.32 * len(groups) * nrows + 0.9 * nrows),
                             squeeze=False, sharex=True)
    position = {g: i for i, g in enumerate(groups)}
    for ax, value in zip(axes.flat, facets):
        rows = data[data[facet] == value]
        y = rows[group].astype(str).map(position)
        ax.errorbar(rows[estimate], y, xerr=[rows[estimate] - rows[low], rows[high] - rows[estimate]],
                    fmt="o", ms=4, capsize=2)
        ax.set_yticks(range(len(groups)), groups)
        ax.set_ylim(len(groups) - 0.5, -0.5)
        ax.set_title((facet_labels or {}).get(value, str(value)), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        # Every panel keeps its tick labels: with a partly empty last row, the panels
        # above the empty slots are the bottom of their column.
        ax.tick_params(labelbottom=True)
        ax.set_xlabel(xlabel)
    for ax in list(axes.flat)[len(facets):]:
        ax.set_visible(False)
    dropped = table[group].astype(str).nunique() - len(groups)
    _caption(fig, table, f"{len(groups)}개 집단만 표시 (나머지 {dropped}개는 표에)" if dropped else "")
    return fig, data


def plot_heatmap(matrix: pd.DataFrame, title: str = "", fmt: str = "{:.1f}", cmap: str = "YlOrRd",
                 cbar_label: str = "", rotation: int = 30, max_columns: int = 30, note: str = ""):
    """An annotated heatmap of a wide table (rows x columns), e.g. frames by speaker.

    Beyond ``max_columns`` columns, those with the largest totals are drawn and the title
    says how many; the returned data keeps what is drawn.

    Example
    -------
    >>> fig, data = plot_heatmap(per_1000.pivot(index="frame", columns="speaker", values="per_1000"))  # doctest: +SKIP
    """
    if matrix.shape[1] > max_columns:
        totals = matrix.sum(axis=0).sort_values(ascending=False, kind="stable")
        hidden = matrix.shape[1] - max_columns
        matrix = matrix[[c for c in matrix.columns if c in set(totals.index[:max_columns])]]
        title = f"{title} (합계 상위 {max_columns}개, 나머지 {hidden}개는 표에)"
    # Cells narrow as columns grow, so 30 columns fit a 16-inch page (not 35 inches);
    # their numbers and labels shrink with them.
    n_cols = matrix.shape[1]
    cell = 1.1 if n_cols <= 12 else max(0.45, 13.4 / n_cols)
    fig, ax = plt.subplots(figsize=(cell * n_cols + 2.6, 0.5 * matrix.shape[0] + 1.4))
    image = ax.imshow(matrix.to_numpy(dtype=float), cmap=cmap, aspect="auto")
    ax.set_xticks(range(n_cols), [str(c) for c in matrix.columns], rotation=rotation if cell >= 1 else 60,
                  ha="right" if rotation or cell < 1 else "center", fontsize=None if cell >= 1 else 7)
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index])
    top = float(matrix.to_numpy(dtype=float).max()) if matrix.size else 0.0
    for (i, j), value in pd.DataFrame(matrix.to_numpy(dtype=float)).stack().items():
        ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8 if cell >= 0.8 else 6,
                color="white" if top and value > 0.6 * top else "black")
    fig.colorbar(image, ax=ax, label=cbar_label, shrink=0.8)
    ax.set_title(title)
    ax.spines[:].set_visible(False)
    if note:  # e.g. the number of documents behind the cells
        fig.text(0.01, -0.02, note, fontsize=7, color="0.35", ha="left", va="top")
    return fig, matrix.reset_index()


def plot_keyness(table: pd.DataFrame, term: str = "term", effect: str = "log_ratio", n: int = 12,
                 labels: tuple[str, str] = ("A", "B"), note: str = ""):
    """Diverging bars of the most distinctive terms of two groups, by effect size; each bar
    is labelled with its counts in the two groups and its G2.

    Example
    -------
    >>> fig, data = plot_keyness(keyness, labels=("광주", "대구"))  # doctest: +SKIP
    """
    ranked = table.sort_values([effect, term], ascending=[False, True])
    data = pd.concat([ranked.head(n), ranked[ranked[effect] < 0].tail(n)]).drop_duplicates(term)
    data = data.sort_values(effect).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(6.2, 0.3 * len(data) + 1.4))
    colors = ["C0" if v > 0 else "C3" for v in data[effect]]
    ax.barh(range(len(data)), data[effect], color=colors)
    ax.set_yticks(range(len(data)), data[term])
    ax.axvline(0, color="black", lw=0.8)
    if {"count_a", "count_b", "g2"} <= set(data.columns):
        for y, (value, a, b, g2) in enumerate(zip(data[effect], data["count_a"], data["count_b"], data["g2"])):
            ax.annotate(f"{a}:{b}, G²={g2:.1f}", (value, y), xytext=(3 if value >= 0 else -3, 0),
                        textcoords="offset points", ha="left" if value >= 0 else "right", va="center", fontsize=7)
        ax.margins(x=0.35)
    ax.set_xlabel(f"로그 비 (+ {labels[0]} / − {labels[1]}); 막대 옆: 빈도 {labels[0]}:{labels[1]}, G²")
    ax.set_title(f"특징어: {labels[0]} 대 {labels[1]}")
    fig.tight_layout()
    if note:  # e.g. the number of documents in each group
        fig.text(0.01, -0.02, note, fontsize=7, color="0.35", ha="left", va="top")
    return fig, data


def plot_network(graph, seed: int, weight: str = "weight", community: str = "community", size: str = "count",
                 title: str = ""):
    """Draw a co-occurrence network with Korean labels, colouring communities.

    Kamada-Kawai spreads nodes more evenly than a spring layout (fewer overlapping
    labels); it starts from a seeded spring layout, so the figure is the same on every run.

    Example
    -------
    >>> fig, data = plot_network(G, seed=1)  # doctest: +SKIP
    """
    import networkx as nx

    nodes = sorted(graph.nodes)
    graph = graph.subgraph(nodes)
    start = nx.spring_layout(graph, seed=seed, weight=weight)
    position = nx.kamada_kawai_layout(graph, pos=start) if len(nodes) > 2 else start
    sizes = [graph.nodes[n].get(size, 1) for n in nodes]
    top = max(sizes) if sizes else 1
    colors = [f"C{int(graph.nodes[n].get(community, 0)) % 10}" for n in nodes]
    fig, ax = plt.subplots(figsize=(8, 7))
    widths = [0.4 + 2.5 * graph.edges[e].get(weight, 1) / max(
        (graph.edges[f].get(weight, 1) for f in graph.edges), default=1) for e in sorted(graph.edges)]
    nx.draw_networkx_edges(graph, position, edgelist=sorted(graph.edges), width=widths, alpha=0.35, ax=ax)
    nx.draw_networkx_nodes(graph, position, nodelist=nodes, node_size=[80 + 700 * s / top for s in sizes],
                           node_color=colors, alpha=0.85, ax=ax)
    labels = nx.draw_networkx_labels(graph, position, font_size=9, font_family=plt.rcParams["font.family"], ax=ax)
    for text in labels.values():
        text.set_bbox({"facecolor": "white", "alpha": 0.6, "edgecolor": "none", "pad": 0.5})
    ax.set_title(title)
    ax.axis("off")
    data = pd.DataFrame({"node": nodes, "x": [round(float(position[n][0]), 4) for n in nodes],
                         "y": [round(float(position[n][1]), 4) for n in nodes],
                         community: [graph.nodes[n].get(community, 0) for n in nodes], size: sizes})
    return fig, data


def plot_over_time(table: pd.DataFrame, time: str, facet: str, estimate: str = "mean", low: str = "ci_low",
                   high: str = "ci_high", ncols: int = 4, ylabel: str = "", facet_labels: dict | None = None):
    """An estimate over time with its interval as a band, one small panel per ``facet``.

    ``time`` may be years as text or numbers, or dates; panels share both axes so
    topics or frames can be compared at a glance.

    Example
    -------
    >>> fig, data = plot_over_time(by_year, time="year", facet="topic")  # doctest: +SKIP
    """
    data = table[[facet, time, estimate, low, high]].copy()
    data["_t"] = pd.to_numeric(data[time], errors="coerce")
    data = data.dropna(subset=["_t"]).sort_values([facet, "_t"]).reset_index(drop=True)
    facets = list(dict.fromkeys(data[facet]))
    ncols = max(1, min(ncols, len(facets)))
    nrows = -(-len(facets) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 1.9 * nrows), squeeze=False, sharex=True,
                             sharey=True)
    for i, (ax, value) in enumerate(zip(axes.flat, facets)):
        rows = data[data[facet] == value]
        ax.fill_between(rows["_t"], rows[low], rows[high], alpha=0.25, color=f"C{i % 10}", lw=0)
        ax.plot(rows["_t"], rows[estimate], marker="o", ms=3, color=f"C{i % 10}")
        ax.set_title((facet_labels or {}).get(value, str(value)), fontsize=10)
        ax.grid(alpha=0.3)
        ax.tick_params(labelbottom=True)
    for ax in list(axes.flat)[len(facets):]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel(ylabel)
    _caption(fig, table)
    return fig, data.drop(columns="_t")


def plot_effect_curve(predictions: pd.DataFrame, x: str, title: str = "", xlabel: str = "", ylabel: str = ""):
    """A continuous effect (e.g. of a smooth of time) with its band, from
    :meth:`analysis.effects.Effects.predict`; the caption names n and the interval.

    Example
    -------
    >>> fig, data = plot_effect_curve(fit.predict(grid), x="year", ylabel="1,000 토큰당")  # doctest: +SKIP
    """
    data = predictions[[x, "estimate", "low", "high"]].sort_values(x).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.fill_between(data[x], data["low"], data["high"], alpha=0.25, lw=0, color="C0")
    ax.plot(data[x], data["estimate"], color="C0")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    _caption(fig, predictions)
    return fig, data


def plot_contrasts(contrasts: pd.DataFrame, label: str, title: str = "", xlabel: str = "", reference: float = 0.0):
    """Point estimates with intervals, one row per ``label`` (differences or ratios between
    groups, coefficients); a dashed line at ``reference`` (0 for differences, 1 for ratios).

    Example
    -------
    >>> fig, data = plot_contrasts(table, label="term", reference=1.0)  # doctest: +SKIP
    """
    data = contrasts[[label, "estimate", "low", "high"]].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(5.5, 0.45 * len(data) + 1.4))
    y = np.arange(len(data))[::-1]
    ax.errorbar(data["estimate"], y, xerr=[data["estimate"] - data["low"], data["high"] - data["estimate"]],
                fmt="o", color="C0", capsize=3)
    ax.axvline(reference, color="0.5", ls="--", lw=1)
    ax.set_yticks(y, data[label].astype(str))
    ax.set(title=title, xlabel=xlabel)
    ax.grid(axis="x", alpha=0.3)
    _caption(fig, contrasts)
    return fig, data


_UNIT_NAMES = {"documents": "문서", "doc_id": "문서", "outlet": "언론사", "speaker": "발화자", "city": "도시",
               "sentences": "문장", "segments": "발화 구간"}


def describe_interval(method: str) -> str:
    """An ``interval`` table value in the figures' language (the tables keep English).

    Example
    -------
    >>> describe_interval("bootstrap over documents, percentile (95%)"), describe_interval("exact, no hit (95%)")
    ('문서 단위 부트스트랩 백분위 95%', '히트 없음: 정확한 상한 95%')
    """
    match = re.fullmatch(r"bootstrap over (?P<unit>.+), percentile \((?P<ci>[\d.]+%)\)", str(method))
    if match:
        return f"{_UNIT_NAMES.get(match['unit'], match['unit'])} 단위 부트스트랩 백분위 {match['ci']}"
    match = re.fullmatch(r"exact, no hit \((?P<ci>[\d.]+%)\)", str(method))
    if match:
        return f"히트 없음: 정확한 상한 {match['ci']}"
    return str(method)


def _caption(fig, table: pd.DataFrame, extra: str = "") -> None:
    """n (documents) and the interval's method under the figure, when the table says them."""
    parts = [extra] if extra else []
    if "n_documents" in table and len(table):
        low, high = int(table["n_documents"].min()), int(table["n_documents"].max())
        parts.append(f"n = {low:,} 문서" if low == high else f"n = {low:,}–{high:,} 문서 (집단별)")
    if "interval" in table and len(table):
        methods = list(dict.fromkeys(describe_interval(m) for m in table["interval"]))
        parts.append("구간: " + "; ".join(methods))
    fig.tight_layout()
    if parts:
        fig.text(0.01, -0.02, " · ".join(parts), fontsize=7, color="0.35", ha="left", va="top")
