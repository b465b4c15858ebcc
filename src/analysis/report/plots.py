"""Figure builders: each returns ``(fig, data)``, the data being exactly what is drawn,
so :func:`analysis.report.save_figure` can store it beside the figure.
"""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, MaxNLocator, StrMethodFormatter

from analysis.report.labels import display_label, display_labels
from analysis.report.network import plot_network  # noqa: F401  (part of the builders' face)

# Short Korean labels for the voice of a sentence or hit, for axes with little room
# (from the one label table, analysis.report.labels).
VOICE_LABELS = display_labels("voice")
MAX_LABELLED = 30


def plot_timeline(documents: pd.DataFrame, date_col: str = "published", who_col: str = "speaker",
                  title: str = "발화자별 문서 타임라인"):
    """Documents by date, one row per speaker, each point labelled with its doc_id (up to
    ``MAX_LABELLED`` points). The caption gives n and how many documents have no date
    (not drawn); a document without a speaker is on the row 발화자 없음.

    Example
    -------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "published": ["2020-01-02", "", "2021-05-06"],
    ...                      "speaker": ["이용섭", "이용섭", None]})
    >>> fig, data = plot_timeline(docs)
    >>> data.speaker.tolist(), fig.texts[-1].get_text()
    (['이용섭', '발화자 없음'], 'n = 2 문서 · 날짜 없는 1개는 빠짐')
    """
    data = documents[["doc_id", date_col]].copy()
    data[who_col] = (documents[who_col].fillna("").astype(str).str.strip() if who_col in documents else "")
    data[who_col] = data[who_col].replace("", "발화자 없음")
    data[date_col] = pd.to_datetime(data[date_col], errors="coerce")
    undated = int(data[date_col].isna().sum())
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
    _caption(fig, data, f"n = {len(data):,} 문서" + (f" · 날짜 없는 {undated:,}개는 빠짐" if undated else ""))
    data[date_col] = data[date_col].dt.strftime("%Y-%m-%d")
    return fig, data


