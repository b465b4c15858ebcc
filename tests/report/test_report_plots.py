"""Every figure builder draws Korean labels with real glyphs and returns the data it drew."""

import warnings

import networkx as nx
import numpy as np
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
SENTENCES = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"] * 2 + ["c"] * 3, "sent_id": [1, 2, 3, 4, 1, 2, 1, 2, 3]})
HITS = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [1, 4, 2], "frame": ["japan_rivalry", "tech_future",
                                                                                 "japan_rivalry"]})
THOUGHTS = pd.DataFrame({"topic": [1, 1, 1, 2], "rank": [1, 2, 3, 1], "doc_id": ["a", "b", "c", "a"],
                         "para_id": [1, 2, 3, 4], "share": [0.9, 0.8, 0.7, 0.6],
                         "text": ["인공지능 중심도시를 만들겠다. " * 20, "$5 $6 데이터", "셋째", "일본을 뛰어넘자"]})
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
    lambda: plots.plot_dispersion(HITS, SENTENCES, facet_labels={"japan_rivalry": "일본 추월·극일"}),
    lambda: plots.plot_topic_correlations(np.array([[0.9, 0.1, 0.0], [0.1, 0.8, 0.1], [0.5, 0.0, 0.5]]),
                                          {1: "토픽 1: 인공지능·데이터"}),
    lambda: plots.plot_thoughts(THOUGHTS, {1: "토픽 1: 인공지능·데이터"}),
], ids=["topic_terms", "metric_panels", "intervals", "heatmap", "keyness", "network", "over_time", "dispersion",
        "topic_correlations", "thoughts"])
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


def _texts(fig):
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


def test_topic_terms_share_one_x_scale_with_a_label_and_named_panels():
    terms = pd.DataFrame({"topic": [1, 1, 2, 2], "rank": [1, 2, 1, 2], "term": ["인공지능", "데이터", "일본", "추월하다"],
                          "weight": [0.18, 0.05, 0.011, 0.004]})
    fig, _ = plots.plot_topic_terms(terms, n=2, ncols=2, labels={1: "토픽 1: 인공지능·데이터", 2: "토픽 2: 일본·추월"})
    first, second = fig.axes[:2]
    assert first.get_xlim() == second.get_xlim()  # one scale, so bars compare across topics
    fig.canvas.draw()
    ticks = [t.get_text() for t in first.get_xticklabels() if t.get_text()]
    assert ticks == ["0.0", "0.1", "0.2"]  # the same decimals on every tick
    assert first.get_xlabel() and "인공지능" in first.get_title() and "토픽 2" in second.get_title()


def test_metric_panels_label_axes_mark_k_show_seeds_and_say_what_is_missing():
    sweep = pd.DataFrame({"k": [2, 3], "npmi_doc": [0.1, 0.2], "npmi_doc_sd": [0.01, 0.02], "exclusivity": [9.1, 9.4],
                          "perplexity": [float("nan")] * 2})
    runs = pd.DataFrame({"k": [2, 2, 3, 3], "seed": [1, 2, 1, 2], "npmi_doc": [0.09, 0.11, 0.18, 0.22],
                         "exclusivity": [9.0, 9.2, 9.3, 9.5]})
    fig, data = plots.plot_metric_panels(sweep, "k", ["npmi_doc", "exclusivity", "perplexity"], err={"npmi_doc": "npmi_doc_sd"},
                                         mark=3, runs=runs)
    assert len(fig.axes) == 2 and all(ax.get_ylabel() for ax in fig.axes)
    assert "0~10" in fig.axes[1].get_ylabel()  # the exclusivity scale
    texts = _texts(fig)
    assert "선택한 K = 3" in texts and "시드별 값" in texts
    assert any("퍼플렉서티" in t and "없음" in t for t in texts)  # the absent panel is named
    assert {"npmi_doc_seed_1", "npmi_doc_seed_2"} <= set(data.columns)


