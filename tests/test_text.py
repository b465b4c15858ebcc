"""The text layer: one Kiwi pass, lemmas, offsets, lexicons, tokenizer, cache."""

import pickle
import unicodedata

import pandas as pd
import pytest

from analysis import lexicons, text
from analysis.lexicons import LexiconError, promote_to_userdict, read_stopwords, read_synonyms, read_userdict
from analysis.text import Tokenizer, analyse_documents, analyse_texts, find_collocations, load_kiwi, tokens_by_unit

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
def tok():
    return Tokenizer()


@pytest.fixture(scope="session")
def tables(tok):
    return analyse_documents(DOCS, tokenizer=tok, progress=False)


def row_of(morphemes, form):
    rows = morphemes[morphemes.form == form]
    assert len(rows) >= 1, f"no morpheme {form!r}"
    return rows.iloc[0]


# --- lemmas and terms -----------------------------------------------------------------


def test_verbs_become_dictionary_forms(tok):
    assert tok("일본을 뛰어넘어야 한다") == ["일본", "뛰어넘다"]
    assert tok("일본을 추월해야 한다") == ["일본", "추월하다"]
    assert tok("우리의 운명은 우리가 개척한다") == ["운명", "개척하다"]
    assert "정의롭다" in tok("광주는 정의롭다")


def test_noun_and_suffix_are_one_row(tables):
    row = row_of(tables.morphemes, "추월하")
    assert (row.tag, row.lemma) == ("VV", "추월하다")
    sentence = tables.sentences.set_index(["doc_id", "sent_id"]).text[row.doc_id, row.sent_id]
    assert sentence[row.start:row.end] == "추월해"  # noun start to suffix end
    assert row_of(tables.morphemes, "단호하").tag == "VA"  # root + XSA
    assert not tables.morphemes.tag.isin(["XSV", "XSA"]).any()
    assert not tables.morphemes.tag.str.contains("-").any()  # VA-I -> VA


def test_domain_terms_stay_whole(tok):
    tokens = tok("4차 산업혁명과 인공지능, 광주형 일자리, 스마트시티, 그린뉴딜, 탄소중립을 말했다")
    assert tokens[:6] == ["4차 산업혁명", "인공지능", "광주형 일자리", "스마트시티", "그린뉴딜", "탄소중립"]


def test_synonyms_merge_into_canonical_lemmas(tok, tables):
    assert tok("AI 대표도시") == tok("인공지능 대표도시") == ["인공지능", "대표", "도시"]
    assert tok("4차산업혁명 시대") == tok("4차 산업혁명 시대") == ["4차 산업혁명", "시대"]
    assert tok("광주형일자리") == ["광주형 일자리"]
    ai = row_of(tables.morphemes, "AI")
    assert (ai.lemma, ai.tag) == ("인공지능", "NNG")  # the form stays the surface


def test_words_of_rhetoric_are_not_stopwords():
    stop = read_stopwords()
    assert {"우리", "지역", "미래", "시민"}.isdisjoint(stop)
    assert Tokenizer(pos=("NNG", "NP"))("지역과 우리가 함께 간다") == ["지역", "우리"]


# --- segments and offsets -------------------------------------------------------------


def test_ids_are_one_based_and_sentences_run_across_the_document(tables):
    s = tables.sentences
    assert list(s.columns) == text.SENTENCE_COLUMNS
    for _, doc in s.groupby("doc_id"):
        assert doc.sent_id.tolist() == list(range(1, len(doc) + 1))
        assert doc.para_id.iloc[0] == 0 and doc.para_id.is_monotonic_increasing
    assert s[s.doc_id == "000"].para_id.max() == 3  # the blank line is not a paragraph
    # the quote spanning two sentences stays one sentence (Kiwi keeps quoted speech together)
    assert s.text.str.contains("단호해져야 한다. 위기를").any()


def test_sentence_offsets_index_the_document_text_and_title(tables):
    docs = DOCS.set_index("doc_id")
    for row in tables.sentences.itertuples():
        source = docs.title[row.doc_id] if row.para_id == 0 else docs.text[row.doc_id]
        assert source[row.start:row.end] == row.text


def test_morpheme_offsets_point_at_their_surface(tables):
    merged = tables.morphemes.merge(tables.sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])
    surfaces = [t[s:e] for t, s, e in zip(merged.text, merged.start, merged.end)]
    nouns = merged.tag.isin(["NNG", "NNP", "SL"]).to_numpy()
    for surface, form, is_noun in zip(surfaces, merged.form, nouns):
        if is_noun:
            # a zero-width character stays in the surface (offsets index the input); a user
            # word with a space (광주형 일자리) also matches its unspaced spelling
            assert surface.replace("\u200b", "").replace(" ", "") == form.replace(" ", "")
    assert "인공\u200b지능" in surfaces  # the split word was analysed whole, offsets span the input
    assert "\ufeff" not in set(merged.form)  # no BOM token


