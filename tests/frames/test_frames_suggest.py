"""Suggesting terms for a frame: Kiwi's word model and the corpus, with counts and lines."""

import pandas as pd

from analysis.frames import suggest_frame_terms
from analysis.text import analyse_texts

TEXTS = ["우리는 일본을 반드시 추월해야 한다.", "이제 일본을 앞질러야 한다.", "중국을 앞지른 기업이 있다.",
         "기술로 일본을 추월하는 길을 연다."]


def test_candidates_come_with_their_corpus_counts_and_lines():
    t = analyse_texts(TEXTS)
    table = suggest_frame_terms(["추월하다"], t.morphemes, t.sentences, top_n=30)
    assert set(table.columns) == {"seed", "candidate", "tag", "source", "similarity", "corpus_count",
                                  "n_documents", "in_lexicon", "examples"}
    kiwi = table[table.source == "kiwi"]
    assert kiwi.similarity.between(-1, 1).all() and kiwi.tag.str.match(r"N|V|XR|SL").all()
    row = kiwi.set_index("candidate").loc["앞지르다"]
    assert (row.corpus_count, row.n_documents) == (2, 2)
    assert row.examples == "이제 일본을 [앞질]러야 한다. ‖ 중국을 [앞지른] 기업이 있다."
    # The corpus side: lemmas next to the seed, the commonest first.
    corpus = table[table.source == "corpus"]
    assert corpus.candidate.iloc[0] == "일본" and corpus.corpus_count.iloc[0] == 3
    # Used candidates come before those the corpus never uses.
    used = table.corpus_count.gt(0).tolist()
    assert used == sorted(used, reverse=True) or table.seed.nunique() > 1


def test_a_frame_id_seeds_with_its_content_lemmas_and_marks_known_terms():
    t = analyse_texts(TEXTS)
    table = suggest_frame_terms("japan_rivalry", t.morphemes, t.sentences, top_n=5)
    seeds = {s.split("/")[0] for s in table.seed}
    assert {"추월하다", "뛰어넘다"} <= seeds and not seeds & {"을", "의", "에게", "과"}
    assert table.loc[table.candidate == "일본", "in_lexicon"].all()
    assert isinstance(table, pd.DataFrame)
