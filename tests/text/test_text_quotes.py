"""Quoted speech and speakers: the seed corpus against a hand-checked gold table, and pages
written for the tests with other speakers, back-references and an interleaved speaker;
quote offsets, and the voice of arbitrary spans (:func:`find_quote_of_spans`)."""

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.text import analyse_documents, analyse_texts
from analysis.text.quotes import find_quote_of_spans, find_quote_spans

DATA = Path(__file__).parents[1] / "data"


def normalise(text: str) -> str:
    return " ".join(str(text).split())


def match_gold(predicted: pd.DataFrame, gold: pd.DataFrame) -> dict:
    """One-to-one matching of predicted quotes to gold rows (gold text contained in the prediction).

    A maximum bipartite matching, because a repeated sentence can make one gold substring
    fit two predictions. Attribution counts only matches whose speaker is right.
    """
    pred = predicted.assign(norm=predicted.text.map(normalise)).reset_index(drop=True)
    gold = gold.assign(norm=gold.quote.map(normalise)).reset_index(drop=True)
    candidates = {g: [p for p in pred.index if pred.doc_id[p] == gold.doc_id[g] and gold.norm[g] in pred.norm[p]]
                  for g in gold.index}
    owner: dict[int, int] = {}

    def augment(g, seen):
        for p in candidates[g]:
            if p not in seen:
                seen.add(p)
                if p not in owner or augment(owner[p], seen):
                    owner[p] = g
                    return True
        return False

    for g in gold.index:
        augment(g, set())
    correct = [p for p, g in owner.items() if pred.speaker[p] == gold.speaker[g]]
    return {
        "precision": len(correct) / max(len(pred), 1),
        "recall": len(correct) / max(len(gold), 1),
        "matched": len(owner), "correct": len(correct), "predicted": len(pred), "gold": len(gold),
        "wrong": [(pred.text[p][:40], pred.speaker[p], gold.speaker[g]) for p, g in owner.items() if p not in correct],
        "unmatched_predictions": [pred.text[p][:40] for p in pred.index if p not in owner],
        "missed": [gold.quote[g] for g in gold.index if g not in owner.values()],
        "verbs": {g: pred.verb[p] for p, g in owner.items()},
    }


@pytest.fixture(scope="session")
def seed_tables(seed_corpus):
    return analyse_documents(seed_corpus.documents, progress=False)


@pytest.fixture(scope="session")
def page_tables():
    pages = DATA / "pages"
    docs = pd.read_csv(pages / "manifest.csv", dtype=str, keep_default_na=False)
    docs["text"] = [(pages / name).read_text(encoding="utf-8") for name in docs.file]
    return analyse_documents(docs, progress=False)


def test_seed_corpus_attribution_meets_the_gold_table(seed_tables):
    gold = pd.read_csv(DATA / "gold_quotes.csv", dtype=str, keep_default_na=False)
    scores = match_gold(seed_tables.quotes, gold)
    print(f"\nseed gold: precision {scores['precision']:.3f}, recall {scores['recall']:.3f} "
          f"({scores['correct']} correct of {scores['predicted']} predicted, {scores['gold']} gold); "
          f"missed {scores['missed']}; wrong {scores['wrong']}; unmatched {scores['unmatched_predictions']}")
    assert scores["precision"] >= 0.9
    assert scores["recall"] >= 0.9


def test_written_pages_attribute_other_speakers_and_back_references(page_tables):
    gold = pd.read_csv(DATA / "pages" / "gold.csv", dtype=str, keep_default_na=False)
    scores = match_gold(page_tables.quotes, gold)
    assert scores["wrong"] == [] and scores["missed"] == [] and scores["unmatched_predictions"] == []
    assert scores["precision"] == scores["recall"] == 1.0
    verbs = {g: verb for g, verb in scores["verbs"].items() if gold.verb[g]}
    assert {g: gold.verb[g] for g in verbs} == verbs


