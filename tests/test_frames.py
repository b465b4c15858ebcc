"""Frames: the lexicon file, the rule language, the matcher and the rhetoric analyses.

Real Korean runs through ``analysis.text`` (Kiwi); the rule-language tests build
morpheme tables by hand, so they pin the semantics of windows, directions, sequences
and exclusions independently of the analyser.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.report import escape_latex, write_latex_table
import pytest
from scipy import stats

from analysis.frames import (
    attribute_hits_to_quotes,
    check_frame_examples,
    list_frame_lemmas,
    load_frames,
    make_concordance,
    match_frames,
    run_frames,
)
from analysis.lexicons import LexiconError
from analysis.rhetoric import (
    build_cooccurrence_network,
    compute_group_keyness,
    compute_keyness,
    draw_validation_sample,
    estimate_frame_prevalence,
    network_to_frames,
    read_coding_sheet,
    score_validation,
    write_coding_sheet,
)
from analysis.text import analyse_documents, analyse_texts

DATA = Path(__file__).parent / "data"
FRAMES = load_frames()
REQUIRED = ["japan_rivalry", "self_determination", "first_and_best", "crisis_as_opportunity", "tech_future"]
EXAMPLES = [(f.id, kind, text) for f in FRAMES.frames
            for kind, texts in (("positive", f.positive), ("negative", f.negative)) for text in texts]


def frames_in(texts: list[str], frames=FRAMES) -> list[set[str]]:
    """The frames found in each text."""
    tables = analyse_texts(texts)
    hits = match_frames(tables.sentences, tables.morphemes, frames)
    return [set(hits.loc[hits.doc_id == str(i), "frame"]) for i in range(len(texts))]


# --------------------------------------------------------------------------- lexicon file


def test_shipped_lexicon_is_versioned_and_has_the_required_frames():
    assert FRAMES.version == "1.0.0"
    assert set(REQUIRED) <= set(FRAMES.ids)
    assert len(FRAMES.sha256[0]) == 64 and FRAMES.sources == ("analysis/lexicons/frames.yaml",)
    for frame in FRAMES.frames:
        assert frame.description and frame.rules and frame.positive and frame.negative


@pytest.fixture(scope="module")
def example_results():
    return check_frame_examples(FRAMES)


@pytest.mark.parametrize(("frame", "kind", "text"), EXAMPLES,
                         ids=[f"{f}-{k}-{i}" for i, (f, k, _) in enumerate(EXAMPLES)])
def test_every_example_in_the_lexicon_behaves(example_results, frame, kind, text):
    row = example_results[(example_results.frame == frame) & (example_results.example == text)
                          & (example_results.kind == kind)]
    assert len(row) == 1
    assert row.passed.iloc[0], f"{kind} example of {frame} {'not matched' if kind == 'positive' else 'matched'}: {text}"


def test_every_inflection_of_a_lemma_matches():
    found = frames_in(["일본을 뛰어넘을 것이다.", "일본을 뛰어넘어야 한다.", "일본을 뛰어넘는 도시다.", "일본을 뛰어넘었다."])
    assert all("japan_rivalry" in f for f in found)


def test_tricky_negatives_named_in_the_issue_are_rejected():
    found = frames_in(["운명적 만남이었다.", "최대 5명까지 입장할 수 있다.", "위기 청소년에게 기회를 준다.",
                       "금융위기 당시 기회를 놓쳤다."])
    assert found[0].isdisjoint({"self_determination"})
    assert "first_and_best" not in found[1]
    assert "crisis_as_opportunity" not in found[2] | found[3]


def write(tmp_path: Path, text: str, name: str = "frames.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_FRAME = """\
version: "0.1"
frames:
  - id: green_growth
    description: Carbon neutrality and the green new deal.
    rules:
      - id: green_terms
        match: [탄소중립|그린뉴딜, 녹색/NNG + 성장/NNG]
    examples:
      positive: [2045년 탄소중립 도시를 만들겠다.]
      negative: [녹색 어머니회가 봉사 활동을 했다.]
