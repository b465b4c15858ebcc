"""Frame matching: the rule language on hand-made morpheme tables, then real Korean.

The rule-language tests build morpheme tables by hand, so they pin the semantics of
windows, directions, sequences and exclusions independently of the analyser; the rest
run through :mod:`analysis.text` (Kiwi) and the seed corpus.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from analysis.cli import run_frames
from analysis.frames import attribute_hits_to_quotes, estimate_frame_prevalence, load_frames, match_frames
from analysis.text import analyse_documents, analyse_texts

FRAMES = load_frames()


# --------------------------------------------------------------------------- rule language


def hand_tables(sentences: list[list[tuple[str, str, str]]]):
    """Sentences and morphemes from (form, tag, lemma) lists; forms joined by spaces."""
    srows, mrows = [], []
    for sid, tokens in enumerate(sentences, start=1):
        pos = 0
        for form, tag, lemma in tokens:
            mrows.append(("d", 1, sid, form, tag, lemma, pos, pos + len(form)))
            pos += len(form) + 1
        text = " ".join(t[0] for t in tokens)
        srows.append(("d", 1, sid, 0, len(text), text, "narration", ""))
    return (pd.DataFrame(srows, columns=["doc_id", "para_id", "sent_id", "start", "end", "text", "voice", "speaker"]),
            pd.DataFrame(mrows, columns=["doc_id", "para_id", "sent_id", "form", "tag", "lemma", "start", "end"]))


def one_rule(tmp_path, rule: str):
    path = tmp_path / "frames.yaml"
    path.write_text(f"version: t\nframes:\n  - id: f\n    description: d\n    rules:\n      - {rule}\n", encoding="utf-8")
    return load_frames(path)


A, B, X = ("가", "NNG", "가"), ("나", "NNG", "나"), ("x", "NNG", "x")


def test_window_counts_morphemes_and_direction_is_respected(tmp_path):
    frames = one_rule(tmp_path, "match: [가]\n        near: {terms: [나/NNG], window: 2, direction: after}")
    sents, morphs = hand_tables([[A, X, B], [A, X, X, B], [B, A], [A, X]])
    hits = match_frames(sents, morphs, frames)
    assert hits[["sent_id", "match", "start", "end"]].values.tolist() == [[1, "가 x 나", 0, 5]]


def test_a_near_term_found_by_two_patterns_extends_the_hit_to_the_longer_one(tmp_path):
    # 나 and "x + 나" both end at 나 (before the anchor), and both start at x when after it:
    # the hit spans the longest match either way.
    before = one_rule(tmp_path, "match: [가]\n        near: {terms: [나, x + 나], window: 3, direction: before}")
    sents, morphs = hand_tables([[X, B, A]])
    assert match_frames(sents, morphs, before)[["match", "start"]].values.tolist() == [["x 나 가", 0]]
    after = one_rule(tmp_path, "match: [가]\n        near: {terms: [x, x + 나], window: 3, direction: after}")
    sents, morphs = hand_tables([[A, X, B]])
    assert match_frames(sents, morphs, after)[["match", "end"]].values.tolist() == [["가 x 나", 5]]


def test_one_index_serves_rules_and_cues(tmp_path):
    from analysis.frames.matcher import find_cue_sentences, index_morphemes

    tables = analyse_texts(["일본을 뛰어넘어야 한다.", "위기가 닥쳤다."])
    index = index_morphemes(tables.morphemes)
    pd.testing.assert_frame_equal(match_frames(tables.sentences, index), match_frames(tables.sentences, tables.morphemes))
    pd.testing.assert_frame_equal(find_cue_sentences(index), find_cue_sentences(tables.morphemes))


def test_near_terms_never_cross_a_sentence_boundary(tmp_path):
    frames = one_rule(tmp_path, "match: [가]\n        near: {terms: [나]}")
    sents, morphs = hand_tables([[X, A], [B, X], [A, X, X, X, X, X, X, X, B]])
    assert match_frames(sents, morphs, frames).sent_id.tolist() == [3]


def test_sequences_tag_prefixes_wildcards_and_case(tmp_path):
    frames = one_rule(tmp_path, 'match: ["*/SN + 호/NNB", 먹다/VV, ai/SL]')
    sents, morphs = hand_tables([
        [("1", "SN", "1"), ("호", "NNB", "호")],          # 1호: sequence with a wildcard lemma
        [("1", "SN", "1"), ("호선", "NNB", "호선")],      # 1호선: not the sequence
        [("먹", "VV-R", "먹다")],                        # VV matches the irregular VV-R
        [("먹", "NNG", "먹다")],                         # wrong tag
        [("AI", "SL", "AI")],                            # lemmas compare case-insensitively
    ])
    assert match_frames(sents, morphs, frames).sent_id.tolist() == [1, 3, 5]


def test_exclusions_and_required_context(tmp_path):
    frames = one_rule(tmp_path, "match: [최대]\n        requires_before: {terms: [전국], window: 2}\n"
                                "        exclude_if: {terms: ['*/SN'], window: 1, direction: after}")
    top, nat, five = ("최대", "NNG", "최대"), ("전국", "NNG", "전국"), ("5", "SN", "5")
    sents, morphs = hand_tables([[nat, top], [top, X], [nat, top, five], [nat, X, top], [nat, X, X, top]])
    assert match_frames(sents, morphs, frames).sent_id.tolist() == [1, 4]


def test_all_near_conditions_must_hold_and_any_exclusion_drops(tmp_path):
    frames = one_rule(tmp_path, "match: [가]\n        near: [{terms: [나]}, {terms: [x]}]\n"
                                "        exclude_if: [{terms: [다]}, {terms: [라]}]")
    C, D = ("다", "NNG", "다"), ("라", "NNG", "라")
    sents, morphs = hand_tables([[A, B, X], [A, B], [A, B, X, C], [A, B, X, D]])
    assert match_frames(sents, morphs, frames).sent_id.tolist() == [1]


def test_overlapping_hits_of_one_frame_count_once():
    tables = analyse_texts(["위기를 절호의 기회로 삼아야 한다."])
    hits = match_frames(tables.sentences, tables.morphemes)
    assert hits.frame.tolist() == ["crisis_as_opportunity"]


def test_row_order_of_the_morpheme_table_does_not_matter():
    tables = analyse_texts(["우리의 운명은 우리가 개척한다.", "AI로 일본을 추월하자. 위기는 곧 기회다."])
    expected = match_frames(tables.sentences, tables.morphemes)
    shuffled = tables.morphemes.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(match_frames(tables.sentences, shuffled), expected)
    assert set(expected.frame) == {"self_determination", "tech_future", "japan_rivalry", "crisis_as_opportunity"}


def test_extra_sentence_columns_are_carried_through():
    tables = analyse_texts(["일본을 추월하자."])
    hits = match_frames(tables.sentences.assign(city="광주", year=2019), tables.morphemes)
    assert list(hits.columns) == ["doc_id", "para_id", "sent_id", "frame", "rule", "match", "start", "end",
                                  "voice", "speaker", "city", "year"]
    assert hits[["city", "year"]].values.tolist() == [["광주", 2019]]


def test_empty_input_gives_an_empty_table_with_the_columns():
    tables = analyse_texts(["날씨가 맑다."])
    hits = match_frames(tables.sentences, tables.morphemes)
    assert hits.empty and list(hits.columns)[:6] == ["doc_id", "para_id", "sent_id", "frame", "rule", "match"]


# --------------------------------------------------------------------------- seed corpus


@pytest.fixture(scope="module")
def seed_tables(seed_corpus):
    return analyse_documents(seed_corpus.documents, progress=False)


@pytest.mark.parametrize(("doc_id", "frame", "speaker"), [("000", "japan_rivalry", "이용섭"),
                                                          ("003", "self_determination", "권영진")])
def test_the_seed_articles_carry_their_frame_in_the_mayors_own_quotes(seed_tables, doc_id, frame, speaker):
    t = seed_tables
    for hits in (match_frames(t.sentences, t.morphemes), match_frames(t.sentences, t.morphemes, quotes=t.quotes)):
        mine = hits[(hits.doc_id == doc_id) & (hits.frame == frame)]
        assert ((mine.voice == "quote") & (mine.speaker == speaker)).sum() >= 3, mine


def test_span_level_voice_separates_the_reporters_paraphrase(seed_tables):
    t = seed_tables
    hits = match_frames(t.sentences, t.morphemes, quotes=t.quotes)
    paraphrase = hits[hits.match.str.startswith("정부에 의존을 경계")]
    assert paraphrase[["voice", "speaker", "sentence_voice"]].values.tolist() == [["narration", "", "quote"]]
    destiny = hits[hits.match.str.startswith("운명은 우리가 개척")]
    assert set(destiny.voice) == {"quote"} and set(destiny.speaker) == {"권영진"}


def test_hits_are_attributed_to_the_quote_that_contains_them():
    s = pd.DataFrame({"doc_id": ["0"], "para_id": [1], "sent_id": [1], "start": [0], "voice": ["quote"],
                      "speaker": ["박민호"], "text": ['박 시장은 "일본을 넘자"며 정부 의존을 경계했다.']})
    q = pd.DataFrame({"doc_id": ["0"], "para_id": [1], "sent_id": [1], "quote_id": [1], "start": [7], "end": [13],
                      "text": ["일본을 넘자"], "speaker": ["박민호"]})
    h = pd.DataFrame({"doc_id": ["0", "0"], "sent_id": [1, 1], "start": [7, 17], "end": [13, 22],
                      "voice": ["quote", "quote"], "speaker": ["박민호", "박민호"]})
    out = attribute_hits_to_quotes(h, s, q)
    assert out[["voice", "speaker", "sentence_voice"]].values.tolist() == [
        ["quote", "박민호", "quote"], ["narration", "", "quote"]]


# --------------------------------------------------------------------------- command-line runner


def test_run_frames_writes_one_row_per_match_and_carries_columns(tmp_path):
    table = pd.DataFrame({"id": ["b-7", "a-1", "c-3"], "city": ["부산", "광주", "대구"], "speaker": ["박민호", "", ""],
                          "text": ['박민호 부산시장은 "일본을 반드시 추월해야 한다"고 말했다.', "위기는 곧 기회다.", "날씨가 맑다."]})
    out_csv = tmp_path / "out" / "hits.csv"
    out = run_frames(table, out_csv)
    assert list(out.columns[:4]) == ["id", "city", "doc_speaker", "para_id"]
    assert {"frame", "sentence", "match", "voice", "speaker"} <= set(out.columns)
    assert out[["id", "city", "frame"]].values.tolist() == [["b-7", "부산", "japan_rivalry"],
                                                           ["a-1", "광주", "crisis_as_opportunity"]]
    assert out.loc[0, ["voice", "speaker"]].tolist() == ["quote", "박민호"]
    assert all(m in s for m, s in zip(out.match, out.sentence))
    back = pd.read_csv(out_csv, dtype=str)
    assert back.id.tolist() == ["b-7", "a-1"] and not list(out_csv.parent.glob(".*tmp"))
    with pytest.raises(ValueError, match="no column 'text'"):
        run_frames(table.rename(columns={"text": "body"}), out_csv)
    by_doc = run_frames(table.rename(columns={"id": "doc_id"}), out_csv)
    assert by_doc.doc_id.tolist() == ["b-7", "a-1"]


# --------------------------------------------------------------------------- speed


def replicate(tables, times: int):
    s = pd.concat([tables.sentences.assign(doc_id=tables.sentences.doc_id + f"_{r}") for r in range(times)],
                  ignore_index=True)
    m = pd.concat([tables.morphemes.assign(doc_id=tables.morphemes.doc_id + f"_{r}") for r in range(times)],
                  ignore_index=True)
    return s, m


@pytest.mark.slow
def test_matching_scales_linearly_without_per_sentence_python(seed_tables):
    base = match_frames(seed_tables.sentences, seed_tables.morphemes)
    sentences, morphemes = replicate(seed_tables, 100)  # ~9,000 sentences, ~440,000 morphemes
    start = time.perf_counter()
    hits = match_frames(sentences, morphemes)
    assert time.perf_counter() - start < 10
    assert len(hits) == 100 * len(base)


@pytest.mark.slow
def test_matching_and_prevalence_on_100k_sentences(seed_tables):
    sentences, morphemes = replicate(seed_tables, 100_000 // len(seed_tables.sentences) + 1)
    start = time.perf_counter()
    hits = match_frames(sentences, morphemes)
    prevalence = estimate_frame_prevalence(hits, sentences, morphemes, by=["doc_id"], n_boot=200, seed=0)
    assert time.perf_counter() - start < 60
    assert len(prevalence) == sentences.doc_id.nunique() * 3 * len(FRAMES.ids)


def test_a_quote_running_over_two_sentences_gives_both_its_voice():
    # A quotation continued into the next paragraph lies in two sentences; its offsets,
    # not a search for its whole text in one sentence, give every hit inside it its voice.
    t = analyse_texts(['이 시장은 "우리는 일본을 뛰어넘어야 합니다.\n위기를 기회로 삼아야 합니다"라며 정부에 의존하지 말자고 했다.'])
    assert len(t.sentences) == 2 and len(t.quotes) == 1 and set(t.sentences.voice) == {"quote"}
    hits = match_frames(t.sentences, t.morphemes, quotes=t.quotes).set_index("frame")
    assert hits.loc["japan_rivalry", ["sent_id", "voice"]].tolist() == [1, "quote"]
    assert hits.loc["crisis_as_opportunity", ["sent_id", "voice"]].tolist() == [2, "quote"]
    # The reporter's clause after the closing mark is narration, though its sentence is quoted.
    assert hits.loc["self_determination", ["sent_id", "voice", "speaker"]].tolist() == [2, "narration", ""]


def test_in_a_speech_the_words_outside_quotes_are_the_speakers_own():
    documents = pd.DataFrame({
        "doc_id": ["s", "n"], "title": ["", ""], "speaker": ["문재인", "이용섭"], "source_type": ["speech", "news"],
        "text": ['우리는 일본을 뛰어넘어야 합니다. 선생님은 "위기를 기회로 삼자"고 하셨습니다.',
                 '이 시장은 일본을 뛰어넘어야 한다고 강조했다. 그는 "위기를 기회로 삼자"고 말했다.']})
    t = analyse_documents(documents, progress=False)
    first = t.sentences.set_index(["doc_id", "sent_id"])
    assert first.loc[("s", 1), ["voice", "speaker"]].tolist() == ["own", "문재인"]
    assert first.loc[("n", 1), ["voice", "speaker"]].tolist() == ["narration", ""]
    hits = match_frames(t.sentences, t.morphemes, quotes=t.quotes).set_index(["doc_id", "frame"])
    assert hits.loc[("s", "japan_rivalry"), ["voice", "speaker"]].tolist() == ["own", "문재인"]
    assert hits.loc[("n", "japan_rivalry"), ["voice", "speaker"]].tolist() == ["narration", ""]
    # A quotation inside a speech is someone else's words.
    assert hits.loc[("s", "crisis_as_opportunity"), "voice"] == "quote"
    prev = estimate_frame_prevalence(hits.reset_index(), t.sentences, t.morphemes, by=["doc_id"], seed=1,
                                     n_boot=50, quotes=t.quotes)
    assert set(prev.loc[prev.doc_id == "s", "voice"]) == {"own", "quote", "all"}
    assert set(prev.loc[prev.doc_id == "n", "voice"]) == {"narration", "quote", "all"}