def test_interleaved_speakers_and_pronoun_follow_the_latest_subject(page_tables):
    quotes = page_tables.quotes.set_index("text").speaker
    assert quotes["의회도 스마트시티 조례 정비로 뒷받침하겠다"] == "정태식"
    assert quotes["시와 의회가 한 방향으로 가야 한다"] == "최지은"  # 최 시장은
    assert quotes["다만 예산 심사는 원칙대로 하겠다"] == "정태식"  # 그는, after 정 의장은
    assert quotes["시민 의견 수렴 절차를 먼저 거쳐야 한다"] == "이정민"  # 이 의원은, not 이 시장
    assert quotes["부산을 아시아 최고의 스마트시티로 만들겠다"] == "박민호"  # no name: the manifest's speaker


def test_headline_quotes_are_paragraph_zero(seed_tables, page_tables):
    headlines = seed_tables.quotes[seed_tables.quotes.para_id == 0].set_index("doc_id")
    assert headlines.loc["000", "text"] == "4차 산업혁명은 일본 뛰어넘을 절호의 기회"
    assert headlines.loc["000", "speaker"] == "이용섭"
    assert headlines.loc["003", "speaker"] == "권영진"  # 권영진, "…"
    joint = page_tables.quotes[(page_tables.quotes.doc_id == "sejong-1") & (page_tables.quotes.para_id == 0)]
    assert joint.speaker.tolist() == ["최지은, 정태식"]


def test_sentence_voice_follows_quoted_spans(seed_tables, page_tables):
    for tables in (seed_tables, page_tables):
        sentences = tables.sentences
        assert set(sentences.voice) == {"quote", "narration"}
        assert (sentences.loc[sentences.voice == "narration", "speaker"] == "").all()
        assert (sentences.loc[sentences.voice == "quote", "speaker"] != "").all()
        # every quote's sentence is a quote sentence with the same speaker
        merged = tables.quotes.merge(sentences, on=["doc_id", "sent_id"], suffixes=("", "_sent"))
        assert len(merged) == len(tables.quotes)
        assert (merged.voice == "quote").all()
    pages = page_tables.sentences.set_index("text")
    assert pages.loc["회의에는 \"AI 행정\" 관련 부서장들이 참석했다.", "voice"] == "narration"  # a term
    # a quote that runs on into the next paragraph makes both sentences quoted
    assert pages.loc["그것이 부산의 미래를 지키는 길이다\"라고 덧붙였다.", "speaker"] == "박민호"


def test_other_officials_are_not_taken_for_the_mayor(seed_tables):
    quotes = seed_tables.quotes
    deputy = quotes[quotes.text.str.contains("이스포츠 메카 도시로 도약을 위해")]
    assert deputy.speaker.tolist() == ["문영훈, 배일권"]
    assert set(quotes.loc[quotes.doc_id == "002", "speaker"]) <= {"강기정", "문영훈, 배일권", "김광진, 박남주, 김석웅"}


def test_reporting_verbs_are_lemmas(seed_tables):
    verbs = seed_tables.quotes.set_index("text").verb
    assert verbs["불법과 불의와 부도덕에 대해 강력히 응징해 주기 바란다"] == "덧붙이다"
    assert verbs["인류 역사상 3번의 산업혁명은 국가들의 운명을 바꾸어놓았다"] == "역설하다"  # "…"며 "…"고 역설했다
    assert verbs["4차 산업혁명은 일본 뛰어넘을 절호의 기회"] == ""  # a headline has no verb


def test_spans_carry_over_paragraphs_and_ignore_single_quotes():
    paragraphs = ['그는 "그동안 \'광주는 정의롭다\'고 강조해왔다.', '나라가 강해져야 한다"며 "끝"이라고 말했다.']
    spans = find_quote_spans(paragraphs)
    assert [s.segments for s in spans] == [[(0, 4, len(paragraphs[0])), (1, 0, 11)], [(1, 15, 16)]]
    assert all(s.speech and s.closed for s in spans)