"""


def test_a_researcher_adds_a_frame_without_touching_code(tmp_path):
    path = write(tmp_path, GOOD_FRAME)
    own = load_frames(path)
    assert own.ids == ["green_growth"] and own.version == "0.1"
    assert check_frame_examples(own).passed.all()
    both = load_frames([None, path])
    assert both.ids == FRAMES.ids + ["green_growth"]
    found = frames_in(["그린뉴딜로 일본을 뛰어넘자.", "녹색 성장 전략을 세웠다."], both)
    assert found == [{"green_growth", "japan_rivalry"}, {"green_growth"}]


@pytest.mark.parametrize(("text", "line", "reason"), [
    (GOOD_FRAME.replace("    description:", "    descrption:"), 4, "unknown key 'descrption'"),
    (GOOD_FRAME.replace("  - id: green_growth\n    description", "  - description"), 3, "missing required key 'id'"),
    (GOOD_FRAME + GOOD_FRAME.split("frames:\n")[1], 11, "duplicate frame id 'green_growth'"),
    (GOOD_FRAME.replace("match: [탄소중립|그린뉴딜, 녹색/NNG + 성장/NNG]",
                        "match: [탄소중립]\n        near: {terms: [도시], window: 0}"), 8, "bad window '0'"),
    (GOOD_FRAME.replace("match: [탄소중립|그린뉴딜, 녹색/NNG + 성장/NNG]",
                        "match: [탄소중립]\n        near: {terms: [도시], window: two}"), 8, "bad window 'two'"),
    (GOOD_FRAME.replace("match: [탄소중립|그린뉴딜, 녹색/NNG + 성장/NNG]", "match: [탄소중립, /NNG]"), 7, "bad term '/NNG'"),
    (GOOD_FRAME.replace("match: [탄소중립|그린뉴딜, 녹색/NNG + 성장/NNG]", "match: [탄소중립 ++ 도시]"), 7, "bad term ''"),
    (GOOD_FRAME.replace("match: [탄소중립|그린뉴딜, 녹색/NNG + 성장/NNG]",
                        "match: [탄소중립]\n        exclude_if: {terms: [x], direction: sideways}"), 8, "bad direction"),
    (GOOD_FRAME.replace('version: "0.1"\n', ""), 1, "missing required key 'version'"),
    (GOOD_FRAME.replace("    rules:", "    label: a\n    label: b\n    rules:"), 6, "duplicate key 'label'"),
    (GOOD_FRAME.replace("성장/NNG]", "성장/NNG"), 8, "invalid YAML"),
    (GOOD_FRAME.replace("    rules:", "  rules:"), 5, "invalid YAML"),
], ids=["unknown-key", "missing-id", "duplicate-id", "window-zero", "window-word", "bad-term", "empty-slot",
        "bad-direction", "missing-version", "duplicate-key", "unclosed-bracket", "bad-indent"])
def test_malformed_frame_files_name_file_line_and_reason(tmp_path, text, line, reason):
    path = write(tmp_path, text)
    with pytest.raises(LexiconError) as error:
        load_frames(path)
    assert error.value.path == str(path)
    assert error.value.line == line
    assert reason in error.value.reason
    assert str(error.value).startswith(f"{path}:{line}: ")


def test_a_frame_id_defined_in_two_files_is_an_error(tmp_path):
    path = write(tmp_path, GOOD_FRAME.replace("green_growth", "japan_rivalry"))
    with pytest.raises(LexiconError, match="duplicate frame id 'japan_rivalry' \\(first defined in analysis/lexicons"):
        load_frames([None, path])


def test_frame_lemmas_are_listed_for_networks():
    lemmas = list_frame_lemmas()
    assert {"일본", "뛰어넘다", "운명", "개척하다", "전화위복"} <= set(lemmas.lemma)
    assert list(lemmas.columns) == ["frame", "rule", "lemma"]


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
    return load_frames(write(tmp_path, f"version: t\nframes:\n  - id: f\n    description: d\n    rules:\n      - {rule}\n"))


A, B, X = ("가", "NNG", "가"), ("나", "NNG", "나"), ("x", "NNG", "x")


def test_window_counts_morphemes_and_direction_is_respected(tmp_path):
    frames = one_rule(tmp_path, "match: [가]\n        near: {terms: [나/NNG], window: 2, direction: after}")
    sents, morphs = hand_tables([[A, X, B], [A, X, X, B], [B, A], [A, X]])
    hits = match_frames(sents, morphs, frames)
    assert hits[["sent_id", "match", "start", "end"]].values.tolist() == [[1, "가 x 나", 0, 5]]


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


# --------------------------------------------------------------------------- evaluation set


def test_precision_and_recall_on_our_own_sentences_are_at_least_0_9():
    """tests/data/frame_eval.csv: sentences written for this test (not from the corpus),
    each with its complete set of gold frames; about 20 sentences target each frame,
    half of them near misses."""
    gold = pd.read_csv(DATA / "frame_eval.csv", dtype=str, keep_default_na=False)
    assert gold.groupby("target").size().min() >= 15
    found = frames_in(gold.text.tolist())
    rows = []
    for frame in REQUIRED:
        truth = np.array([frame in set(filter(None, g.split(";"))) for g in gold.frames])
        pred = np.array([frame in f for f in found])
        tp, fp, fn = int((truth & pred).sum()), int((~truth & pred).sum()), int((truth & ~pred).sum())
        rows.append((frame, int(truth.sum()), int((~truth).sum()), tp, fp, fn, tp / (tp + fp), tp / (tp + fn)))
    table = pd.DataFrame(rows, columns=["frame", "gold_pos", "gold_neg", "tp", "fp", "fn", "precision", "recall"])
    print("\n" + table.to_string(index=False, float_format="{:.2f}".format))
    misses = [(i, t, sorted(f)) for i, t, f, g in zip(gold["item"], gold.text, found, gold.frames)
              if f != set(filter(None, g.split(";")))]
    assert (table.precision >= 0.9).all() and (table.recall >= 0.9).all(), misses


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
    s = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "voice": ["quote"], "speaker": ["박민호"],
                      "text": ['박 시장은 "일본을 넘자"며 정부 의존을 경계했다.']})
    q = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "quote_id": [1], "text": ["일본을 넘자"], "speaker": ["박민호"]})
    h = pd.DataFrame({"doc_id": ["0", "0"], "sent_id": [1, 1], "start": [7, 17], "end": [13, 22],
                      "voice": ["quote", "quote"], "speaker": ["박민호", "박민호"]})
    out = attribute_hits_to_quotes(h, s, q)
    assert out[["voice", "speaker", "sentence_voice"]].values.tolist() == [
        ["quote", "박민호", "quote"], ["narration", "", "quote"]]


# --------------------------------------------------------------------------- outputs


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


# --------------------------------------------------------------------------- prevalence


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
    prev = estimate_frame_prevalence(hits, sentences, morphemes, by=["doc_id"], frames=["f", "g", "h"], n_boot=200)
    assert list(prev.columns) == ["doc_id", "voice", "frame", "n_sentences", "n_tokens", "n_hits", "n_hit_sentences",
                                  "per_1k", "per_1k_low", "per_1k_high", "share", "share_low", "share_high"]
    row = prev.set_index(["doc_id", "voice", "frame"])
    assert row.loc[("a", "quote", "f"), ["n_tokens", "n_hits", "per_1k", "share"]].tolist() == [4, 2, 500.0, 1.0]
    assert row.loc[("a", "all", "f"), ["n_sentences", "n_tokens", "per_1k", "share"]].tolist() == [2, 10, 200.0, 0.5]
    assert row.loc[("a", "narration", "f"), ["per_1k", "share"]].tolist() == [0.0, 0.0]
    assert row.loc[("b", "all", "h"), "n_hits"] == 0
    # One sentence: every replicate is the sentence itself.
    assert row.loc[("a", "quote", "f"), ["per_1k_low", "per_1k_high"]].tolist() == [500.0, 500.0]
    low, high = row.loc[("a", "all", "f"), ["per_1k_low", "per_1k_high"]]
    assert 0 <= low <= 200 <= high <= 500
    city = estimate_frame_prevalence(hits, sentences, morphemes, by=["city"], n_boot=50, include_all=False)
    assert sorted(city.voice.unique()) == ["narration", "quote"] and "doc_id" not in city


def test_prevalence_bootstrap_is_seeded_and_matches_the_binomial_interval():
    n = 400
    sentences = pd.DataFrame({"doc_id": "d", "sent_id": np.arange(1, n + 1), "voice": "quote", "speaker": "박"})
    morphemes = sentences[["doc_id", "sent_id"]].loc[np.repeat(np.arange(n), 10)].assign(tag="NNG", lemma="w")
    hits = sentences.loc[sentences.sent_id % 2 == 0, ["doc_id", "sent_id", "voice"]].assign(frame="f")
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
    by_sentence = estimate_frame_prevalence(hits, t.sentences, t.morphemes, by=["doc_id"], n_boot=20)
    by_segment = estimate_frame_prevalence(hits, t.sentences, t.morphemes, by=["doc_id"], n_boot=20, quotes=t.quotes)
    key = ["doc_id", "voice", "frame"]
    a = by_sentence.set_index(key).loc[("003", slice(None), "self_determination"), "n_tokens"]
    b = by_segment.set_index(key).loc[("003", slice(None), "self_determination"), "n_tokens"]
    assert a[("003", "all", "self_determination")] == b[("003", "all", "self_determination")]
    assert b[("003", "narration", "self_determination")] > a[("003", "narration", "self_determination")]
    seg = by_segment.set_index(key)
    assert seg.loc[("003", "quote", "self_determination"), "n_hits"] + \
        seg.loc[("003", "narration", "self_determination"), "n_hits"] == seg.loc[("003", "all", "self_determination"), "n_hits"]


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
    G = build_cooccurrence_network(morphemes, min_count=1, min_edge_count=1, stopwords=())
    assert list(G.nodes) == ["A", "B", "C", "D"] and G.nodes["A"]["count"] == 4
    ab = G.edges["A", "B"]
    assert ab["count"] == 2
    assert ab["jaccard"] == pytest.approx(2 / (4 + 2 - 2))
    assert ab["pmi"] == pytest.approx(np.log2((2 / 4) / ((4 / 4) * (2 / 4))))
    nodes, edges = network_to_frames(G)
    assert list(edges.columns) == ["source", "target", "count", "pmi", "npmi", "jaccard"]
    assert edges.iloc[0][["source", "target", "count"]].tolist() == ["A", "B", 2]
    again = build_cooccurrence_network(morphemes, min_count=1, min_edge_count=1, stopwords=())
    assert G.graph["communities"] == again.graph["communities"]
    pd.testing.assert_frame_equal(network_to_frames(again)[0], nodes)
    only = build_cooccurrence_network(morphemes, terms=["B", "A", "Z"], min_edge_count=1)
    assert list(only.nodes) == ["A", "B"]


def test_network_of_the_seed_corpus_drops_stopwords(seed_tables):
    G = build_cooccurrence_network(seed_tables.morphemes, top_n=30, min_count=3)
    assert len(G) == 30 and not {"하다", "있다", "되다"} & set(G.nodes)
    assert sorted(n for c in G.graph["communities"] for n in c) == sorted(G.nodes)


# --------------------------------------------------------------------------- validation


def test_validation_sample_is_stratified_weighted_and_seeded(seed_tables):
    t = seed_tables
    hits = match_frames(t.sentences, t.morphemes)
    sample = draw_validation_sample(t.sentences, hits, n_per_stratum=2, seed=5, frames=FRAMES)
    again = draw_validation_sample(t.sentences, hits, n_per_stratum=2, seed=5, frames=FRAMES)
    pd.testing.assert_frame_equal(sample, again)
    assert sample.groupby("stratum").size().max() <= 2
    assert not sample.duplicated(["doc_id", "sent_id"]).any()
    assert (sample.weight == sample.stratum_size / sample.groupby("stratum").item.transform("size")).all()
    assert {"none|narration", "tech_future|narration"} <= set(sample.stratum)
    strata = sample.stratum.str.split("|").str[0]
    assert all(s == "none" or s in p.split(";") for s, p in zip(strata, sample.predicted))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_coding_sheet_round_trip_is_blind(tmp_path, suffix):
    sample = pd.DataFrame({"item": [1, 2], "doc_id": ["003", "000"], "para_id": [1, 2], "sent_id": [3, 5],
                           "voice": ["quote", "quote"], "speaker": ["권영진", "이용섭"], "text": ["운명 개척", "일본 추월"],
                           "stratum": ["x", "y"], "stratum_size": [4, 5], "weight": [2.0, 2.5],
                           "predicted": ["self_determination", "japan_rivalry"]})
    path = write_coding_sheet(sample, tmp_path / f"sheet{suffix}", frames=["japan_rivalry", "self_determination"])
    sheet = read_coding_sheet(path)
    assert list(sheet.columns) == ["item", "doc_id", "para_id", "sent_id", "speaker", "voice", "text",
                                   "japan_rivalry__coder1", "japan_rivalry__coder2", "self_determination__coder1",
                                   "self_determination__coder2", "notes"]
    assert sheet.doc_id.tolist() == ["003", "000"] and sheet.japan_rivalry__coder1.isna().all()
    assert not {"stratum", "predicted", "weight"} & set(sheet.columns)
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "f__coder1": ["maybe"]}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match="row 2, column f__coder1: code 'maybe'"):
        read_coding_sheet(bad)


def test_scores_match_a_hand_computed_example(tmp_path):
    coded = pd.DataFrame({"doc_id": ["d"] * 6, "sent_id": [1, 2, 3, 4, 5, 6],
                          "f__coder1": ["1", "1", "0", "0", "1", "0"], "f__coder2": ["1", "1", "0", "0", "0", "0"]})
    coded.to_csv(tmp_path / "coded.csv", index=False)
    coded = read_coding_sheet(tmp_path / "coded.csv")
    hits = pd.DataFrame({"doc_id": ["d", "d", "d"], "sent_id": [1, 3, 5], "frame": ["f", "f", "f"]})
    score = score_validation(coded, hits).iloc[0]
    # Sentence 5 is unresolved (1 vs 0): tp = 1 (s1), fp = 1 (s3), fn = 1 (s2), tn = 2.
    assert (score.n, score.tp, score.fp, score.fn, score.tn, score.n_unresolved) == (5, 1, 1, 1, 2, 1)
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)
    # Nominal alpha by hand: 12 values (five 1s, seven 0s), one disagreeing pair:
    # D_o = 2/12, D_e = 2*5*7 / (12*11), alpha = 1 - D_o/D_e = 48/70.
    assert score.alpha == pytest.approx(48 / 70)
    adjudicated = score_validation(coded.assign(f__gold=[np.nan] * 4 + [1.0, np.nan]), hits).iloc[0]
    assert (adjudicated.n, adjudicated.tp, adjudicated.precision) == (6, 2, pytest.approx(2 / 3))
    weighted = score_validation(coded.assign(weight=[1, 1, 9, 9, 1, 9]), hits).iloc[0]
    assert weighted.weighted_precision == pytest.approx(1 / 10)
    same = coded.assign(f__coder2=coded.f__coder1, g__coder1=0.0, g__coder2=0.0)
    both = score_validation(same, hits).set_index("frame")
    assert both.loc["f", "alpha"] == 1.0 and np.isnan(both.loc["g", "alpha"])


# --------------------------------------------------------------------------- speed


def replicate(tables, times: int):
    s = pd.concat([tables.sentences.assign(doc_id=tables.sentences.doc_id + f"_{r}") for r in range(times)],
                  ignore_index=True)
    m = pd.concat([tables.morphemes.assign(doc_id=tables.morphemes.doc_id + f"_{r}") for r in range(times)],
                  ignore_index=True)
    return s, m


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
    prevalence = estimate_frame_prevalence(hits, sentences, morphemes, by=["doc_id"], n_boot=200)
    assert time.perf_counter() - start < 60
    assert len(prevalence) == sentences.doc_id.nunique() * 3 * len(FRAMES.ids)