def test_over_time_breaks_lines_at_years_without_data_and_ticks_whole_years():
    table = pd.DataFrame({"topic": 1, "year": ["2018", "2019", "2020", "2023"], "mean": [0.1, 0.2, 0.3, 0.2],
                          "ci_low": [0.05, 0.1, 0.2, 0.1], "ci_high": [0.2, 0.3, 0.4, 0.3], "n_documents": 2})
    fig, _ = plots.plot_over_time(table, time="year", facet="topic")
    ax = fig.axes[0]
    joined = [len(line.get_xdata()) for line in ax.lines if line.get_linestyle() == "-"]
    assert joined == [3]  # 2018-2020 joined by a line; 2023 a point on its own
    fig.canvas.draw()
    assert all(t.get_text().isdigit() for t in ax.get_xticklabels() if t.get_text())  # no 2018.25
    assert any("2021–2022" in t for t in _texts(fig))


def test_heatmap_tells_no_data_from_zero_and_gives_n():
    heat = pd.DataFrame({"이용섭\n인용": [1.5, 0.0], "강기정\n인용": [0.04, float("nan")]}, index=["일본 추월", "위기를 기회로"])
    fig, data = plots.plot_heatmap(heat, column_n={"이용섭\n인용": 3, "강기정\n인용": 1})
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert cells == ["1.5", "<0.1", "0", "–"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["이용섭\n인용\n(n=3)", "강기정\n인용\n(n=1)"]
    assert any("자료 없음" in t for t in _texts(fig))
    turned, data = plots.plot_heatmap(pd.DataFrame(np.ones((2, 14)), columns=[f"g{i}" for i in range(14)]),
                                      transpose_over=12, column_n={f"g{i}": i for i in range(14)})
    assert data.shape == (14, 3) and turned.axes[0].get_yticklabels()[2].get_text() == "g2 (n=2)"


def test_keyness_ranks_by_g2_and_marks_zero_counts():
    table = pd.DataFrame({"term": ["희귀", "흔함", "반대"], "count_a": [6, 155, 0], "count_b": [0, 1, 40],
                          "g2": [6.9, 112.0, 50.0], "log_ratio": [3.2, 2.9, -5.0]})
    fig, data = plots.plot_keyness(table, n=1)
    assert list(data.term) == ["반대", "흔함"]  # 155:1 outranks 6:0 though its ratio is smaller
    assert any("0.5" in t for t in _texts(fig))  # the caption explains the hatched bars


def test_cleaning_audit_names_rules_and_documents_in_korean():
    audit = pd.DataFrame({"doc_id": ["000", "000", "001"], "rule": ["photo_caption", "ui_token", "byline"]})
    fig, data = plots.plot_cleaning_audit(audit)
    assert fig.axes[0].get_ylabel() == "문서"
    assert set(data.columns) == {"doc_id", "사진 설명", "화면 요소", "기자·출처 표시"}


def test_png_is_300_dpi(tmp_path):
    from PIL import Image

    use_korean_style()
    fig, data = plots.plot_keyness(KEYNESS, labels=("광주", "대구"))
    png = [p for p in save_figure(fig, tmp_path / "k", data=data) if p.suffix == ".png"][0]
    with Image.open(png) as image:
        assert round(image.info["dpi"][0]) == 300


def test_stacked_counts_state_n_and_label_documents_by_speaker():
    counts = pd.DataFrame({"quote": [3, 0, 2], "narration": [1, 4, 0]}, index=pd.Index(["a", "b", "c"], name="문서"))
    fig, data = plots.plot_stacked_counts(counts, unit="문장", documents=pd.DataFrame({"doc_id": ["a", "b"],
                                                                                     "speaker": ["이용섭", None]}))
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["이용섭 · a", "b", "c"]
    assert [t.get_text() for t in fig.texts] == ["n = 3 문서 · 문장 10개"]
    assert data["문서"].tolist() == ["a", "b", "c"]  # the plotted data keeps the ids
    many = pd.DataFrame({"quote": range(40)}, index=pd.Index([f"d{i}" for i in range(40)], name="doc_id"))
    fig, data = plots.plot_stacked_counts(many, max_rows=10)
    assert len(data) == 10 and fig.texts[-1].get_text() == "n = 40 문서"  # n counts the rows summed into 나머지 too


def test_topic_terms_and_timeline_state_n():
    fig, _ = plots.plot_topic_terms(TERMS, n=2, ncols=2, note="n = 69 문단")
    assert [t.get_text() for t in fig.texts] == ["n = 69 문단"]
    docs = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "published": ["2020-01-02", "not a date", "2021-05-06", "2021-06-01"],
                         "speaker": ["이용섭", "이용섭", "", "권영진"]})
    fig, data = plots.plot_timeline(docs)
    assert data.doc_id.tolist() == ["a", "c", "d"] and data.speaker.tolist() == ["이용섭", "발화자 없음", "권영진"]
    assert [t.get_text() for t in fig.texts] == ["n = 3 문서 · 날짜 없는 1개는 빠짐"]
    fig, _ = plots.plot_timeline(docs.drop(columns="speaker").iloc[[0]])  # no speaker column at all
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["발화자 없음"]


