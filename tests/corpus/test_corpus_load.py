"""Reading, decoding and accounting for a corpus; the `corpus` command."""

import unicodedata
from pathlib import Path

import numpy as np
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
    # a.txt and b.txt hold the same page; duplicate merging is tested on its own below.
    corpus = load_corpus([src], dedup=False)
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
    corpus = load_corpus([src], manifest=manifest, dedup=False)  # the two pages are identical
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
    RAW = Path(__file__).resolve().parents[2] / "data" / "raw"

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


# ---------------------------------------------------------------- duplicates

WIRE = ["이용섭 광주시장은 3일 간부회의에서 \"광주를 인공지능 중심도시로 만들어 일본을 뛰어넘겠다\"고 말했다.",
        "이 시장은 \"위기는 곧 기회\"라며 \"4차 산업혁명의 파도를 우리가 먼저 타야 한다\"고 강조했다.",
        "시는 올해 인공지능 집적단지 조성에 1천억 원을 투입하고 데이터센터 착공을 서두를 계획이다.",
        "또 지역 대학과 함께 인공지능 인재 5천 명을 길러 기업 유치에 나선다는 구상을 내놓았다."]


def _rows(tmp_path, rows, name="rows.csv"):
    path = tmp_path / name
    pd.DataFrame(rows, columns=["doc_id", "published", "text"]).to_csv(path, index=False)
    return path


def test_syndicated_copies_merge_into_the_earliest_then_smallest_id(tmp_path):
    edited = WIRE[:3] + ["또 지역 대학과 함께 인공지능 인재 5천 명을 길러 기업을 유치하겠다는 구상을 밝혔다."]
    path = _rows(tmp_path, [
        ["n-10", "2021-03-04", "\n".join(WIRE)],
        ["n-9", "2021-03-03", "\n".join(edited)],  # earliest: canonical
        ["n-2", "작년", "  ".join(WIRE)],  # undated copy with other spacing
        ["n-3", "2021-03-04", "대구시는 로봇 산업 클러스터에 2천억 원을 투자한다고 밝혔다."],
    ])
    corpus = load_corpus([path])
    report = corpus.report.set_index("doc_id")
    assert report.status.to_dict() == {"n-10": "merged", "n-9": "included", "n-2": "merged", "n-3": "included"}
    # Every copy points at the canonical one itself, never at another copy.
    assert report.loc[["n-10", "n-2"], "duplicate_of"].tolist() == ["n-9", "n-9"]
    assert report.loc["n-10", "reason"] == "near duplicate of n-9"
    assert report.loc["n-2", "reason"] == "near duplicate of n-9; unparseable date '작년': published left empty"
    assert 0.8 <= report.loc["n-10", "similarity"] == report.loc["n-2", "similarity"] < 1  # spacing is ignored
    assert report.loc["n-9", "reason"] == "canonical copy for 2 duplicate(s)"
    assert sorted(corpus.documents.doc_id) == ["n-3", "n-9"]


def test_dedup_threshold_and_no_dedup(tmp_path):
    edited = WIRE[:3] + ["또 지역 대학과 함께 인공지능 인재 5천 명을 길러 기업을 유치하겠다는 구상을 밝혔다."]
    path = _rows(tmp_path, [["a", "2021-03-03", "\n".join(WIRE)], ["b", "2021-03-04", "\n".join(edited)]])
    similarity = load_corpus([path]).report.similarity[1]
    assert 0.8 <= similarity < 0.9
    assert load_corpus([path], dedup_threshold=0.9).report.status.eq("included").all()
    assert load_corpus([path], dedup=False).report.status.eq("included").all()
    with pytest.raises(CorpusError, match="threshold"):
        load_corpus([path], dedup_threshold=1.5)


def test_duplicates_do_not_depend_on_input_order(tmp_path):
    from analysis.corpus.dedup import find_duplicates

    rng = np.random.default_rng(0)
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(40)],
                         "published": [f"2021-03-{1 + i % 5:02d}" for i in range(40)],
                         "text": ["\n".join(WIRE[: 2 + i % 3]) + f" 번호 {i % 4}" for i in range(40)]})
    first = find_duplicates(docs)
    assert len(first) > 10
    for _ in range(3):
        shuffled = docs.iloc[rng.permutation(len(docs))].reset_index(drop=True)
        pd.testing.assert_frame_equal(find_duplicates(shuffled), first)