def test_unclosed_quote_is_trimmed_before_its_reporting_verb():
    text = '시장은 "데이터가 힘이다. "며 "칸막이를 넘는 행정을 펼쳐야 한다고 강조했다.'
    spans = find_quote_spans([text])
    assert [text[s:e] for span in spans for _, s, e in span.segments] == ["데이터가 힘이다. ", "칸막이를 넘는 행정을 펼쳐야 한다"]
    assert spans[-1].closed is False
    quotes = analyse_texts([text]).quotes
    assert quotes.verb.tolist() == ["강조하다", "강조하다"]


def test_terms_in_double_quotes_are_not_speech():
    spans = find_quote_spans(['시는 "광주형 일자리"를 알렸다. "AI"와 "데이터" 중심이다.'])
    assert [s.speech for s in spans] == [False, False, False]


def test_documents_without_speech_have_narration_only():
    # Documents without a speech span skip the speaker walk; their neighbours are unaffected.
    tables = analyse_texts(['시는 "광주형 일자리"를 알렸다.', '박민호 부산시장은 "우리가 개척한다"고 말했다.', "그냥 서술이다."])
    assert tables.quotes[["doc_id", "text", "speaker", "verb"]].values.tolist() == [
        ["1", "우리가 개척한다", "박민호", "말하다"]]
    voice = tables.sentences.set_index("doc_id").voice
    assert (voice["0"], voice["1"], voice["2"]) == ("narration", "quote", "narration")


# --- offsets of quotes ----------------------------------------------------------------


def source_of(documents: pd.DataFrame, doc_id: str, para_id: int) -> str:
    """The text a quote's offsets index: the (NFC) title for para_id 0, else the body."""
    row = documents.set_index(documents.doc_id.astype(str)).loc[doc_id]
    return unicodedata.normalize("NFC", str(row.title if para_id == 0 else row.text))


def check_offsets(documents: pd.DataFrame, quotes: pd.DataFrame) -> int:
    """Assert every quote's offsets against its document; return how many run over paragraphs."""
    multi = 0
    for q in quotes.itertuples():
        source = source_of(documents, q.doc_id, q.para_id)
        piece = source[q.start:q.end]
        if "\n" not in piece:
            assert piece == q.text, (q.doc_id, q.quote_id, piece, q.text)
        else:  # continued: start in its first paragraph, end in its last, parts joined by a space
            multi += 1
            assert " ".join(line.strip() for line in piece.split("\n") if line.strip()) == q.text
        if q.para_id > 0:  # the paragraph holding ``start`` is the quote's paragraph
            lines = source[:q.start].split("\n")
            assert sum(1 for line in lines[:-1] if line.strip()) + 1 == q.para_id
    return multi


@pytest.fixture(scope="session")
def page_documents():
    pages = DATA / "pages"
    docs = pd.read_csv(pages / "manifest.csv", dtype=str, keep_default_na=False)
    docs["text"] = [(pages / name).read_text(encoding="utf-8") for name in docs.file]
    return docs


def test_quote_offsets_index_the_document_text(seed_corpus, seed_tables, page_documents, page_tables):
    quotes = seed_tables.quotes
    assert list(quotes.columns) == ["doc_id", "para_id", "sent_id", "quote_id", "start", "end", "text", "speaker",
                                    "verb"]
    assert check_offsets(seed_corpus.documents, quotes) == 0 and len(quotes) > 40
    assert check_offsets(page_documents, page_tables.quotes) == 1  # 박민호's quote over two paragraphs
    for tables in (seed_tables, page_tables):  # quotes follow one another without overlapping
        for _, doc in tables.quotes.groupby(["doc_id", tables.quotes.para_id == 0]):
            assert (doc.start.to_numpy()[1:] >= doc.end.to_numpy()[:-1]).all()


