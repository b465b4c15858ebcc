"""The tokenizer: lemmas, user words, synonyms, settings, pickling and the Kiwi cache."""

import pickle

from analysis.settings import DEFAULTS
from analysis.text import DEFAULT_POS, Tokenizer, load_kiwi, read_stopwords


def test_verbs_become_dictionary_forms(tok):
    assert tok("일본을 뛰어넘어야 한다") == ["일본", "뛰어넘다"]
    assert tok("일본을 추월해야 한다") == ["일본", "추월하다"]
    assert tok("우리의 운명은 우리가 개척한다") == ["운명", "개척하다"]
    assert "정의롭다" in tok("광주는 정의롭다")


def test_domain_terms_stay_whole(tok):
    tokens = tok("4차 산업혁명과 인공지능, 광주형 일자리, 스마트시티, 그린뉴딜, 탄소중립을 말했다")
    assert tokens[:6] == ["4차 산업혁명", "인공지능", "광주형 일자리", "스마트시티", "그린뉴딜", "탄소중립"]


def test_synonyms_merge_into_canonical_lemmas(tok, tables, find_row):
    assert tok("AI 대표도시") == tok("인공지능 대표도시") == ["인공지능", "대표", "도시"]
    assert tok("4차산업혁명 시대") == tok("4차 산업혁명 시대") == ["4차 산업혁명", "시대"]
    assert tok("광주형일자리") == ["광주형 일자리"]
    ai = find_row(tables.morphemes, "AI")
    assert (ai.lemma, ai.tag) == ("인공지능", "NNG")  # the form stays the surface


def test_words_of_rhetoric_are_not_stopwords():
    stop = read_stopwords()
    assert {"우리", "지역", "미래", "시민"}.isdisjoint(stop)
    assert Tokenizer(pos=("NNG", "NP"))("지역과 우리가 함께 간다") == ["지역", "우리"]


def test_tokenize_with_offsets_highlights_the_source(tok):
    source = "\ufeff광주형일자리를 통해 일본을 추월해야 한다"
    spans = tok.tokenize_with_offsets(source)
    assert [t for t, _, _ in spans] == ["광주형 일자리", "일본", "추월하다"]
    assert [source[s:e] for _, s, e in spans] == ["광주형일자리", "일본", "추월해"]


def test_tokenizer_settings(tok):
    sentence = "위기를 기회로 삼아 일본을 이기는 길을 간다"
    assert Tokenizer(pos=("NNG",), min_len=1)(sentence) == ["위기", "기회", "길"]
    assert "길" not in Tokenizer(min_len=2)(sentence)
    assert "일본" not in Tokenizer(stopwords=["일본"])(sentence)
    assert "이기다" not in Tokenizer(stopwords=[("이기다", "VV")])(sentence)
    assert Tokenizer(synonyms={})("AI") == []  # without the map AI is a foreign-script SL token


def test_tokenizer_defaults_are_the_package_settings():
    tok = Tokenizer()
    assert tok.pos == DEFAULTS.pos == DEFAULT_POS == ("NNG", "NNP") and tok.min_len == DEFAULTS.min_len == 2
    assert "길" not in tok("길을 간다")  # one syllable: shorter than the default min_len
    assert tok("우리는 일본을 뛰어넘어야 한다") == ["일본"]  # nouns only, by default
    assert repr(DEFAULTS.make_tokenizer()) == repr(tok)


def test_tokenizer_pickles_and_plugs_into_scikit_learn_and_gensim(tok):
    tok("워밍업")  # the Kiwi with user words exists now and must not be pickled
    clone = pickle.loads(pickle.dumps(tok))
    assert clone("AI로 일본을 추월해야 한다") == ["인공지능", "일본", "추월하다"]
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(tokenizer=tok, lowercase=False, token_pattern=None)
    vectorizer.fit(["일본을 뛰어넘어야 한다", "AI로 일본을 추월해야 한다"])
    assert list(vectorizer.get_feature_names_out()) == ["뛰어넘다", "인공지능", "일본", "추월하다"]
    pickle.loads(pickle.dumps(vectorizer))
    from gensim.corpora import Dictionary

    assert "4차 산업혁명" in Dictionary([tok("4차산업혁명 시대")]).token2id


def test_kiwi_is_cached_per_settings_and_uses_workers(tok):
    assert load_kiwi() is load_kiwi() is tok.kiwi
    assert tok.kiwi.num_workers >= 1
