"""Fixtures shared by the text-layer tests: a small inline corpus and its tables."""

import pandas as pd
import pytest

from analysis.text import Tokenizer, analyse, analyse_documents

# Cleaned paragraphs from the seed pages, plus one with a BOM and a zero-width space.
BODY = "\n".join([
    '이 시장은 "하지만 이럴 때일수록 냉정하고 단호해져야 한다. 위기를 절호의 기회로 삼아 일본을 뛰어넘어야 한다"고 강조했다.',
    "",
    '이 시장은 "4차산업혁명을 통해 차선을 바꾸고 일본을 추월해야 한다"고 역설했다.',
    "\ufeff우리의 운명은 우리가 개척한다. 광주형일자리와 인공\u200b지능(AI)으로 스마트시티를 만든다.",
])
DOCS = pd.DataFrame({
    "doc_id": ["000", "003"],
    "title": ['이용섭 광주시장 "4차 산업혁명은 일본 뛰어넘을 절호의 기회"', '권영진, "우리의 운명은 우리가 개척"'],
    "text": [BODY, "권 시장은 그린뉴딜과 탄소중립을 말했다.\n지역과 우리가 함께 간다."],
    "speaker": ["이용섭", "권영진"], "office": ["광주광역시장", "대구광역시장"],
})


@pytest.fixture(scope="session")
def docs():
    return DOCS.copy()


@pytest.fixture(scope="session")
def tok():
    # Verbs and adjectives too: these tests are about lemmas of every part of speech.
    return Tokenizer(pos=("NNG", "NNP", "VV", "VA"))


@pytest.fixture(scope="session")
def tables(tok):
    return analyse_documents(DOCS, tokenizer=tok, progress=False)


def row_of(morphemes, form):
    rows = morphemes[morphemes.form == form]
    assert len(rows) >= 1, f"no morpheme {form!r}"
    return rows.iloc[0]


@pytest.fixture(scope="session")
def find_row():
    """``find_row(morphemes, form)``: the first morpheme row with that form (asserts there is one)."""
    return row_of


@pytest.fixture
def kiwi_calls(monkeypatch):
    """The number of paragraphs of each Kiwi call (``run_kiwi`` is the only one)."""
    calls = []
    real = analyse.run_kiwi

    def counting(kiwi, texts):
        calls.append(len(texts))
        return real(kiwi, texts)

    monkeypatch.setattr(analyse, "run_kiwi", counting)
    return calls
