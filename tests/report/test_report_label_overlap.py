"""No two text labels overlap in the figures that have many labels (network, keyness, CA map).

Each figure is drawn on a realistic input (a co-occurrence network of 50 nouns from
2,000 sentences, a keyness table of 400 terms), the window extents of its labels are
collected after drawing, and no two of them may intersect.
"""

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.report import plots, use_korean_style
from analysis.textstats import build_cooccurrence_network, compute_keyness

SYLLABLES = list("가나다라마바사아자차카타파하국민정부경제세계사회평화협력발전기술산업문화역사시대지역도시미래혁신")


def _words(n: int, rng) -> list[str]:
    """``n`` distinct Korean-looking nouns of 2 to 5 syllables."""
    words: list[str] = []
    while len(words) < n:
        word = "".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 6))))
        if word not in words:
            words.append(word)
    return words


def _morphemes(seed: int = 7, n_sentences: int = 2000, vocabulary: int = 120) -> pd.DataFrame:
    """Sentences of Zipf-distributed nouns in a few themes: the shape of real text."""
    rng = np.random.default_rng(seed)
    words = _words(vocabulary, rng)
    themes = np.array_split(np.arange(vocabulary), 5)
    rows = []
    for sent in range(n_sentences):
        theme = themes[sent % len(themes)]
        size = int(rng.integers(3, 9))
        # Half the words from the sentence's theme, half from the whole vocabulary, both Zipf-like.
        picks = [theme[min(int(rng.zipf(1.6)) - 1, len(theme) - 1)] for _ in range(size // 2)]
        picks += [min(int(rng.zipf(1.4)) - 1, vocabulary - 1) for _ in range(size - size // 2)]
        rows += [{"doc_id": f"d{sent // 20:03d}", "para_id": 1, "sent_id": sent, "tag": "NNG", "lemma": words[i]}
                 for i in picks]
    return pd.DataFrame(rows)


def _label_boxes(fig, texts):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_visible() and t.get_text().strip()]


def _overlapping(boxes):
    """Pairs of labels whose boxes intersect (touching edges allowed)."""
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
            if box_a.x0 < box_b.x1 - 0.5 and box_b.x0 < box_a.x1 - 0.5
            and box_a.y0 < box_b.y1 - 0.5 and box_b.y0 < box_a.y1 - 0.5]


@pytest.fixture(scope="module")
def graph():
    return build_cooccurrence_network(_morphemes(), top_n=50, min_count=2, min_edge_count=2, stopwords=(), seed=3)


@pytest.mark.parametrize("weight", ["jaccard", "count"])
def test_network_labels_do_not_overlap(graph, weight):
    use_korean_style()
    assert graph.number_of_nodes() == 50 and graph.number_of_edges() > 300  # a would-be hairball
    fig, data = plots.plot_network(graph, seed=3, weight=weight, title="핵심 명사 공기 네트워크")
    ax = fig.axes[0]
    node_labels = list(ax.texts)
    assert sorted(t.get_text() for t in node_labels) == sorted(graph.nodes)
    legend_texts = [t for legend in ax.artists for t in [legend.get_title(), *legend.get_texts()]]
    boxes = _label_boxes(fig, node_labels + legend_texts + [ax.title])
    assert _overlapping(boxes) == []
    assert (data["kind"] == "edge").sum() < graph.number_of_edges()  # pruned, and the caption says so
    assert "전체" in fig.texts[0].get_text()


def test_keyness_labels_do_not_overlap():
    use_korean_style()
    rng = np.random.default_rng(11)
    words = _words(400, rng)
    a = pd.Series(rng.zipf(1.5, size=400).clip(max=400) * rng.integers(0, 3, size=400), index=words)
    b = pd.Series(rng.zipf(1.5, size=400).clip(max=400) * rng.integers(0, 3, size=400), index=words)
    table = compute_keyness(a, b, min_count=3, names=("문재인", "박정희"))
    fig, data = plots.plot_keyness(table[table.q_value < 0.05], n=20, labels=("문재인", "박정희"), note="n = 48 대 44 문서")
    assert len(data) >= 30
    ax = fig.axes[0]
    boxes = _label_boxes(fig, list(ax.get_yticklabels()) + list(ax.texts) + [ax.title, ax.xaxis.label])
    assert _overlapping(boxes) == []


def test_correspondence_map_labels_do_not_overlap():
    from analysis.textstats import compute_correspondence

    use_korean_style()
    morphemes = _morphemes(seed=5).assign(speaker=lambda m: np.array(["문재인", "박근혜", "이명박", "노무현", "김대중"])[
        m["sent_id"].to_numpy() % 5])
    coords, inertia = compute_correspondence(morphemes, "speaker", n_terms=60, min_count=3)
    assert (coords.kind == "term").sum() == 60 and (coords.kind == "group").sum() == 5
    assert inertia[:2].sum() > 0.5
    fig, data = plots.plot_correspondence(coords, inertia, group_name="발화자")
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == sorted(coords.label)
    boxes = _label_boxes(fig, list(ax.texts) + [ax.title])
    assert _overlapping(boxes) == []
