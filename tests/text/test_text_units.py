"""Token lists per unit from the morpheme table: ids, filters, and the row-by-row rule."""

import pytest

from analysis.settings import UNITS
from analysis.text import Tokenizer, tokens_by_unit


def test_tokens_by_unit_keeps_ids_and_filters(tables):
    tok = Tokenizer(pos=("NNG", "NNP", "VV", "VA"), min_len=2)
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
    for unit, keys in UNITS.items():
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