def test_dedup_finds_planted_copies_among_thousands():
    from analysis.corpus.dedup import find_duplicates

    rng = np.random.default_rng(1)
    syllables = np.array(list("가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초"))
    texts = ["".join(rng.choice(syllables, 400)) for _ in range(3000)]
    copies = {f"c{i}": texts[i * 10][:380] + "끝" * 20 for i in range(200)}  # near copies of every 10th
    docs = pd.DataFrame({"doc_id": [f"o{i}" for i in range(3000)] + list(copies),
                         "text": texts + list(copies.values()),
                         "published": ["2021-01-01"] * 3000 + ["2021-01-02"] * 200})
    found = find_duplicates(docs).set_index("doc_id")
    assert found.duplicate_of.to_dict() == {f"c{i}": f"o{i * 10}" for i in range(200)}


def test_signatures_are_datasketch_minhashes_and_independent_of_order():
    # sign_text copies one MinHash instead of drawing permutations per document; a
    # signature must still be exactly a fresh MinHash's, whatever was signed before.
    from datasketch import MinHash

    from analysis.corpus.dedup import NUM_PERM, SCHEME, hash_shingles, sign_text

    texts = ["광주시는 인공지능 중심 도시를 만들겠다고 밝혔다.", "대구시는 스마트시티 사업을 시작한다.", "짧다"]
    for text in texts:
        mine = hash_shingles(text)
        fresh = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, scheme=SCHEME)
        fresh.update_batch(((mine >> np.uint64(32)) ^ (mine & np.uint64(0xFFFFFFFF))).tolist())
        assert (sign_text(text) == fresh.hashvalues.astype(np.uint32)).all()
    forward = [sign_text(t) for t in texts]
    backward = [sign_text(t) for t in reversed(texts)][::-1]
    assert all((a == b).all() for a, b in zip(forward, backward))
    assert not (forward[0] == forward[1]).all()


def test_corpus_command_prints_duplicates_and_honours_no_dedup(tmp_path, capsys):
    path = _rows(tmp_path, [["a", "2021-03-03", "\n".join(WIRE)], ["b", "2021-03-04", "\n".join(WIRE)]])
    assert main(["corpus", str(path), "--out", str(tmp_path / "o1")]) == 0
    assert "2 inputs: 1 included, 0 excluded, 1 merged" in capsys.readouterr().out
    assert main(["corpus", str(path), "--no-dedup", "--out", str(tmp_path / "o2")]) == 0
    out = capsys.readouterr().out
    assert "2 inputs: 2 included, 0 excluded, 0 merged" in out and "not searched (--no-dedup)" in out


def test_source_type_fills_only_documents_that_name_none(tmp_path):
    table = tmp_path / "docs.csv"
    pd.DataFrame({"doc_id": ["a", "b"], "text": ["국민 여러분, 감사합니다.", "시장은 말했다."],
                  "source_type": ["", "news"]}).to_csv(table, index=False)
    docs = load_corpus([table], source_type="speech").documents.set_index("doc_id")
    assert docs.source_type.to_dict() == {"a": "speech", "b": "news"}
    untouched = load_corpus([table]).documents.set_index("doc_id")
    assert untouched.source_type.to_dict() == {"a": "", "b": "news"}


def test_press_releases_naming_other_mayors_are_not_copies(tmp_path):
    body = "\n".join(["인공지능 중심도시 조성을 위한 업무협약을 체결했다고 밝혔다."] * 8)
    table = tmp_path / "releases.csv"
    pd.DataFrame({"doc_id": ["a", "b", "c"], "published": ["2021-03-01", "2021-03-01", "2021-03-02"],
                  "title": ['이용섭 광주시장 "AI 중심도시 만들겠다"', '강기정 광주시장 "AI 중심도시 만들겠다"',
                            '[속보] 이용섭 광주시장 "AI 중심도시"'],
                  "text": [body, body, body]}).to_csv(table, index=False)
    report = load_corpus([table]).report.set_index("doc_id")
    assert report.loc["a", "status"] == "included" and report.loc["b", "status"] == "included"
    assert report.loc["c", "status"] == "merged" and report.loc["c", "duplicate_of"] == "a"
