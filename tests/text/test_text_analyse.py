"""The one Kiwi pass: sentences, morphemes, offsets, ids, dtypes, and the parquet cache."""

import pandas as pd
import pytest

import analysis.text
from analysis.text import (
    MORPHEME_COLUMNS,
    QUOTE_COLUMNS,
    SENTENCE_COLUMNS,
    Tokenizer,
    analyse,
    analyse_documents,
    analyse_texts,
)
from analysis.text.analyse import split_paragraphs, strip_invisible

# --- lemmas, segments and offsets -----------------------------------------------------


def test_noun_and_suffix_are_one_row(tables, find_row):
    row = find_row(tables.morphemes, "추월하")
    assert (row.tag, row.lemma) == ("VV", "추월하다")
    sentence = tables.sentences.set_index(["doc_id", "sent_id"]).text[row.doc_id, row.sent_id]
    assert sentence[row.start:row.end] == "추월해"  # noun start to suffix end
    assert find_row(tables.morphemes, "단호하").tag == "VA"  # root + XSA
    assert not tables.morphemes.tag.isin(["XSV", "XSA"]).any()
    assert not tables.morphemes.tag.str.contains("-").any()  # VA-I -> VA


def test_ids_are_one_based_and_sentences_run_across_the_document(tables):
    s = tables.sentences
    assert list(s.columns) == SENTENCE_COLUMNS
    for _, doc in s.groupby("doc_id"):
        assert doc.sent_id.tolist() == list(range(1, len(doc) + 1))
        assert doc.para_id.iloc[0] == 0 and doc.para_id.is_monotonic_increasing
    assert s[s.doc_id == "000"].para_id.max() == 3  # the blank line is not a paragraph
    # the quote spanning two sentences stays one sentence (Kiwi keeps quoted speech together)
    assert s.text.str.contains("단호해져야 한다. 위기를").any()


def test_sentence_offsets_index_the_document_text_and_title(tables, docs):
    docs = docs.set_index("doc_id")
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


def test_title_is_paragraph_zero_and_its_quote_counts(tables):
    title = tables.quotes[(tables.quotes.doc_id == "000") & (tables.quotes.para_id == 0)]
    assert title.text.tolist() == ["4차 산업혁명은 일본 뛰어넘을 절호의 기회"]
    assert title.speaker.tolist() == ["이용섭"]


def test_analyse_texts_numbers_documents(tok):
    tables = analyse_texts(["문장 하나.", "문장 둘. 문장 셋."], tokenizer=tok)
    assert tables.sentences.doc_id.tolist() == ["0", "1", "1"]
    assert (tables.sentences.para_id == 1).all()
    assert list(tables.quotes.columns) == QUOTE_COLUMNS and tables.quotes.empty


def test_package_exports_resolve():
    assert all(hasattr(analysis.text, name) for name in analysis.text.__all__)


# --- one pass and the cache -----------------------------------------------------------


def test_one_kiwi_pass_over_all_paragraphs(tok, docs, kiwi_calls):
    analyse_documents(docs, tokenizer=tok, progress=False)
    assert kiwi_calls == [len(split_paragraphs(docs))]  # one call, every paragraph once


def test_cached_rerun_does_not_call_kiwi(tok, docs, tmp_path, kiwi_calls):
    first = analyse_documents(docs, tokenizer=tok, cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 1 and len(list(tmp_path.rglob("*.parquet"))) == 3  # sentences, morphemes, quotes
    second = analyse_documents(docs, tokenizer=tok, cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 1  # the cache answered
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name), check_dtype=False)
    analyse_documents(docs, tokenizer=Tokenizer(stopwords=[], min_len=3), cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 1  # filters apply after the cache
    changed = docs.assign(text=docs.text + "\n새 문단이다.")
    analyse_documents(changed, tokenizer=tok, cache_dir=tmp_path, progress=False)
    analyse_documents(docs, tokenizer=Tokenizer(synonyms={}), cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 3  # new text, new synonyms: new keys


def _speeches(n):
    return pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(n)], "title": "",
                         "text": [f"시장은 {i}번째 인공지능 사업을 발표했다.\n\"우리의 운명은 우리가 개척한다\"고 말했다."
                                  for i in range(n)]})


def test_a_rerun_analyses_only_new_or_changed_documents_and_equals_a_cold_run(tok, tmp_path, kiwi_calls, monkeypatch):
    monkeypatch.setattr(analyse, "CHUNK_DOCS", 3)  # several chunks even for a few documents
    docs = _speeches(7)
    analyse_documents(docs, tokenizer=tok, cache_dir=tmp_path, progress=False)
    assert kiwi_calls == [6, 6, 2]  # 7 documents of 2 paragraphs, 3 documents a chunk
    grown = pd.concat([docs.iloc[:4], _speeches(9).iloc[7:].assign(doc_id=["n1", "n2"]), docs.iloc[4:]])
    edited = grown.assign(text=lambda d: d.text.where(d.doc_id != "d01", "새로 고친 문단이다."))
    for corpus, new_paragraphs in ((grown, 4), (edited, 1), (docs.iloc[[0, 3, 5]], 0)):
        calls = len(kiwi_calls)
        cached = analyse_documents(corpus, tokenizer=tok, cache_dir=tmp_path, progress=False)
        assert sum(kiwi_calls[calls:]) == new_paragraphs  # only what is new is analysed
        cold = analyse_documents(corpus, tokenizer=tok, progress=False)
        for name in ("sentences", "morphemes", "quotes"):
            pd.testing.assert_frame_equal(getattr(cached, name), getattr(cold, name))