def test_tokenize_with_offsets_highlights_the_source(tok):
    source = "\ufeff광주형일자리를 통해 일본을 추월해야 한다"
    spans = tok.tokenize_with_offsets(source)
    assert [t for t, _, _ in spans] == ["광주형 일자리", "일본", "추월하다"]
    assert [source[s:e] for _, s, e in spans] == ["광주형일자리", "일본", "추월해"]


def test_title_is_paragraph_zero_and_its_quote_counts(tables):
    title = tables.quotes[(tables.quotes.doc_id == "000") & (tables.quotes.para_id == 0)]
    assert title.text.tolist() == ["4차 산업혁명은 일본 뛰어넘을 절호의 기회"]
    assert title.speaker.tolist() == ["이용섭"]


def test_analyse_texts_numbers_documents(tok):
    tables = analyse_texts(["문장 하나.", "문장 둘. 문장 셋."], tokenizer=tok)
    assert tables.sentences.doc_id.tolist() == ["0", "1", "1"]
    assert (tables.sentences.para_id == 1).all()
    assert list(tables.quotes.columns) == text.QUOTE_COLUMNS and tables.quotes.empty


# --- tokens ---------------------------------------------------------------------------


def test_tokens_by_unit_keeps_ids_and_filters(tables):
    tok = Tokenizer(min_len=2)
    by_para = tokens_by_unit(tables.morphemes, unit="paragraph", tokenizer=tok)
    assert list(by_para.columns) == ["doc_id", "para_id", "tokens", "n_tokens"]
    assert len(by_para) == len(tables.sentences[["doc_id", "para_id"]].drop_duplicates())
    assert (by_para.n_tokens == by_para.tokens.map(len)).all()
    first = by_para[(by_para.doc_id == "000") & (by_para.para_id == 1)].tokens.iloc[0]
    assert "뛰어넘다" in first and "일본" in first and "하다" not in first
    docs = tokens_by_unit(tables.morphemes, unit="document", tokenizer=tok, include_title=False)
    assert docs.doc_id.tolist() == ["000", "003"] and "인공지능" in docs.tokens.iloc[0]
    sents = tokens_by_unit(tables.morphemes, unit="sentence", tokenizer=Tokenizer(pos=("MAG",)))
    assert len(sents) == len(tables.sentences) and (sents.n_tokens == 0).any()  # empty units stay
    with pytest.raises(ValueError):
        tokens_by_unit(tables.morphemes, unit="word")


def test_tokens_by_unit_matches_the_row_by_row_filter(tables):
    # tokens_by_unit works on whole columns; this is the same filter one row at a time,
    # with synonyms and (lemma, tag) stopwords that differ from the analysis's own.
    tok = Tokenizer(pos=("NNG", "NNP", "VV", "MAG"), min_len=2, stopwords=["일본", ("개척하다", "VV")],
                    synonyms={"운명": "숙명", "인공지능": ("AI", "SL")})
    for unit, keys in text.UNIT_KEYS.items():
        for include_title in (True, False):
            expected: dict[tuple, list[str]] = {}
            for row in tables.morphemes.itertuples(index=False):
                if row.para_id == 0 and not include_title:
                    continue
                lemma, tag = tok.canonicalise(row.lemma, row.tag)
                tokens = expected.setdefault(tuple(getattr(row, key) for key in keys), [])
                if tok.accepts(lemma, tag):
                    tokens.append(lemma)
            got = tokens_by_unit(tables.morphemes, unit=unit, tokenizer=tok, include_title=include_title)
            assert list(got[keys].itertuples(index=False, name=None)) == list(expected)
            assert got.tokens.tolist() == list(expected.values())
            assert got.n_tokens.dtype == "int64" and got[keys].dtypes.tolist() == tables.morphemes[keys].dtypes.tolist()
    flat = tokens_by_unit(tables.morphemes, unit="document", tokenizer=tok).tokens.sum()
    assert "숙명" in flat and "운명" not in flat and "일본" not in flat and "개척하다" not in flat and "AI" not in flat


def test_tokenizer_settings(tok):
    sentence = "위기를 기회로 삼아 일본을 이기는 길을 간다"
    assert Tokenizer(pos=("NNG",))(sentence) == ["위기", "기회", "길"]
    assert "길" not in Tokenizer(min_len=2)(sentence)
    assert "일본" not in Tokenizer(stopwords=["일본"])(sentence)
    assert "이기다" not in Tokenizer(stopwords=[("이기다", "VV")])(sentence)
    assert Tokenizer(synonyms={})("AI") == []  # without the map AI is a foreign-script SL token


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


# --- lexicons -------------------------------------------------------------------------