def test_quote_offsets_in_constructed_examples():
    docs = pd.DataFrame({
        "doc_id": ["pad", "title", "carry", "unclosed"],
        "title": ["", '박민호 "새 길 연다"', "", ""],
        "text": ['박 시장은 “  우리가 길을 연다 ”고 말했다.',
                 '박 시장은 "우리가 개척한다"고 말했다.',
                 '그는 "그동안 \'광주는 정의롭다\'고 강조해왔다. \n\n  나라가 강해져야 한다"며 "끝"이라고 말했다.',
                 '시장은 "데이터가 힘이다. "며 "칸막이를 넘는 행정을 펼쳐야 한다고 강조했다.'],
        "speaker": ["박민호"] * 4,
    })
    quotes = analyse_documents(docs, progress=False).quotes
    assert quotes[["doc_id", "para_id", "quote_id", "text"]].values.tolist() == [
        ["pad", 1, 1, "우리가 길을 연다"],
        ["title", 0, 1, "새 길 연다"], ["title", 1, 2, "우리가 개척한다"],
        ["carry", 1, 1, "그동안 '광주는 정의롭다'고 강조해왔다. 나라가 강해져야 한다"], ["carry", 2, 2, "끝"],
        ["unclosed", 1, 1, "데이터가 힘이다."], ["unclosed", 1, 2, "칸막이를 넘는 행정을 펼쳐야 한다"],
    ]
    assert check_offsets(docs, quotes) == 1
    carry = quotes[quotes.doc_id == "carry"].iloc[0]
    text = docs.text[2]
    assert text.index("그동안") == carry.start and text.index(" 한다\"") + 3 == carry.end
    assert quotes.loc[quotes.doc_id == "title", ["start", "end"]].values.tolist() == [[5, 11], [7, 15]]


# --- the voice of spans ---------------------------------------------------------------


def spans_of(sentences: pd.DataFrame, doc_id: str, words: list[str]) -> pd.DataFrame:
    """Spans (offsets into their sentence) of the first sentence of ``doc_id`` holding each word."""
    rows = []
    for word in words:
        hits = sentences[(sentences.doc_id == doc_id) & sentences.text.str.contains(word, regex=False)]
        sent = hits.iloc[0]
        rows.append((doc_id, sent.sent_id, sent.text.index(word), sent.text.index(word) + len(word)))
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "start", "end"])


def test_spans_take_the_quote_holding_most_of_them():
    docs = pd.DataFrame({"doc_id": ["a"], "title": ['박민호 "새 길 연다"'],
                         "text": ['정부 의존을 경계한다는 박 시장은 "우리가 길을 연다"고 말했다.'], "speaker": ["박민호"]})
    tables = analyse_documents(docs, progress=False)
    assert tables.quotes[["para_id", "quote_id", "text"]].values.tolist() == [[0, 1, "새 길 연다"],
                                                                             [1, 2, "우리가 길을 연다"]]
    spans = spans_of(tables.sentences, "a", [
        "새 길",  # in the title's quote
        "박민호",  # the title's narration
        "우리가 길을",  # inside the body's quote
        "정부",  # narration
        '길을 연다"고',  # straddling, mostly inside (5 of 8 characters)
        '연다"고 말',  # straddling, mostly outside (2 of 6)
        '연다"고',  # exactly half inside: not more than half
    ])
    assert find_quote_of_spans(spans, tables.sentences, tables.quotes).tolist() == [1, 0, 2, 0, 2, 0, 0]
    # The title and the body are separate coordinate spaces: the body's characters 5..11,
    # where the title's quote lies in the title, are narration.
    body = tables.sentences[tables.sentences.para_id == 1].iloc[0]
    same_place = pd.DataFrame({"doc_id": ["a"], "sent_id": [body.sent_id], "start": [5], "end": [11]})
    assert find_quote_of_spans(same_place, tables.sentences, tables.quotes).tolist() == [0]


def test_zero_length_spans_are_points():
    sentences = pd.DataFrame({"doc_id": ["d"], "sent_id": [1], "para_id": [1], "start": [100]})
    quotes = pd.DataFrame({"doc_id": ["d"], "para_id": [1], "quote_id": [3], "start": [110], "end": [120]})
    points = pd.DataFrame({"doc_id": "d", "sent_id": 1, "start": [9, 10, 15, 19, 20], "end": [9, 10, 15, 19, 20]})
    assert find_quote_of_spans(points, sentences, quotes).tolist() == [0, 3, 3, 3, 0]


