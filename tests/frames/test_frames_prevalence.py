"""Frame prevalence: rates per 1,000 tokens, shares of sentences, voices and bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.frames import estimate_frame_prevalence, match_frames
from analysis.text import analyse_documents


@pytest.fixture(scope="module")
def seed_tables(seed_corpus):
    return analyse_documents(seed_corpus.documents, progress=False)


def small_corpus():
    """Doc a: a quoted sentence of 4 words (+ a full stop) with 2 hits of f, a narrated
    one of 6 words without; doc b: one narrated sentence of 5 words with 1 hit of g."""
    sentences = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_id": [1, 1, 1], "sent_id": [1, 2, 1],
                              "voice": ["quote", "narration", "narration"], "speaker": ["박", "", ""],
                              "city": ["광주", "광주", "대구"]})
    tags = [["NNG"] * 4 + ["SF"], ["NNG"] * 6, ["NNG"] * 5]
    morphemes = pd.DataFrame([(d, s, t, "w") for (d, s), ts in zip([("a", 1), ("a", 2), ("b", 1)], tags) for t in ts],
                             columns=["doc_id", "sent_id", "tag", "lemma"])
    hits = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [1, 1, 1], "frame": ["f", "f", "g"],
                         "voice": ["quote", "quote", "narration"]})
    return sentences, morphemes, hits


def test_prevalence_per_1000_tokens_and_share_of_sentences():
    sentences, morphemes, hits = small_corpus()
    prev = estimate_frame_prevalence(hits, sentences, morphemes, by=["doc_id"], frames=["f", "g", "h"], n_boot=200, seed=0)
    assert list(prev.columns) == ["doc_id", "voice", "frame", "n_documents", "n_sentences", "n_tokens", "n_hits",
                                  "n_hit_sentences", "per_1k", "per_1k_low", "per_1k_high", "share", "share_low",
                                  "share_high", "interval"]
    row = prev.set_index(["doc_id", "voice", "frame"])
    assert row.loc[("a", "quote", "f"), ["n_tokens", "n_hits", "per_1k", "share"]].tolist() == [4, 2, 500.0, 1.0]
    assert row.loc[("a", "all", "f"), ["n_sentences", "n_tokens", "per_1k", "share"]].tolist() == [2, 10, 200.0, 0.5]
    assert row.loc[("a", "narration", "f"), ["per_1k", "share"]].tolist() == [0.0, 0.0]
    # No hit is not certainty: an exact upper bound (3.69 hits in its 6 tokens; 1 - 0.025 over 1 document).
    zero = row.loc[("a", "narration", "f")]
    assert zero.per_1k_low == 0 and zero.per_1k_high == pytest.approx(3.6889 / 6 * 1000, rel=1e-3)
    assert zero.share_high == pytest.approx(0.975) and zero.interval.startswith("exact")
    assert row.loc[("b", "all", "h"), "n_hits"] == 0
    # One sentence: every replicate is the sentence itself.
    assert row.loc[("a", "quote", "f"), ["per_1k_low", "per_1k_high"]].tolist() == [500.0, 500.0]
    low, high = row.loc[("a", "all", "f"), ["per_1k_low", "per_1k_high"]]
    assert 0 <= low <= 200 <= high <= 500
    city = estimate_frame_prevalence(hits, sentences, morphemes, by=["city"], n_boot=50, include_all=False, seed=0)
    assert sorted(city.voice.unique()) == ["narration", "quote"] and "doc_id" not in city


def test_prevalence_bootstrap_is_seeded_and_matches_the_binomial_interval():
    n = 400  # one sentence per document: the document bootstrap is the binomial one
    sentences = pd.DataFrame({"doc_id": np.arange(n).astype(str), "sent_id": 1, "voice": "quote", "speaker": "박"})
    morphemes = sentences[["doc_id", "sent_id"]].loc[np.repeat(np.arange(n), 10)].assign(tag="NNG", lemma="w")
    hits = sentences.loc[np.arange(n) % 2 == 0, ["doc_id", "sent_id", "voice"]].assign(frame="f")
    one = estimate_frame_prevalence(hits, sentences, morphemes, by=[], n_boot=2000, seed=7, include_all=False)
    two = estimate_frame_prevalence(hits, sentences, morphemes, by=[], n_boot=2000, seed=7, include_all=False)
    pd.testing.assert_frame_equal(one, two)
    half = 1.96 * np.sqrt(0.25 / n)
    assert one.share_low.iloc[0] == pytest.approx(0.5 - half, abs=0.015)
    assert one.share_high.iloc[0] == pytest.approx(0.5 + half, abs=0.015)
    assert one.per_1k.iloc[0] == pytest.approx(50.0)


def test_prevalence_with_quotes_splits_sentences_into_voice_segments(seed_tables):
    t = seed_tables
    hits = match_frames(t.sentences, t.morphemes, quotes=t.quotes)
    by_sentence = estimate_frame_prevalence(hits, t.sentences, t.morphemes, by=["doc_id"], n_boot=20, seed=0)
    by_segment = estimate_frame_prevalence(hits, t.sentences, t.morphemes, by=["doc_id"], n_boot=20, quotes=t.quotes, seed=0)
    key = ["doc_id", "voice", "frame"]
    a = by_sentence.set_index(key).loc[("003", slice(None), "self_determination"), "n_tokens"]
    b = by_segment.set_index(key).loc[("003", slice(None), "self_determination"), "n_tokens"]
    assert a[("003", "all", "self_determination")] == b[("003", "all", "self_determination")]
    assert b[("003", "narration", "self_determination")] > a[("003", "narration", "self_determination")]
    seg = by_segment.set_index(key)
    assert seg.loc[("003", "quote", "self_determination"), "n_hits"] + \
        seg.loc[("003", "narration", "self_determination"), "n_hits"] == seg.loc[("003", "all", "self_determination"), "n_hits"]


def test_hits_clustered_in_documents_widen_the_interval_to_the_documents_count():
    # 20 documents of 20 sentences; the frame fills 10 documents and is absent from the
    # rest. 400 sentences, but only 20 independent units: the interval must be about
    # as wide as a binomial one over 20, not over 400.
    docs, per = 20, 20
    sentences = pd.DataFrame({"doc_id": np.repeat(np.arange(docs).astype(str), per),
                              "sent_id": np.tile(np.arange(1, per + 1), docs), "voice": "narration", "speaker": ""})
    morphemes = sentences[["doc_id", "sent_id"]].loc[np.repeat(np.arange(len(sentences)), 5)].assign(tag="NNG", lemma="w")
    hits = sentences[sentences.doc_id.astype(int) < 10][["doc_id", "sent_id", "voice"]].assign(frame="f")
    prev = estimate_frame_prevalence(hits, sentences, morphemes, by=[], n_boot=2000, seed=3, include_all=False)
    row = prev.iloc[0]
    assert row.share == 0.5 and row.n_documents == docs and row.n_sentences == docs * per
    assert row.share_high - row.share_low > 2 * 1.96 * np.sqrt(0.25 / docs) * 0.8
    by_outlet = estimate_frame_prevalence(hits, sentences.assign(outlet="one"), morphemes, by=[], n_boot=200, seed=3,
                                          include_all=False, cluster="outlet")
    assert by_outlet.n_documents.iloc[0] == 1 and "outlet" in by_outlet.interval.iloc[0]
