"""Quoted speech and speakers: the seed corpus against a hand-checked gold table, and pages
written for the tests with other speakers, back-references and an interleaved speaker."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.quotes import find_quote_spans
from analysis.text import analyse_documents, analyse_texts

DATA = Path(__file__).parent / "data"


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