def plot_stacked_counts(counts: pd.DataFrame, title: str = "", xlabel: str = "", legend_title: str = "",
                        max_rows: int = 30, language: str = "ko", unit: str = "", documents: pd.DataFrame | None = None):
    """Horizontal stacked bars of a wide count table (rows = bars, columns = segments).

    Beyond ``max_rows`` rows the largest ``max_rows - 1`` are drawn and the rest summed
    into one bar, so the figure stays readable from 5 to 50,000 documents. The index's
    name labels the y axis through the label table (``doc_id`` reads 문서). The caption
    gives n: the rows and, named by ``unit`` (문장, 줄), the total counted. With
    ``documents`` (``doc_id``, ``speaker``), rows that are documents are labelled with
    their speaker, as in :func:`plot_dispersion`; the data keeps the ids.

    Example
    -------
    >>> table = pd.DataFrame({"quote": range(100), "narration": 5}, index=[f"d{i}" for i in range(100)])
    >>> fig, data = plot_stacked_counts(table, max_rows=10, unit="문장")
    >>> len(data), data.iloc[-1, 0], fig.texts[-1].get_text()
    (10, '나머지 91개', 'n = 100 행 · 문장 5,450개')
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
    if documents is not None:
        ax.set_yticks(range(len(data)), _name_documents(data.index, documents))
    ax.set_xlabel(xlabel)
    rows = display_label("column", data.index.name, language) if data.index.name else ""
    ax.set_ylabel(rows)
    ax.set_title(title)
    ax.legend(title=legend_title, bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    total = f" · {unit} {int(counts.to_numpy().sum()):,}개" if unit else ""
    _caption(fig, data, f"n = {len(counts):,} {rows or '행'}{total}")
    return fig, data.reset_index()


def _name_documents(doc_ids, documents: pd.DataFrame | None) -> list[str]:
    """``speaker · doc_id`` for each id (the id alone without a speaker; other rows as they are)."""
    speaker = {}
    if documents is not None and "speaker" in documents:
        speaker = dict(zip(documents["doc_id"].astype(str), documents["speaker"].fillna("").astype(str)))
    return [f"{speaker.get(str(d), '')} · {d}".strip(" ·") for d in doc_ids]


def plot_cleaning_audit(audit: pd.DataFrame, language: str = "ko"):
    """Lines removed per cleaning rule per document, as stacked horizontal bars; rules are
    named by the label table (사진 설명, not photo_caption).

    Example
    -------
    >>> fig, data = plot_cleaning_audit(corpus.audit)  # doctest: +SKIP
    """
    counts = audit.groupby(["doc_id", "rule"]).size().unstack(fill_value=0).sort_index()
    counts = counts.rename(columns=display_labels("cleaning_rule", language))
    counts.columns.name = None
    return plot_stacked_counts(counts, title=display_label("text", "removed_by_rule", language),
                               xlabel=display_label("text", "removed_lines", language),
                               legend_title=display_label("text", "rule", language), language=language,
                               unit=display_label("text", "removed_line", language))


def _nice_ticks(top: float, nbins: int = 3) -> tuple[list[float], str]:
    """Round ticks from 0 to the first at or above ``top``, and the one format that gives
    them all the same decimals."""
    top = float(top) if top and np.isfinite(top) and top > 0 else 1.0
    ticks = list(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]).tick_values(0, top))
    ticks = [t for t in ticks if t >= -1e-12]
    ticks = ticks[:next((i for i, t in enumerate(ticks) if t >= top * 0.9999), len(ticks) - 1) + 1]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else top
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if abs(step * 10 ** decimals - round(step * 10 ** decimals)) > 1e-6:  # 2.5, 0.25 ...
        decimals += 1
    return [round(t, decimals + 2) for t in ticks], f"{{x:.{decimals}f}}"


def _panel_titles(texts, width: int = 16) -> list[str]:
    """Facet titles, all on two lines when any is long: ``토픽 1: 기업·산업·기술`` puts the
    terms under the number (one rule for the whole figure, so the panels line up)."""
    texts = [str(t) for t in texts]
    wrap = any(len(t) > width and ": " in t for t in texts)
    return [t.replace(": ", "\n", 1) if wrap else t for t in texts]


def _bottom_of_columns(n_panels: int, ncols: int) -> list[int]:
    """Index of the lowest panel in each column (a partly empty last row leaves some above)."""
    return [max(i for i in range(col, n_panels, ncols)) for col in range(min(ncols, n_panels))]


def plot_topic_terms(terms: pd.DataFrame, n: int = 8, ncols: int = 3, labels: dict | None = None,
                     xlabel: str | None = None, language: str = "ko", note: str = ""):
    """Top terms of each topic as small multiples of horizontal bars on one shared x scale.

    ``terms`` is tidy: ``topic, rank, term, weight`` (as from ``analysis.topics.label_topics``).
    ``labels`` names the panels (e.g. :func:`analysis.report.name_topics` of the FREX
    terms); the x axis is the term's probability in the topic, the same scale and
    tick format in every panel. ``note`` (the n the model was fitted on) is the caption.

    Example
    -------
    >>> fig, data = plot_topic_terms(topic_terms, n=8, labels=name_topics(frex_terms))  # doctest: +SKIP
    """
    data = terms[terms["rank"] <= n].sort_values(["topic", "rank"]).reset_index(drop=True)
    topics = sorted(data.topic.unique())
    ncols = max(1, min(ncols, len(topics)))
    nrows = -(-len(topics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 0.28 * n * nrows + 1.0 * nrows), squeeze=False,
                             sharex=True)
    ticks, fmt = _nice_ticks(data.weight.max() if len(data) else 1.0)
    word = display_label("text", "topic", language)
    bottoms = _bottom_of_columns(len(topics), ncols)
    titles = _panel_titles([(labels or {}).get(topic, f"{word} {topic}") for topic in topics])
    for i, (ax, topic) in enumerate(zip(axes.flat, topics)):
        rows = data[data.topic == topic]
        ax.barh(range(len(rows)), rows.weight, color=f"C{(topic - 1) % 10}")
        ax.set_yticks(range(len(rows)), rows.term)
        ax.set_ylim(n - 0.5, -0.5)  # the same bar height in every panel
        ax.set_title(titles[i], fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="x", labelsize=8, labelbottom=i in bottoms)
        if i in bottoms:
            ax.set_xlabel(xlabel if xlabel is not None else display_label("text", "term_probability", language))
    axes.flat[0].set_xlim(0, max(ticks[-1], float(data.weight.max()) if len(data) else 0.0))
    axes.flat[0].xaxis.set_major_locator(FixedLocator(ticks))
    axes.flat[0].xaxis.set_major_formatter(StrMethodFormatter(fmt))
    for ax in list(axes.flat)[len(topics):]:
        ax.set_visible(False)
    _caption(fig, data, note)
    return fig, data


def plot_metric_panels(table: pd.DataFrame, x: str, metrics: list[str], err: dict | None = None,
                       titles: dict | None = None, mark=None, note: str = "", ylabels: dict | None = None,
                       runs: pd.DataFrame | None = None, xlabel: str | None = None, language: str = "ko"):
    """One small line panel per metric against ``x`` (e.g. a K sweep), with optional error bars.

    ``err`` maps a metric to the column holding its standard deviation (the spread
    across seeds); ``runs`` (one row per seed, e.g. ``sweep_k``'s) adds each seed's
    value as a grey dot; ``mark`` draws a dashed line at that ``x`` (the chosen K) and
    ``note`` is printed under the figure (the rule that chose it). Panel titles and
    y-axis labels (with the scale) come from the label table unless ``titles`` /
    ``ylabels`` say otherwise; a metric the engine does not have (NMF has no
    perplexity) gets no panel, and the caption says so.

    Example
    -------
    >>> fig, data = plot_metric_panels(summary, "k", ["npmi_doc", "exclusivity", "stability"], runs=runs, mark=10)  # doctest: +SKIP
    """
    requested = list(metrics)
    metrics = [m for m in requested if m in table and table[m].notna().any()]
    missing = [m for m in requested if m not in metrics]
    titles = {**display_labels("metric", language), **(titles or {})}
    ylabels = {**display_labels("metric_axis", language), **(ylabels or {})}
    data = table[[x] + metrics + [c for c in (err or {}).values() if c in table]].sort_values(x).reset_index(drop=True)
    if runs is not None and "seed" in runs:
        for metric in metrics:
            if metric in runs:
                wide = runs.pivot_table(index=x, columns="seed", values=metric, aggfunc="first")
                wide.columns = [f"{metric}_seed_{s}" for s in wide.columns]
                data = data.merge(wide.reset_index(), on=x, how="left")
    fig, axes = plt.subplots(1, len(metrics), figsize=(2.9 * len(metrics), 2.7), squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        seeds = [c for c in data.columns if c.startswith(f"{metric}_seed_")]
        for j, column in enumerate(seeds):
            ax.scatter(data[x], data[column], s=10, color="0.6", zorder=2,
                       label=display_label("text", "per_seed", language) if j == 0 else None)
        yerr = data[err[metric]] if err and metric in err and err[metric] in data else None
        ax.errorbar(data[x], data[metric], yerr=yerr, marker="o", ms=4, capsize=2, zorder=3,
                    label=display_label("text", "mean_sd", language))
        ax.set_title(titles.get(metric, metric), fontsize=10)
        ax.set_ylabel(ylabels.get(metric, ""), fontsize=8)
        ax.set_xlabel(xlabel if xlabel is not None else display_label("column", x, language))
        ax.set_xticks(sorted(data[x].unique()))
        ax.grid(alpha=0.3)
        if mark is not None:
            ax.axvline(mark, color="C3", ls="--", lw=1, label=display_label("text", "chosen_k", language).format(k=mark))
    fig.tight_layout()
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(handles), frameon=False,
               fontsize=8)
    parts = [note] if note else []
    if missing:
        parts.append(display_label("text", "not_shown", language).format(
            metrics=", ".join(titles.get(m, m) for m in missing)))
    if parts:
        fig.text(0.01, -0.02, " · ".join(parts), fontsize=7, color="0.35", ha="left", va="top")
    return fig, data


def plot_k_frontier(runs: pd.DataFrame, coherence: str = "npmi_doc", exclusivity: str = "exclusivity", mark=None,
                    title: str = "일관성과 배타성 (K별, 시드별)", language: str = "ko"):
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
    # Neighbouring K often sit close on the frontier: alternate labels above and below;
    # the chosen K's label sits outside its ring.
    for i, (k, row) in enumerate(means.iterrows()):
        offset = (9, 6) if k == mark else (4, 3 if i % 2 == 0 else -10)
        ax.annotate(str(k), (row[exclusivity], row[coherence]), xytext=offset, textcoords="offset points", fontsize=8)
    if mark is not None and mark in means.index:
        ax.scatter([means.at[mark, exclusivity]], [means.at[mark, coherence]], s=160, facecolors="none",
                   edgecolors="C3", lw=1.5, label=display_label("text", "chosen_k", language).format(k=mark))
    ax.set(xlabel=f"{display_label('metric', exclusivity, language)}: {display_label('metric_axis', exclusivity, language)}",
           ylabel=display_label("metric_axis", coherence, language), title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    _caption(fig, data, f"n = {len(data):,} 실행 (K {len(means)}개 × 시드 {data['seed'].nunique()}개)")
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
    titles = _panel_titles([(facet_labels or {}).get(value, str(value)) for value in facets])
    for ax, value, name in zip(axes.flat, facets, titles):
        rows = data[data[facet] == value]
        y = rows[group].astype(str).map(position)
        ax.errorbar(rows[estimate], y, xerr=[rows[estimate] - rows[low], rows[high] - rows[estimate]],
                    fmt="o", ms=4, capsize=2)
        ax.set_yticks(range(len(groups)), groups)
        ax.set_ylim(len(groups) - 0.5, -0.5)
        ax.set_title(name, fontsize=10)
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


def plot_topic_correlations(doc_topic: np.ndarray, names: dict | None = None, unit: str = "문서"):
    """How topics go together (stm's ``topicCorr``): the Pearson correlation of every pair
    of topics' shares across the units, as an annotated heatmap (red: found together,
    blue: apart; the diagonal is left blank). ``names`` maps topic number (from 1) to
    its name; ``unit`` names the units in the caption's n.

    Example
    -------
    >>> fig, data = plot_topic_correlations(model.doc_topic_[~model.empty_], names)  # doctest: +SKIP
    """
    shares = np.asarray(doc_topic, dtype=float)
    k = shares.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(shares, rowvar=False) if len(shares) > 1 else np.full((k, k), np.nan)
    topics = list(range(1, k + 1))
    data = pd.DataFrame([(a, b, round(float(corr[a - 1, b - 1]), 4)) for a in topics for b in topics if a != b],
                        columns=["topic_a", "topic_b", "r"])
    shown = corr.copy()
    np.fill_diagonal(shown, np.nan)
    fig, ax = plt.subplots(figsize=(0.62 * k + 3.6, 0.5 * k + 1.4))
    image = ax.imshow(shown, cmap="RdBu_r", vmin=-1, vmax=1)
    for a in range(k):
        for b in range(k):
            if a != b and np.isfinite(shown[a, b]):
                ax.text(b, a, f"{shown[a, b]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if abs(shown[a, b]) > 0.6 else "black")
    ax.set_xticks(range(k), [str(t) for t in topics])
    ax.set_yticks(range(k), [(names or {}).get(t, f"토픽 {t}") for t in topics], fontsize=8)
    ax.set_xlabel("토픽")
    ax.set_title("토픽 사이 상관 (단위별 토픽 비중의 피어슨 r)")
    fig.colorbar(image, ax=ax, label="r", shrink=0.8)
    ax.spines[:].set_visible(False)
    fig.tight_layout()
    fig.text(0.01, -0.02, f"n = {len(shares):,} {unit} (토픽 단어가 있는 단위)", fontsize=7, color="0.35",
             ha="left", va="top")
    return fig, data


def plot_thoughts(thoughts: pd.DataFrame, names: dict | None = None, n: int = 2, width: int = 46,
                  max_lines: int = 3):
    """stm's ``findThoughts`` as a figure: for each topic, its ``n`` most representative
    passages (the units that load highest on it), each with its document and share,
    wrapped to ``width`` characters and cut after ``max_lines`` lines.

    Example
    -------
    >>> fig, data = plot_thoughts(find_thoughts(model, units, text_col="text", n=2), names)  # doctest: +SKIP
    """
    import textwrap

    data = thoughts[thoughts["rank"] <= n].sort_values(["topic", "rank"]).reset_index(drop=True)
    topics = list(dict.fromkeys(data["topic"]))
    blocks = []
    for topic in topics:
        lines = [(names or {}).get(topic, f"토픽 {topic}")]
        for row in data[data["topic"] == topic].itertuples():
            wrapped = textwrap.wrap(" ".join(str(row.text).split()), width) or [""]
            if len(wrapped) > max_lines:
                wrapped = wrapped[:max_lines - 1] + [wrapped[max_lines - 1][: width - 1] + "…"]
            where = f"{row.doc_id}" + (f" ¶{row.para_id}" if "para_id" in data and pd.notna(row.para_id) else "")
            lines += [f"  {row.rank}. [{where}, 비중 {row.share:.2f}] " + wrapped[0]]
            lines += [f"     {line}" for line in wrapped[1:]]
        blocks.append(lines)
    height = 0.2 * sum(len(b) + 1 for b in blocks) + 0.6
    fig, ax = plt.subplots(figsize=(7.2, height))
    ax.axis("off")
    y = 1.0
    step = 1.0 / max(1, sum(len(b) + 1 for b in blocks))
    for lines in blocks:
        ax.text(0, y, lines[0], fontsize=10, fontweight="bold", va="top", transform=ax.transAxes)
        y -= step
        for line in lines[1:]:  # corpus text: a "$" must not start mathtext
            ax.text(0, y, line, fontsize=8, va="top", transform=ax.transAxes, parse_math=False)
            y -= step
        y -= step
    ax.set_title("토픽별 대표 구절", loc="left")
    fig.text(0.01, 0.0, f"토픽마다 비중이 가장 높은 단위 {n}개; 대괄호: 문서 (¶ 문단), 그 토픽의 비중",
             fontsize=7, color="0.35", ha="left", va="top")
    return fig, data


def plot_correspondence(coords: pd.DataFrame, inertia, group_name: str = "집단", note: str = ""):
    """The correspondence-analysis map of :func:`analysis.textstats.compute_correspondence`
    (KH Coder's biplot): terms as grey points, groups as coloured squares, each label
    beside its point with no two labels overlapping; axes give each dimension's share
    of the inertia.

    Example
    -------
    >>> fig, data = plot_correspondence(coords, inertia, group_name="발화자")  # doctest: +SKIP
    """
    from analysis.report.placement import place_labels

    data = coords.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 6.2))
    terms, groups = data[data["kind"] == "term"], data[data["kind"] == "group"]
    sizes = 12 + 60 * np.sqrt(terms["count"] / max(1, terms["count"].max()))
    ax.scatter(terms["dim1"], terms["dim2"], s=sizes, color="0.6", alpha=0.8, zorder=2)
    ax.scatter(groups["dim1"], groups["dim2"], s=70, marker="s", color="C3", zorder=3)
    ax.axhline(0, color="0.85", lw=0.8, zorder=1)
    ax.axvline(0, color="0.85", lw=0.8, zorder=1)
    span = np.abs(data[["dim1", "dim2"]].to_numpy()).max() if len(data) else 1.0
    ax.set_xlim(-1.25 * span, 1.25 * span)
    ax.set_ylim(-1.25 * span, 1.25 * span)
    ax.set_aspect("equal")
    shares = list(inertia) + [0.0, 0.0]
    ax.set_xlabel(f"차원 1 (관성의 {shares[0]:.1%})")
    ax.set_ylabel(f"차원 2 (관성의 {shares[1]:.1%})")
    ax.set_title(f"대응분석: 단어와 {group_name}")
    texts = [ax.text(x, y, label, fontsize=11 if kind == "group" else 8, ha="center", va="center",
                     color="C3" if kind == "group" else "0.2", fontweight="bold" if kind == "group" else "normal",
                     zorder=4)
             for x, y, label, kind in zip(data["dim1"], data["dim2"], data["label"], data["kind"])]
    fig.tight_layout()
    fig.canvas.draw()
    centres = ax.transData.transform(data[["dim1", "dim2"]].to_numpy(float))
    radii = np.where(data["kind"] == "group", 6.0, 4.0)
    order = list(data.sort_values(["kind", "count"], ascending=[True, False], kind="stable").index)  # groups first
    far = place_labels(ax, texts, centres, radii, order, obstacles=[ax.title.get_window_extent()])
    for (x, y), text, moved in zip(data[["dim1", "dim2"]].to_numpy(float), texts, far):
        if moved:  # a label pushed away from its point keeps a thin line to it
            ax.plot([x, text.get_position()[0]], [y, text.get_position()[1]], color="0.75", lw=0.5, zorder=1)
    parts = [note] if note else []
    parts.append(f"단어 {len(terms)}개 (빈도 순), {group_name} {len(groups)}개; 가까울수록 함께 쓰임")
    fig.text(0.01, -0.02, " · ".join(parts), fontsize=7, color="0.35", ha="left", va="top")
    return fig, data


def plot_dispersion(hits: pd.DataFrame, sentences: pd.DataFrame, facet: str = "frame",
                    facet_labels: dict | None = None, documents: pd.DataFrame | None = None,
                    max_documents: int = 40):
    """Where in each document the hits fall (quanteda's ``textplot_xray``): one panel per
    ``facet``, one row per document, a tick at each hit's relative position (its
    sentence's place among the document's sentences, 0 = start, 1 = end).

    Documents without a hit are left out (the caption says how many there are); beyond
    ``max_documents`` those with the most hits are drawn. With ``documents`` (``doc_id``
    and ``speaker``), rows are labelled with the speaker too.

    Example
    -------
    >>> fig, data = plot_dispersion(hits, sentences, facet_labels=frames.labels)  # doctest: +SKIP
    """
    n_sentences = sentences.groupby("doc_id")["sent_id"].max()
    data = hits[["doc_id", facet, "sent_id"]].drop_duplicates().copy()
    data["position"] = ((data["sent_id"] - 0.5) / data["doc_id"].map(n_sentences)).round(4)
    counts = data["doc_id"].value_counts()
    order = [d for d in dict.fromkeys(sentences["doc_id"]) if d in counts.index]
    if len(order) > max_documents:
        kept = set(counts.sort_index().sort_values(ascending=False, kind="stable").index[:max_documents])
        order = [d for d in order if d in kept]
        data = data[data["doc_id"].isin(kept)]
    data = data.sort_values(["doc_id", facet, "sent_id"]).reset_index(drop=True)
    names = _name_documents(order, documents)
    facets = list(dict.fromkeys(facet_labels or {})) or sorted(data[facet].unique())
    facets = [f for f in facets if f in set(data[facet])] or sorted(data[facet].unique())
    row = {d: i for i, d in enumerate(order)}
    fig, axes = plt.subplots(1, max(1, len(facets)), figsize=(2.2 * max(1, len(facets)) + 1.6,
                                                                0.28 * len(order) + 1.4), sharey=True, squeeze=False)
    for ax, value in zip(axes.flat, facets):
        rows = data[data[facet] == value]
        ax.scatter(rows["position"], rows["doc_id"].map(row), marker="|", s=120, linewidths=1.2, color="C0")
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1], ["처음", "중간", "끝"])
        first, _, last = ax.get_xticklabels()  # pulled inwards: neighbouring panels' labels do not meet
        first.set_horizontalalignment("left")
        last.set_horizontalalignment("right")
        ax.set_title((facet_labels or {}).get(value, str(value)), fontsize=9)
        ax.grid(axis="y", alpha=0.2)
    axes.flat[0].set_yticks(range(len(order)), names, fontsize=7)
    axes.flat[0].set_ylim(len(order) - 0.5, -0.5)
    fig.supxlabel("문서 안 위치 (문장 순서)", fontsize=9)
    shown = f"히트가 있는 문서 {len(order)}개" + (f" (히트가 많은 순 {max_documents}개까지)"
                                                if counts.size > max_documents else "")
    _caption(fig, data, f"n = {n_sentences.size:,} 문서 가운데 {shown}")
    return fig, data


def _with_n(label, counts, sep: str) -> str:
    """``label`` with its n (``counts[label]``) after ``sep``; a label drawn on one line
    (``sep`` a space) has its own line breaks turned to spaces."""
    shown = str(label) if sep == "\n" else str(label).replace("\n", " ")
    if counts is None or label not in counts or pd.isna(counts[label]):
        return shown
    return f"{shown}{sep}(n={int(counts[label]):,})"


def _cell_text(value: float, fmt: str) -> str:
    """A heatmap cell: 0 for a true zero, <0.1 for a positive value that would print as 0.0."""
    if value == 0:
        return "0"
    text = fmt.format(value)
    if value > 0 and text == fmt.format(0.0):
        decimals = re.search(r"\.(\d+)f", fmt)
        return f"<{10 ** -int(decimals.group(1)):g}" if decimals else text
    return text


def plot_heatmap(matrix: pd.DataFrame, title: str = "", fmt: str = "{:.1f}", cmap: str = "YlOrRd",
                 cbar_label: str = "", rotation: int = 30, max_columns: int = 30, note: str = "",
                 column_n: dict | pd.Series | None = None, row_n: dict | pd.Series | None = None,
                 transpose_over: int | None = None, language: str = "ko"):
    """An annotated heatmap of a wide table (rows x columns), e.g. frames by speaker.

    A cell with no data (NaN: the group has no text of that kind) is hatched grey and
    marked –, so it never passes for a zero; a true zero reads 0. ``column_n`` /
    ``row_n`` map a column / row label to its n (documents), printed under the label.
    Beyond ``max_columns`` columns, those with the largest totals are drawn and the title
    says how many; with ``transpose_over``, a table wider than that many columns (and
    wider than tall) is drawn turned, groups as rows, so their labels stay horizontal.
    The returned data is what is drawn.

    Example
    -------
    >>> fig, data = plot_heatmap(per_1000.pivot(index="frame", columns="speaker", values="per_1k"),
    ...                          column_n=documents.speaker.value_counts())  # doctest: +SKIP
    """
    if matrix.shape[1] > max_columns:
        totals = matrix.sum(axis=0).sort_values(ascending=False, kind="stable")
        hidden = matrix.shape[1] - max_columns
        matrix = matrix[[c for c in matrix.columns if c in set(totals.index[:max_columns])]]
        title = f"{title} (합계 상위 {max_columns}개, 나머지 {hidden}개는 표에)"
    column_n = dict(column_n) if column_n is not None else None
    row_n = dict(row_n) if row_n is not None else None
    if transpose_over and matrix.shape[1] > transpose_over and matrix.shape[0] < matrix.shape[1]:
        matrix, column_n, row_n = matrix.T, row_n, column_n
        rotation = rotation or 30  # the former row labels are long
    values = matrix.to_numpy(dtype=float)
    # Cells narrow as columns grow, so 30 columns fit a 16-inch page (not 35 inches);
    # their numbers and labels shrink with them.
    n_rows, n_cols = matrix.shape
    cell = 1.1 if n_cols <= 12 else max(0.45, 13.4 / n_cols)
    row_height = 0.5 if n_rows <= 12 else 0.36
    fig, ax = plt.subplots(figsize=(cell * n_cols + 2.6, row_height * n_rows + 1.6))
    palette = plt.get_cmap(cmap).with_extremes(bad="white")
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
    image = ax.imshow(np.ma.masked_invalid(values), cmap=palette, aspect="auto", vmin=0, vmax=top or 1.0)
    ax.set_xticks(range(n_cols), [_with_n(c, column_n, "\n") for c in matrix.columns],
                  rotation=rotation if cell >= 1 else 60, ha="right" if rotation or cell < 1 else "center",
                  fontsize=None if cell >= 1 else 7)
    ax.set_yticks(range(n_rows), [_with_n(i, row_n, " ") for i in matrix.index])
    small = 8 if cell >= 0.8 else 6
    for i in range(n_rows):
        for j in range(n_cols):
            value = values[i, j]
            if not np.isfinite(value):
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="0.75", lw=0))
                ax.text(j, i, "–", ha="center", va="center", fontsize=small, color="0.45")
                continue
            ax.text(j, i, _cell_text(value, fmt), ha="center", va="center", fontsize=small,
                    color="white" if top and value > 0.6 * top else "black")
    fig.colorbar(image, ax=ax, label=cbar_label, shrink=0.8)
    ax.set_title(title)
    ax.spines[:].set_visible(False)
    parts = [note] if note else []
    if column_n or row_n:
        parts.append(display_label("text", "n_documents", language))
    if not np.isfinite(values).all():
        parts.append(display_label("text", "no_data", language))
    if parts:  # e.g. the number of documents behind the cells
        fig.text(0.01, -0.02, " · ".join(parts), fontsize=7, color="0.35", ha="left", va="top")
    return fig, matrix.reset_index()


def plot_keyness(table: pd.DataFrame, term: str = "term", effect: str = "log_ratio", n: int = 12,
                 labels: tuple[str, str] = ("A", "B"), note: str = "", rank_by: str = "g2", language: str = "ko"):
    """Diverging bars of the most distinctive terms of two groups; each bar is labelled with
    its counts in the two groups and its G2.

    The ``n`` terms of each side are those with the highest ``rank_by`` (G2, so a term
    seen 155 times outranks one seen 6 times at the same ratio; the effect when the
    table has no G2); bar length is ``effect``. A term with a zero count on one side has
    a log ratio set by the 0.5 that replaces the zero, a lower bound: its bar is hatched
    and the caption says so.

    Example
    -------
    >>> fig, data = plot_keyness(keyness, labels=("광주", "대구"))  # doctest: +SKIP
    """
    score = rank_by if rank_by in table else effect
    order = [score, term]
    positive = table[table[effect] > 0].sort_values(order, ascending=[False, True], kind="stable").head(n)
    negative = table[table[effect] < 0].sort_values(order, ascending=[score == effect, True], kind="stable").head(n)
    data = pd.concat([positive, negative]).drop_duplicates(term)
    data = data.sort_values([effect, term]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(6.2, 0.3 * len(data) + 1.4))
    counted = {"count_a", "count_b"} <= set(data.columns)
    floor = ((data["count_a"] == 0) | (data["count_b"] == 0)).to_numpy() if counted else np.zeros(len(data), bool)
    for y, (value, at_floor) in enumerate(zip(data[effect], floor)):
        color = "C0" if value > 0 else "C3"
        ax.barh(y, value, color=color, alpha=0.55 if at_floor else 1.0, hatch="////" if at_floor else None,
                edgecolor=color, lw=0.6 if at_floor else 0)
    ax.set_yticks(range(len(data)), data[term])
    ax.axvline(0, color="black", lw=0.8)
    if counted and "g2" in data:
        for y, (value, a, b, g2) in enumerate(zip(data[effect], data["count_a"], data["count_b"], data["g2"])):
            ax.annotate(f"{a:,}:{b:,} · G²={g2:.1f}", (value, y), xytext=(3 if value >= 0 else -3, 0),
                        textcoords="offset points", ha="left" if value >= 0 else "right", va="center", fontsize=7)
        ax.margins(x=0.38)
    a, b = labels
    ax.set_xlabel(display_label("text", "keyness_x", language).format(a=a, b=b))
    ax.set_title(display_label("text", "keyness_title", language).format(a=a, b=b))
    fig.tight_layout()
    parts = [note] if note else []
    if floor.any():
        parts.append(display_label("text", "floor", language))
    if parts:  # e.g. the number of documents in each group
        fig.text(0.01, -0.02, " · ".join(parts), fontsize=7, color="0.35", ha="left", va="top")
    return fig, data


def _ranges(values: list[int]) -> str:
    """2019, 2020, 2021, 2023 -> '2019–2021, 2023'."""
    parts, run = [], []
    for v in values:
        if run and v != run[-1] + 1:
            parts.append(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        run.append(v)
    if run:
        parts.append(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(parts)


def plot_over_time(table: pd.DataFrame, time: str, facet: str, estimate: str = "mean", low: str = "ci_low",
                   high: str = "ci_high", ncols: int = 4, ylabel: str = "", facet_labels: dict | None = None,
                   language: str = "ko"):
    """An estimate over time with its interval as a band, one small panel per ``facet``.

    ``time`` holds years (as text or numbers) or other numbers; panels share both axes
    so topics or frames can be compared at a glance. Lines join only neighbouring time
    points: where a year (the smallest step between time points) has no data the line
    and band break, a lone point is drawn with its interval, and the caption names the
    years without data. Whole-number times get whole-number ticks (no 2018.25).

    Example
    -------
    >>> fig, data = plot_over_time(by_year, time="year", facet="topic")  # doctest: +SKIP
    """
    data = table[[facet, time, estimate, low, high]].copy()
    data["_t"] = pd.to_numeric(data[time], errors="coerce")
    data = data.dropna(subset=["_t"]).sort_values([facet, "_t"]).reset_index(drop=True)
    facets = list(dict.fromkeys(data[facet]))
    times = np.unique(data["_t"].to_numpy(dtype=float))
    step = float(np.diff(times).min()) if len(times) > 1 else 1.0
    whole = bool(len(times)) and bool(np.allclose(times, np.round(times)))
    ncols = max(1, min(ncols, len(facets)))
    nrows = -(-len(facets) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 1.9 * nrows), squeeze=False, sharex=True,
                             sharey=True)
    titles = _panel_titles([(facet_labels or {}).get(value, str(value)) for value in facets])
    for i, (ax, value) in enumerate(zip(axes.flat, facets)):
        rows = data[data[facet] == value]
        colour = f"C{i % 10}"
        t = rows["_t"].to_numpy(dtype=float)
        breaks = np.flatnonzero(np.diff(t) > step * 1.5) + 1
        for piece in np.split(np.arange(len(rows)), breaks):
            part = rows.iloc[piece]
            if len(part) > 1:
                ax.fill_between(part["_t"], part[low], part[high], alpha=0.25, color=colour, lw=0)
                ax.plot(part["_t"], part[estimate], marker="o", ms=3, color=colour)
            else:
                ax.errorbar(part["_t"], part[estimate], yerr=[part[estimate] - part[low], part[high] - part[estimate]],
                            fmt="o", ms=3, color=colour, elinewidth=1, capsize=0)
        ax.set_title(titles[i], fontsize=10)
        ax.grid(alpha=0.3)
        ax.tick_params(labelbottom=True)
        if whole:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))
    for ax in list(axes.flat)[len(facets):]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel(ylabel)
    gaps = ""
    if len(times) > 1:
        grid = np.arange(times[0], times[-1] + step / 2, step)
        missing = [g for g in grid if not np.isclose(times, g).any()]
        if missing:
            unit = display_label("text", "year" if time == "year" or whole else "time_point", language)
            listed = _ranges([int(round(g)) for g in missing]) if whole and step == 1 else ", ".join(f"{g:g}" for g in missing)
            gaps = display_label("text", "gap_years", language).format(unit=unit, values=listed)
    _caption(fig, table, gaps)
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


# The resampled unit as ``estimate_*`` names it -> a column of the label table.
_UNIT_COLUMNS = {"documents": "doc_id", "sentences": "sent_id", "segments": "segment"}


def describe_interval(method: str) -> str:
    """An ``interval`` table value in the figures' language (the tables keep English).

    Example
    -------
    >>> describe_interval("bootstrap over documents, percentile (95%)"), describe_interval("exact, no hit (95%)")
    ('문서 단위 부트스트랩 백분위 95%', '히트 없음: 정확한 상한 95%')
    """
    match = re.fullmatch(r"bootstrap over (?P<unit>.+), percentile \((?P<ci>[\d.]+%)\)", str(method))
    if match:
        unit = display_label("column", _UNIT_COLUMNS.get(match["unit"], match["unit"]))
        return f"{unit} 단위 부트스트랩 백분위 {match['ci']}"
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
