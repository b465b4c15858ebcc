"""Statistics of text tables: keyness, co-occurrence networks, collocations and concordances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.text import lexicons
from analysis.frames import match_frames
from analysis.text.lexicons import promote_to_userdict, read_userdict
from analysis.report import escape_latex, write_latex_table
from analysis.text import analyse_documents
from analysis.textstats import (
    build_cooccurrence_network,
    compute_group_keyness,
    compute_keyness,
    find_collocations,
    make_concordance,
    network_to_frames,
)


@pytest.fixture(scope="module")
def seed_tables(seed_corpus):
    return analyse_documents(seed_corpus.documents, progress=False)


# --------------------------------------------------------------------------- keyness


def test_keyness_matches_a_hand_computed_example():
    # a = 10 of 1,000 tokens, b = 5 of 2,000: E = 5 and 10, G2 = 2(10 ln 2 + 5 ln 0.5) = 10 ln 2,
    # log ratio = log2((10/1000) / (5/2000)) = 2.
    k = compute_keyness({"일본": 10, "기타": 990}, {"일본": 5, "기타": 1995}, names=("quote", "narration"))
    row = k.set_index("term").loc["일본"]
    assert row.g2 == pytest.approx(10 * np.log(2))
    assert row.log_ratio == pytest.approx(2.0)
    assert row.p_value == pytest.approx(stats.chi2.sf(10 * np.log(2), 1))
    assert row.key_for == "quote" and row.per_1k_a == pytest.approx(10.0)
    assert k.g2.is_monotonic_decreasing


def test_keyness_of_a_term_absent_from_one_corpus():
    # a = 5 of 1,000, b = 0 of 1,000: G2 = 2 * 5 ln(5 / 2.5) = 10 ln 2; zero taken as 0.5: log2(10).
    k = compute_keyness({"극일": 5, "x": 995}, {"x": 1000}).set_index("term")
    assert k.loc["극일", "g2"] == pytest.approx(10 * np.log(2))
    assert k.loc["극일", "log_ratio"] == pytest.approx(np.log2(10))
    assert compute_keyness({"a": 1, "b": 9}, {"b": 10}, min_count=2).term.tolist() == ["b"]


def test_group_keyness_compares_quotes_with_narration():
    sentences = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": [1, 2, 3], "voice": ["quote", "quote", "narration"]})
    morphemes = pd.DataFrame({"doc_id": ["d"] * 9, "sent_id": [1, 1, 1, 2, 2, 2, 3, 3, 3],
                              "lemma": ["일본", "추월하다", ".", "일본", "이기다", ".", "시장", "말하다", "."],
                              "tag": ["NNP", "VV", "SF", "NNP", "VV", "SF", "NNG", "VV", "SF"]})
    k = compute_group_keyness(morphemes, "voice", "quote", sentences=sentences, min_count=1)
    row = k.set_index("term").loc["일본"]
    assert (row.count_a, row.count_b, row.key_for) == (2, 0, "quote")
    assert row.per_1k_a == pytest.approx(2 / 4 * 1000)  # full stops are not tokens
    assert "." not in set(k.term)


# --------------------------------------------------------------------------- network


def test_cooccurrence_network_weights_and_deterministic_communities():
    pairs = [(1, "A"), (1, "B"), (2, "A"), (2, "B"), (3, "A"), (3, "C"), (4, "D"), (4, "A")]
    morphemes = pd.DataFrame({"doc_id": "d", "sent_id": [s for s, _ in pairs], "lemma": [w for _, w in pairs],
                              "tag": "NNG"})
    G = build_cooccurrence_network(morphemes, min_count=1, min_edge_count=1, stopwords=(), seed=0)
    assert list(G.nodes) == ["A", "B", "C", "D"] and G.nodes["A"]["count"] == 4
    ab = G.edges["A", "B"]
    assert ab["count"] == 2
    assert ab["jaccard"] == pytest.approx(2 / (4 + 2 - 2))
    assert ab["pmi"] == pytest.approx(np.log2((2 / 4) / ((4 / 4) * (2 / 4))))
    nodes, edges = network_to_frames(G)
    assert list(edges.columns) == ["source", "target", "count", "pmi", "npmi", "jaccard"]
    assert edges.iloc[0][["source", "target", "count"]].tolist() == ["A", "B", 2]
    again = build_cooccurrence_network(morphemes, min_count=1, min_edge_count=1, stopwords=(), seed=0)
    assert G.graph["communities"] == again.graph["communities"]
    pd.testing.assert_frame_equal(network_to_frames(again)[0], nodes)
    only = build_cooccurrence_network(morphemes, terms=["B", "A", "Z"], min_edge_count=1, seed=0)
    assert list(only.nodes) == ["A", "B"]


def test_network_of_the_seed_corpus_drops_stopwords(seed_tables):
    G = build_cooccurrence_network(seed_tables.morphemes, top_n=30, min_count=3, seed=0)
    assert len(G) == 30 and not {"하다", "있다", "되다"} & set(G.nodes)
    assert sorted(n for c in G.graph["communities"] for n in c) == sorted(G.nodes)


# --------------------------------------------------------------------------- collocations


def test_collocations_can_be_promoted_to_the_user_dictionary(tmp_path):
    lists = [["빛그린", "산단", "조성"], ["빛그린", "산단", "입주"], ["광주", "빛그린", "산단"]] * 3
    found = find_collocations(lists, min_count=3)
    assert list(found.columns) == ["term", "count", "score"]
    assert found.term.iloc[0] == "빛그린 산단" and found["count"].iloc[0] == 9
    path = tmp_path / "userdict.tsv"
    assert promote_to_userdict(found.term.head(1), path) == ["빛그린 산단"]
    assert promote_to_userdict(["빛그린 산단"], path) == []  # already there
    assert lexicons.read_lexicon_version(path) == "1"
    assert read_userdict(path) == [lexicons.UserWord("빛그린 산단", "NNP", 0.0)]


# --------------------------------------------------------------------------- concordances


def test_concordance_cuts_context_from_the_sentence(seed_tables):
    t = seed_tables
    hits = match_frames(t.sentences, t.morphemes)
    kwic = make_concordance(hits, t.sentences, width=10)
    assert list(kwic.columns) == ["doc_id", "para_id", "sent_id", "frame", "rule", "speaker", "voice",
                                  "left", "match", "right"]
    assert (kwic.match == hits.match).all()
    assert kwic.left.str.len().max() <= 10 and kwic.right.str.len().max() <= 10
    text = t.sentences.set_index(["doc_id", "sent_id"]).text
    assert all((r.left + r.match + r.right) in text[(r.doc_id, r.sent_id)] for r in kwic.itertuples())


def test_latex_table_escapes_specials_and_keeps_korean(tmp_path):
    df = pd.DataFrame({"frame_id": ["japan_rivalry"], "left": ["50% & $1 #2 {a} ~^\\"], "n": [3]})
    path = write_latex_table(df, tmp_path / "kwic.tex", caption="일본 추월 프레임 & 용례", label="tab:kwic")
    tex = path.read_text(encoding="utf-8")
    assert "\\begin{tabular}{llr}" in tex and "\\toprule" in tex and "\\label{tab:kwic}" in tex
    assert "\\caption{일본 추월 프레임 \\& 용례}" in tex
    assert "frame\\_id" in tex and "japan\\_rivalry" in tex
    assert "50\\% \\& \\$1 \\#2 \\{a\\} \\textasciitilde{}\\textasciicircum{}\\textbackslash{}" in tex
    assert escape_latex(None) == ""


def test_keyness_adjusts_for_the_number_of_terms_tested():
    from analysis.textstats import compute_keyness

    a = {"일본": 30, "기술": 12, **{f"w{i}": 5 for i in range(40)}}
    b = {"일본": 5, "기술": 10, **{f"w{i}": 6 for i in range(40)}}
    k = compute_keyness(a, b, min_count=5).set_index("term")
    assert (k.q_value >= k.p_value).all() and k.q_value.between(0, 1).all()
    assert k.loc["일본", "q_value"] < 0.05 < k.loc["기술", "q_value"]
    # The adjusted values keep the p-values' order (Benjamini-Hochberg is monotone).
    ordered = k.sort_values("p_value")
    assert ordered.q_value.is_monotonic_increasing