def test_a_quote_over_two_sentences_claims_spans_in_both():
    # Kiwi keeps a quote within a paragraph in one sentence; this one runs over a paragraph
    # break, so its sentences are in two paragraphs (and so two sentences).
    docs = pd.DataFrame({"doc_id": ["c"], "text": ['그는 "그동안 광주는 정의롭다고 강조해왔다.\n나라가 강해져야 한다"며 말했다.']})
    tables = analyse_documents(docs, progress=False)
    spans = spans_of(tables.sentences, "c", ["정의롭다", "강해져야", "말했다", "그는"])
    assert spans.sent_id.nunique() == 2
    assert find_quote_of_spans(spans, tables.sentences, tables.quotes).tolist() == [1, 1, 0, 0]
    # The same with hand-made tables: one paragraph, two sentences, one quote across them.
    sentences = pd.DataFrame({"doc_id": ["x", "x", "x"], "sent_id": [1, 2, 3], "para_id": [1, 1, 1],
                              "start": [0, 20, 40]})
    quotes = pd.DataFrame({"doc_id": ["x"], "para_id": [1], "quote_id": [1], "start": [12], "end": [30]})
    spans = pd.DataFrame({"doc_id": "x", "sent_id": [1, 1, 2, 2, 3], "start": [2, 13, 0, 12, 0],
                          "end": [6, 17, 4, 16, 4]})
    assert find_quote_of_spans(spans, sentences, quotes).tolist() == [0, 1, 1, 0, 0]


def test_spans_outside_the_tables_are_not_quoted():
    sentences = pd.DataFrame({"doc_id": ["d", "e"], "sent_id": [1, 1], "para_id": [1, 1], "start": [0, 0]})
    quotes = pd.DataFrame({"doc_id": ["d"], "para_id": [1], "quote_id": [1], "start": [0], "end": [10]})
    spans = pd.DataFrame({"doc_id": ["d", "d", "e", "zzz"], "sent_id": [1, 7, 1, 1], "start": 2, "end": 4},
                         index=[10, 11, 12, 13])
    got = find_quote_of_spans(spans, sentences, quotes)
    assert got.tolist() == [1, 0, 0, 0] and got.index.tolist() == [10, 11, 12, 13] and got.dtype == "int64"
    assert find_quote_of_spans(spans, sentences, quotes.iloc[0:0]).tolist() == [0, 0, 0, 0]
    assert find_quote_of_spans(spans.iloc[0:0], sentences, quotes).tolist() == []


def test_morphemes_take_the_voice_of_their_quote(seed_tables, page_tables):
    for tables in (seed_tables, page_tables):
        morphemes, sentences, quotes = tables.morphemes, tables.sentences, tables.quotes
        got = find_quote_of_spans(morphemes, sentences, quotes).to_numpy()
        # The rule one morpheme at a time: more than half of it inside one of its document's quotes.
        sent = sentences.set_index(["doc_id", "sent_id"])
        by_doc = {doc: group for doc, group in quotes.groupby("doc_id")}
        expected = []
        for m in morphemes.itertuples():
            base, title = sent.start[m.doc_id, m.sent_id], sent.para_id[m.doc_id, m.sent_id] == 0
            a, b, found = base + m.start, base + m.end, 0
            for q in by_doc.get(m.doc_id, quotes.iloc[0:0]).itertuples():
                if (q.para_id == 0) == title and (
                        (min(b, q.end) - max(a, q.start)) * 2 > b - a if b > a else q.start <= a < q.end):
                    found = q.quote_id
            expected.append(found)
        assert got.tolist() == expected
        # Narration sentences hold no quoted morpheme; every quote holds some.
        voice = morphemes.merge(sentences[["doc_id", "sent_id", "voice"]], on=["doc_id", "sent_id"]).voice
        assert (got[(voice == "narration").to_numpy()] == 0).all()
        claimed = set(zip(morphemes.doc_id[got > 0], got[got > 0]))
        assert claimed == set(zip(quotes.doc_id, quotes.quote_id))
        assert np.isin(got, np.r_[0, quotes.quote_id.unique()]).all()