def test_k_frontier_states_its_runs_and_keeps_the_chosen_label_off_its_ring():
    runs = pd.DataFrame({"k": [3, 3, 4, 4, 5, 5], "seed": [1, 2] * 3, "npmi_doc": [0.1, 0.12, 0.15, 0.14, 0.13, 0.12],
                         "exclusivity": [9.2, 9.3, 9.4, 9.45, 9.5, 9.55]})
    fig, data = plots.plot_k_frontier(runs, mark=4)
    assert len(data) == 6 and [t.get_text() for t in fig.texts] == ["n = 6 실행 (K 3개 × 시드 2개)"]
    offsets = {a.get_text(): a.xyann for a in fig.axes[0].texts}
    assert offsets["4"] == (9, 6) and offsets["3"] == (4, 3) and offsets["5"] == (4, 3)


def test_dispersion_places_each_hit_in_its_document_and_caps_the_rows():
    fig, data = plots.plot_dispersion(HITS, SENTENCES, documents=pd.DataFrame({"doc_id": ["a", "b"],
                                                                                "speaker": ["이용섭", "권영진"]}))
    assert data[["doc_id", "frame", "position"]].values.tolist() == [
        ["a", "japan_rivalry", 0.125], ["a", "tech_future", 0.875], ["b", "japan_rivalry", 0.75]]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["이용섭 · a", "권영진 · b"]  # c has no hit
    assert any("n = 3 문서 가운데 히트가 있는 문서 2개" in t.get_text() for t in fig.texts)
    many = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(100) for _ in range(2)], "sent_id": [1, 2] * 100})
    hits = many.assign(frame="tech_future").iloc[: 2 * 60]
    _, data = plots.plot_dispersion(hits, many, max_documents=40)
    assert data.doc_id.nunique() == 40


def test_topic_correlations_are_pearson_r_of_the_shares_without_the_diagonal():
    shares = np.array([[0.9, 0.1, 0.0], [0.1, 0.8, 0.1], [0.5, 0.0, 0.5], [0.2, 0.2, 0.6]])
    fig, data = plots.plot_topic_correlations(shares, unit="문서")
    r = np.corrcoef(shares, rowvar=False)
    assert len(data) == 6 and not (data.topic_a == data.topic_b).any()
    assert data.set_index(["topic_a", "topic_b"]).r[(1, 3)] == round(r[0, 2], 4)
    assert any("n = 4 문서" in t.get_text() for t in fig.texts)


def test_thoughts_figure_shows_the_top_passages_cut_and_literal():
    fig, data = plots.plot_thoughts(THOUGHTS, n=2, width=40, max_lines=2)
    assert data[["topic", "rank"]].values.tolist() == [[1, 1], [1, 2], [2, 1]]  # rank 3 left out
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[0] == "토픽 1" and any(t.endswith("…") for t in texts)  # a long passage is cut
    assert any("$5 $6 데이터" in t for t in texts)  # "$" stays literal text
