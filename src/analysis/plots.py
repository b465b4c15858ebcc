"""Figure builders: each returns ``(fig, data)``, the data being exactly what is drawn,
so :func:`analysis.report.save_figure` can store it beside the figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd


def plot_timeline(documents: pd.DataFrame, date_col: str = "published", who_col: str = "speaker"):
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
    for (_, row), yi in zip(data.iterrows(), y):
        previous = last_seen.get(row[who_col])
        flip = previous is not None and row[date_col] - previous[0] <= close and previous[1] > 0
        offset = -14 if flip else 7
        last_seen[row[who_col]] = (row[date_col], offset)
        ax.annotate(row["doc_id"], (row[date_col], yi), xytext=(0, offset), textcoords="offset points",
                    ha="center", fontsize=8)
    ax.set_yticks(range(len(speakers)), speakers)
    ax.set_ylim(-0.6, len(speakers) - 0.3)
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("보도일")
    ax.set_title("시장 발언 기사 타임라인")
    data[date_col] = data[date_col].dt.strftime("%Y-%m-%d")
    return fig, data


def plot_cleaning_audit(audit: pd.DataFrame):
    """Lines removed per cleaning rule per document, as stacked horizontal bars.

    Example
    -------
    >>> fig, data = plot_cleaning_audit(corpus.audit)  # doctest: +SKIP
    """
    data = audit.groupby(["doc_id", "rule"]).size().unstack(fill_value=0).sort_index()
    data = data[sorted(data.columns)]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(data) + 1.5))
    data.plot.barh(stacked=True, ax=ax, width=0.7, colormap="tab20")
    ax.invert_yaxis()
    ax.set_xlabel("제거된 줄 수")
    ax.set_ylabel("doc_id")
    ax.set_title("정제 규칙별 제거된 줄")
    ax.legend(title="규칙", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    return fig, data.reset_index()