def test_interrupted_cache_write_leaves_nothing_trusted(tok, docs, tmp_path, kiwi_calls, monkeypatch):
    real = pd.DataFrame.to_parquet

    def crash_on_morphemes(self, path, *args, **kwargs):
        if "morphemes" in str(path):
            real(self.head(1), path, *args, **kwargs)  # a partial file under the temporary name
            raise KeyboardInterrupt
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash_on_morphemes)
    with pytest.raises(KeyboardInterrupt):
        analyse_documents(docs, tokenizer=tok, cache_dir=tmp_path, progress=False)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    assert not list(tmp_path.rglob("*morphemes*"))  # neither the partial nor a final file
    tables = analyse_documents(docs, tokenizer=tok, cache_dir=tmp_path, progress=False)
    assert len(kiwi_calls) == 2 and not tables.morphemes.empty


# --- the compact Kiwi pass against a plain one ----------------------------------------


def plain_morphemes(documents: pd.DataFrame, tokenizer: Tokenizer) -> pd.DataFrame:
    """The morpheme rules written the slow, obvious way: one Kiwi call and Python rows per
    paragraph. The module streams Kiwi's batch output into compact columns instead."""
    rows, sent_ids = [], {}
    for doc_id, para_id, _, paragraph in split_paragraphs(documents).itertuples(index=False):
        cleaned, kept = strip_invisible(paragraph)

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
    return pd.DataFrame(rows, columns=MORPHEME_COLUMNS).astype(
        {"doc_id": str, "para_id": "int64", "sent_id": "int64", "form": str, "tag": str, "lemma": str,
         "start": "int64", "end": "int64"})


@pytest.mark.parametrize("corpus", ["inline", "seed"])
def test_morphemes_equal_a_plain_token_loop(tok, docs, seed_corpus, corpus):
    documents = docs if corpus == "inline" else seed_corpus.documents  # inline: BOM, zero-width space
    expected = plain_morphemes(documents, tok)
    got = analyse_documents(documents, tokenizer=tok, progress=False).morphemes
    pd.testing.assert_frame_equal(got, expected)  # same rows, order, values and dtypes
    assert got.tag.isin(["VV", "VA"]).any() and (got.form.str.len() > 1).any()


def test_batch_size_does_not_change_the_tables(tok, docs, seed_corpus, monkeypatch):
    documents = pd.concat([seed_corpus.documents, docs.assign(doc_id=["x0", "x3"])], ignore_index=True)
    whole = analyse_documents(documents, tokenizer=tok, progress=False)
    monkeypatch.setattr(analyse, "_BATCH_ROWS", 7)  # pack after nearly every paragraph
    batched = analyse_documents(documents, tokenizer=tok, progress=False)
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(batched, name), getattr(whole, name))


def test_tables_have_the_documented_dtypes_fresh_and_cached(tok, docs, tmp_path):
    fresh = analyse_documents(docs, tokenizer=tok, cache_dir=tmp_path, progress=False)
    cached = analyse_documents(docs, tokenizer=tok, cache_dir=tmp_path, progress=False)
    string = pd.Series([""]).astype(str).dtype  # what astype(str) gives in this pandas
    for tables in (fresh, cached):
        assert tables.morphemes.dtypes.tolist() == [string, "int64", "int64", string, string, string, "int64", "int64"]
        assert tables.sentences.dtypes.tolist() == [string, "int64", "int64", "int64", "int64", string, string, string]
        assert tables.quotes.dtypes.tolist() == [string] + ["int64"] * 5 + [string] * 3
    for name in ("sentences", "morphemes", "quotes"):
        pd.testing.assert_frame_equal(getattr(fresh, name), getattr(cached, name))


def test_a_very_long_paragraph_goes_to_kiwi_in_pieces_and_offsets_still_index_the_input():
    from analysis.text.analyse import MAX_PIECE_CHARS

    sentences = [f"광주시는 {i}번째 인공지능 사업을 시작했다고 밝혔다." for i in range(1200)]
    text = " ".join(sentences)  # one paragraph, several pieces long
    assert len(text) > 3 * MAX_PIECE_CHARS
    docs = pd.DataFrame({"doc_id": ["d"], "title": [""], "text": [text]})
    tables = analyse_documents(docs, progress=False)
    got = tables.sentences
    assert len(got) == 1200 and (got.para_id == 1).all()
    assert all(text[s:e] == t for s, e, t in zip(got.start, got.end, got.text))
    assert got.text.tolist() == sentences