def test_packaged_lexicons_are_valid_and_versioned():
    assert ("4차 산업혁명", "NNP") in {(w.form, w.tag) for w in read_userdict()}
    assert read_synonyms()["4차산업혁명"] == ("4차 산업혁명", "NNP")
    for name in ("userdict.tsv", "stopwords.txt", "synonyms.tsv"):
        assert lexicons.read_lexicon_version(name=name) == "1"
        assert len(lexicons.hash_lexicon(name=name)) == 64


@pytest.mark.parametrize("name, content, reason", [
    ("userdict.tsv", "인공지능\tNNG\n스마트시티\n", "expected word<TAB>TAG[<TAB>score] (2-3 tab-separated fields), got 1"),
    ("userdict.tsv", "인공지능\tNNG\n그린뉴딜\tNOUN\n", "unknown POS tag 'NOUN'"),
    ("userdict.tsv", "인공지능\tNNG\n그린뉴딜\tNNG\thigh\n", "score 'high' is not a number"),
    ("userdict.tsv", "인공지능\tNNG\n인공지능\tNNG\n", "duplicate entry '인공지능'/NNG (first on line 2)"),
    ("userdict.tsv", "인공지능\tNNG\n\tNNG\n", "empty field"),
    ("stopwords.txt", "하다\n되다\tVV\tx\n", "expected lemma[<TAB>TAG] (1-2 tab-separated fields), got 3"),
    ("stopwords.txt", "하다\n하다\n", "duplicate entry '하다' (first on line 2)"),
    ("synonyms.tsv", "AI\t인공지능\nA.I.\tA.I.\n", "'A.I.' is mapped to itself"),
    ("synonyms.tsv", "AI\t인공지능\nAI\t에이아이\n", "duplicate variant 'AI' (first on line 2)"),
    ("synonyms.tsv", "AI\t인공지능\n인공지능\tAI기술\n", "chain: canonical '인공지능' is itself a variant on line 3"),
    ("synonyms.tsv", "AI\t인공지능\tNOUN\n", "unknown POS tag 'NOUN'"),
])
def test_malformed_lexicon_lines_name_file_line_and_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_text("# version: 1\n" + content, encoding="utf-8")
    reader = {"userdict.tsv": read_userdict, "stopwords.txt": read_stopwords, "synonyms.tsv": read_synonyms}[name]
    with pytest.raises(LexiconError) as error:
        reader(path)
    assert str(path) in str(error.value) and reason in str(error.value)
    assert error.value.line in (2, 3) and str(error.value).startswith(f"{path}:{error.value.line}: ")


def test_unreadable_lexicon_files(tmp_path):
    bad = tmp_path / "stopwords.txt"
    bad.write_bytes("하다\n".encode("cp949"))
    with pytest.raises(LexiconError, match="not UTF-8"):
        read_stopwords(bad)
    with pytest.raises(LexiconError, match="file not found"):
        read_userdict(tmp_path / "missing.tsv")


def test_entries_are_normalised_to_nfc(tmp_path):
    path = tmp_path / "stopwords.txt"
    path.write_text(unicodedata.normalize("NFD", "지역\n"), encoding="utf-8")
    assert read_stopwords(path) == {"지역"}


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


def test_a_promoted_word_stays_whole(tmp_path):
    path = tmp_path / "userdict.tsv"
    promote_to_userdict(["빛그린산단"], path, tag="NNP")
    words = read_userdict() + read_userdict(path)
    assert "빛그린산단" in Tokenizer(userdict=words)("빛그린산단에 공장을 짓는다")


# --- one pass and the cache -----------------------------------------------------------


@pytest.fixture
def kiwi_calls(monkeypatch):
    calls = []
    real = text._run_kiwi

    def counting(kiwi, texts):
        calls.append(len(texts))
        return real(kiwi, texts)

    monkeypatch.setattr(text, "_run_kiwi", counting)
    return calls


def test_one_kiwi_pass_over_all_paragraphs(tok, kiwi_calls):
    analyse_documents(DOCS, tokenizer=tok, progress=False)
    assert kiwi_calls == [len(text._split_paragraphs(DOCS))]  # one call, every paragraph once


