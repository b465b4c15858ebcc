"""Lexicon files: the packaged ones, validation errors with file and line, user-dictionary growth."""

import os
import unicodedata

import pytest

from analysis.errors import InputError
from analysis.text import Tokenizer
from analysis.text.lexicons import (
    LEXICON_TAGS,
    LexiconError,
    UserWord,
    hash_lexicon,
    locate_lexicon,
    promote_to_userdict,
    read_lexicon_version,
    read_stopwords,
    read_synonyms,
    read_userdict,
)


def test_packaged_lexicons_are_valid_and_versioned():
    assert ("4차 산업혁명", "NNP") in {(w.form, w.tag) for w in read_userdict()}
    assert read_synonyms()["4차산업혁명"] == ("4차 산업혁명", "NNP")
    for name in ("userdict.tsv", "stopwords.txt", "synonyms.tsv"):
        assert read_lexicon_version(name=name) == "1"
        assert len(hash_lexicon(name=name)) == 64
        assert locate_lexicon(name).is_file()  # still the analysis/lexicons/ data folder


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


def test_lexicon_errors_are_input_errors():
    error = LexiconError("stopwords.txt", 3, "empty entry")
    assert isinstance(error, InputError) and isinstance(error, ValueError)
    assert {"NNG", "NNP", "VV", "XSV", "SL"} <= LEXICON_TAGS and not {"SF", "EF", "JKS"} & LEXICON_TAGS


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


def test_promoted_terms_append_to_a_user_dictionary(tmp_path):
    path = tmp_path / "userdict.tsv"
    assert promote_to_userdict(["빛그린 산단"], path) == ["빛그린 산단"]
    assert promote_to_userdict(["빛그린  산단"], path) == []  # already there (spaces normalised)
    assert read_lexicon_version(path) == "1"
    assert read_userdict(path) == [UserWord("빛그린 산단", "NNP", 0.0)]
    assert path.read_text(encoding="utf-8").endswith("\n빛그린 산단\tNNP\t0\n")
    # An existing file keeps its bytes and permissions; a missing final newline is added first.
    own = tmp_path / "own.tsv"
    own.write_bytes("# mine\n인공지능\tNNG".encode())
    os.chmod(own, 0o644)
    assert promote_to_userdict(["그린뉴딜"], own, tag="NNG", score=1.5) == ["그린뉴딜"]
    assert own.read_bytes() == "# mine\n인공지능\tNNG\n그린뉴딜\tNNG\t1.5\n".encode()
    assert own.stat().st_mode & 0o777 == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary file left
    with pytest.raises(LexiconError, match="empty or contains a tab"):
        promote_to_userdict(["  "], own)


def test_a_promoted_word_stays_whole(tmp_path):
    path = tmp_path / "userdict.tsv"
    promote_to_userdict(["빛그린산단"], path, tag="NNP")
    words = read_userdict() + read_userdict(path)
    assert "빛그린산단" in Tokenizer(userdict=words)("빛그린산단에 공장을 짓는다")
