"""Reading, decoding and accounting for a corpus; the `corpus` command."""

import unicodedata

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus import CorpusError, decode_bytes, load_corpus, read_manifest

PAGE = "시장 \"AI 도시\"\n광주시장은 \"인공지능 도시를 만들겠다\"고 말했다.\n시는 예산을 편성했다.\n"


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949"), ("euc-kr", "cp949"),
    ("utf-16", "utf-16"),
])
def test_encodings_are_detected(encoding, expected):
    text, found = decode_bytes(PAGE.encode(encoding))
    assert text == PAGE
    assert found == expected


def test_short_cp949_text_is_not_misread():
    # charset-normalizer alone misreads short CP949 Korean; the cascade must not.
    assert decode_bytes("광주".encode("cp949")) == ("광주", "cp949")


def test_nfd_input_becomes_nfc():
    text, _ = decode_bytes(unicodedata.normalize("NFD", PAGE).encode("utf-8"))
    assert text == PAGE and unicodedata.is_normalized("NFC", text)


def test_binary_is_an_error():
    with pytest.raises(CorpusError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def _write(folder, name, data):
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_every_input_is_accounted_for(tmp_path):
    src = tmp_path / "pages"
    src.mkdir()
    _write(src, "a.txt", PAGE)
    _write(src, "b.txt", PAGE.encode("cp949"))
    _write(src, "empty.txt", "  \n\n")
    _write(src, "binary.txt", b"\x00\x01\x02\xff")
    _write(src, "english.txt", "Only English text here.\nNothing Korean at all.")
    _write(src, "nobody.txt", "광고\n공유\n")
    corpus = load_corpus([src])
    report = corpus.report.set_index("source")
    assert len(report) == 6
    assert report.loc["a.txt", "status"] == "included"
    assert report.loc["b.txt", "encoding"] == "cp949"
    assert report.loc["empty.txt", "reason"] == "empty file"
    assert "binary" in report.loc["binary.txt", "reason"]
    assert report.loc["english.txt", "reason"] == "no Korean text"
    assert report.loc["nobody.txt", "reason"] == "no article text left after cleaning"
    assert sorted(corpus.documents.doc_id) == ["a", "b"]
    assert (report.status == "excluded").sum() == 4


def test_manifest_rows_and_files_that_do_not_match(tmp_path):
    src = tmp_path / "pages"
    src.mkdir()
    _write(src, "listed.txt", PAGE)
    _write(src, "unlisted.txt", PAGE)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("doc_id,file,speaker\n007,listed.txt,이용섭\n008,missing.txt,강기정\n", encoding="utf-8")
    corpus = load_corpus([src], manifest=manifest)
    report = corpus.report.set_index("doc_id")
    assert report.loc["007", "status"] == "included"
    assert report.loc["unlisted", "status"] == "included"
    assert "no manifest row" in report.loc["unlisted", "reason"]
    assert report.loc["008", "status"] == "excluded"
    assert "not found" in report.loc["008", "reason"]
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["007", "speaker"] == "이용섭"
    assert docs.loc["unlisted", "speaker"] == ""


def test_manifest_with_duplicate_ids_is_an_error(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("doc_id,file\n1,a.txt\n1,b.txt\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="duplicate doc_id"):
        read_manifest(manifest)


def test_seed_corpus_is_complete(seed_corpus):
    assert seed_corpus.report.status.eq("included").all()
    assert list(seed_corpus.documents.doc_id) == ["000", "001", "002", "003", "004"]
    assert set(seed_corpus.documents.speaker) == {"이용섭", "강기정", "권영진"}
    assert seed_corpus.documents.title.str.len().gt(0).all()
    # The audit names the document of every removed line.
    assert set(seed_corpus.audit.doc_id) == set(seed_corpus.documents.doc_id)


def test_corpus_command_writes_three_tables(tmp_path, capsys):
    from conftest import RAW

    out = tmp_path / "out"
    assert main(["corpus", str(RAW), "--manifest", str(RAW / "manifest.csv"), "--out", str(out)]) == 0
    docs = pd.read_parquet(out / "documents.parquet")
    audit = pd.read_csv(out / "cleaning_audit.csv", dtype={"doc_id": str})
    report = pd.read_csv(out / "report.csv", dtype={"doc_id": str})
    assert list(docs.columns[:3]) == ["doc_id", "title", "text"]
    assert list(audit.columns) == ["doc_id", "line", "text", "rule"]
    assert list(report.columns[:4]) == ["source", "doc_id", "status", "reason"]
    assert len(report) == 5 and len(docs) == 5
    assert "5 included" in capsys.readouterr().out


def test_corpus_command_reports_a_missing_source(tmp_path, capsys):
    assert main(["corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