def test_cached_rerun_does_not_call_kiwi(tok, tmp_path, kiwi_calls):
    first = analyse_documents(DOCS, tokenizer=tok, cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 1 and len(list(tmp_path.glob("*.parquet"))) == 2
    second = analyse_documents(DOCS, tokenizer=tok, cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 1  # the cache answered
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name), check_dtype=False)
    analyse_documents(DOCS, tokenizer=Tokenizer(stopwords=[], min_len=3), cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 1  # filters apply after the cache
    changed = DOCS.assign(text=DOCS.text + "\n새 문단이다.")
    analyse_documents(changed, tokenizer=tok, cache_dir=tmp_path, progress=False)
    analyse_documents(DOCS, tokenizer=Tokenizer(synonyms={}), cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 3  # new text, new synonyms: new keys


def test_interrupted_cache_write_leaves_nothing_trusted(tok, tmp_path, kiwi_calls, monkeypatch):
    real = pd.DataFrame.to_parquet

    def crash_on_morphemes(self, path, *args, **kwargs):
        if "morphemes" in str(path):
            real(self.head(1), path, *args, **kwargs)  # a partial file under the temporary name
            raise KeyboardInterrupt
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash_on_morphemes)
    with pytest.raises(KeyboardInterrupt):
        analyse_documents(DOCS, tokenizer=tok, cache_dir=tmp_path, progress=False)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    assert not list(tmp_path.glob("*morphemes*"))  # neither the partial nor a final file
    tables = analyse_documents(DOCS, tokenizer=tok, cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 2 and not tables.morphemes.empty


# --- the compact Kiwi pass against a plain one ----------------------------------------


def plain_morphemes(documents: pd.DataFrame, tokenizer: Tokenizer) -> pd.DataFrame:
    """The morpheme rules written the slow, obvious way: one Kiwi call and Python rows per
    paragraph. The module streams Kiwi's batch output into compact columns instead."""
    rows, sent_ids = [], {}
    for doc_id, para_id, _, paragraph in text._split_paragraphs(documents).itertuples(index=False):
        cleaned, kept = text._strip_invisible(paragraph)

        def place(pos, end=False):
            if kept is None:
                return pos
            return kept[pos - 1] + 1 if end and pos > 0 else kept[pos]

        for sent in tokenizer.kiwi.split_into_sents(cleaned, return_tokens=True):
            sent_ids[doc_id] = sent_id = sent_ids.get(doc_id, 0) + 1
            base, joinable = place(sent.start), False
            for token in sent.tokens:
                tag = token.tag.split("-")[0]
                start = place(token.start) - base
                end = max(place(token.end, end=True) - base, start)
                if joinable and tag in ("XSV", "XSA") and rows[-1]["end"] == start:
                    host = rows[-1]
                    host.update(form=host["form"] + token.form, tag={"XSV": "VV", "XSA": "VA"}[tag], end=end)
                    host["lemma"] = host["form"] + "다"
                    joinable = False
                    continue
                rows.append({"doc_id": doc_id, "para_id": para_id, "sent_id": sent_id, "form": token.form,
                             "tag": tag, "lemma": token.lemma, "start": start, "end": end})
                joinable = tag in ("NNG", "NNP", "XR")
    for row in rows:
        row["lemma"], row["tag"] = tokenizer.canonicalise(row["lemma"], row["tag"])
    return pd.DataFrame(rows, columns=text.MORPHEME_COLUMNS).astype(
        {"doc_id": str, "para_id": "int64", "sent_id": "int64", "form": str, "tag": str, "lemma": str,
         "start": "int64", "end": "int64"})


@pytest.mark.parametrize("corpus", ["inline", "seed"])
def test_morphemes_equal_a_plain_token_loop(tok, seed_corpus, corpus):
    documents = DOCS if corpus == "inline" else seed_corpus.documents  # inline: BOM, zero-width space
    expected = plain_morphemes(documents, tok)
    got = analyse_documents(documents, tokenizer=tok, progress=False).morphemes
    pd.testing.assert_frame_equal(got, expected)  # same rows, order, values and dtypes
    assert got.tag.isin(["VV", "VA"]).any() and (got.form.str.len() > 1).any()


def test_batch_size_does_not_change_the_tables(tok, seed_corpus, monkeypatch):
    documents = pd.concat([seed_corpus.documents, DOCS.assign(doc_id=["x0", "x3"])], ignore_index=True)
    whole = analyse_documents(documents, tokenizer=tok, progress=False)
    monkeypatch.setattr(text, "_BATCH_ROWS", 7)  # pack after nearly every paragraph
    batched = analyse_documents(documents, tokenizer=tok, progress=False)
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(batched, name), getattr(whole, name))


def test_tables_have_the_documented_dtypes_fresh_and_cached(tok, tmp_path):
    fresh = analyse_documents(DOCS, tokenizer=tok, cache_dir=tmp_path, progress=False)
    cached = analyse_documents(DOCS, tokenizer=tok, cache_dir=tmp_path, progress=False)
    string = pd.Series([""]).astype(str).dtype  # what astype(str) gives in this pandas
    for tables in (fresh, cached):
        assert tables.morphemes.dtypes.tolist() == [string, "int64", "int64", string, string, string, "int64", "int64"]
        assert tables.sentences.dtypes.tolist() == [string, "int64", "int64", "int64", "int64", string, string, string]
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(fresh, name), getattr(cached, name))
