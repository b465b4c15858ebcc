"""Every figure builder draws Korean labels with real glyphs and returns the data it drew."""

import warnings

import networkx as nx
import pandas as pd
import pytest

from analysis.report import plots
from analysis.report import save_figure, use_korean_style

TERMS = pd.DataFrame({"topic": [1, 1, 2, 2], "rank": [1, 2, 1, 2], "term": ["인공지능", "데이터", "일본", "추월하다"],
                      "weight": [0.3, 0.2, 0.25, 0.1]})
SWEEP = pd.DataFrame({"k": [2, 3, 4], "npmi": [0.1, 0.2, 0.15], "npmi_sd": [0.01, 0.02, 0.01], "stability": [1, 0.9, 0.7]})
PREVALENCE = pd.DataFrame({"topic": [1, 1, 2, 2], "speaker": ["이용섭", "권영진"] * 2, "mean": [0.6, 0.3, 0.4, 0.7],
                           "ci_low": [0.5, 0.2, 0.3, 0.6], "ci_high": [0.7, 0.4, 0.5, 0.8]})
HEAT = pd.DataFrame({"이용섭": [1.5, 0.0], "권영진": [0.2, 3.1]}, index=["japan_rivalry", "self_determination"])
KEYNESS = pd.DataFrame({"term": ["광주", "대구", "인공지능", "스마트시티"], "log_ratio": [2.0, -2.5, 1.0, -1.2]})


def _graph():
    g = nx.Graph()
    for a, b, w in [("인공지능", "광주", 3), ("광주", "일본", 2), ("대구", "스마트시티", 4)]:
        g.add_edge(a, b, weight=w)
    for i, n in enumerate(sorted(g.nodes)):
        g.nodes[n].update(count=i + 1, community=0 if n in ("대구", "스마트시티") else 1)
    return g


@pytest.mark.parametrize("build", [
    lambda: plots.plot_topic_terms(TERMS, n=2, ncols=2),
    lambda: plots.plot_metric_panels(SWEEP, "k", ["npmi", "stability"], err={"npmi": "npmi_sd"}),
    lambda: plots.plot_intervals(PREVALENCE, group="speaker", facet="topic"),
    lambda: plots.plot_heatmap(HEAT, cbar_label="1,000 토큰당", note="n = 5 문서"),
    lambda: plots.plot_keyness(KEYNESS, labels=("광주", "대구"), note="n = 3 대 2 문서"),
    lambda: plots.plot_network(_graph(), seed=3),
    lambda: plots.plot_over_time(PREVALENCE.assign(year=["2019", "2020"] * 2), time="year", facet="topic"),
], ids=["topic_terms", "metric_panels", "intervals", "heatmap", "keyness", "network", "over_time"])
def test_figure_builders_render_hangul_and_return_data(build, tmp_path):
    use_korean_style()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a warning: fail on it
        fig, data = build()
        paths = save_figure(fig, tmp_path / "figure", data=data)
    assert len(data) > 0
    assert all(p.stat().st_size > 0 for p in paths)


def test_heatmap_and_keyness_say_how_many_documents():
    for fig, _ in (plots.plot_heatmap(HEAT, note="n = 5 문서"), plots.plot_keyness(KEYNESS, note="n = 3 대 2 문서")):
        assert [t.get_text() for t in fig.texts] in (["n = 5 문서"], ["n = 3 대 2 문서"])
    assert plots.plot_heatmap(HEAT)[0].texts == []


def test_keyness_plot_shows_both_sides():
    _, data = plots.plot_keyness(KEYNESS, n=1)
    assert list(data.term) == ["대구", "광주"]


def test_figures_stay_bounded_with_many_groups():
    import numpy as np
    import pandas as pd

    groups = [f"g{i:03d}" for i in range(200)]
    table = pd.DataFrame({"topic": 1, "speaker": groups, "mean": 0.5, "ci_low": 0.4, "ci_high": 0.6,
                          "n_documents": np.arange(200)})
    fig, data = plots.plot_intervals(table, group="speaker", facet="topic", max_groups=30)
    assert data.speaker.nunique() == 30 and set(data.speaker) == set(groups[-30:])  # the largest groups
    assert fig.get_size_inches()[1] < 15
    heat = pd.DataFrame(np.ones((5, 200)), columns=groups)
    fig, data = plots.plot_heatmap(heat, title="t", max_columns=30)
    assert data.shape[1] == 31 and fig.get_size_inches()[0] < 40 and "나머지 170개" in fig.axes[0].get_title()
