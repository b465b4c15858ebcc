"""Bad input: each kind ends in a clear error or a recorded exclusion, never a silent loss.

One test per row of the README's bad-input table. Every report must satisfy
inputs = included + excluded + merged.
"""

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus import Columns, CorpusError, load_corpus, write_corpus

GOOD = '광주시 "AI 중심도시"\n광주시장은 "인공지능 도시를 만들겠다"고 말했다.\n시는 예산 1천억 원을 편성했다.\n'
OTHER = '대구시 "스마트시티"\n대구시장은 "우리의 운명은 우리가 개척한다"고 말했다.\n시는 자율주행 실증을 확대한다.\n'


def assert_accounted(report, n_inputs):
    counts = report.status.value_counts()
    assert len(report) == n_inputs
    assert n_inputs == counts.get("included", 0) + counts.get("excluded", 0) + counts.get("merged", 0)


def make_pages(folder: Path, files: dict[str, bytes | str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return folder


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\t\n   \n", "empty file"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file (contains NUL bytes)"),
    ("control_bytes.txt", "광주시\n".encode("utf-16-le") + b"\x01\x00", "binary file (contains NUL bytes)"),
    ("garbled.txt", bytes(range(0x80, 0x100)) * 3, "undetectable encoding"),
    ("broken_bom.txt", b"\xef\xbb\xbf" + "광주시".encode("cp949"),
     "invalid utf-8-sig after its byte-order mark: invalid start byte"),
    ("english.txt", "Mayor unveils AI plan.\nThe city will invest.\n", "no Korean text"),
    ("chrome.txt", "광고\n공유\n댓글 3\n로그인\n", "no article text left after cleaning"),
    ("scripts_only.html", "<html><head><script>광고()</script></head><body></body></html>", "HTML without visible text"),
])
def test_a_bad_page_is_excluded_with_its_reason(tmp_path, name, data, reason):
    corpus = load_corpus([make_pages(tmp_path, {"good.txt": GOOD, name: data})])
    report = corpus.report.set_index("source")
    assert (report.loc[name, "status"], report.loc[name, "reason"]) == ("excluded", reason)
    assert report.loc["good.txt", "status"] == "included"
    assert list(corpus.documents.doc_id) == ["good"]
    assert_accounted(corpus.report, 2)


def test_a_50_mb_file_is_excluded_by_the_size_limit_not_read(tmp_path, monkeypatch):
    folder = make_pages(tmp_path / "pages", {"good.txt": GOOD})
    with open(folder / "dump.txt", "wb") as handle:
        line = ("광주시는 인공지능 예산을 편성했다. " * 20 + "\n").encode("utf-8")
        for _ in range(50_000_000 // len(line) + 1):
            handle.write(line)
    assert (folder / "dump.txt").stat().st_size > 50_000_000
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: pytest.fail("read") if p.name == "dump.txt" else read(p))
    out = tmp_path / "out"
    assert main(["corpus", str(folder), "--out", str(out)]) == 0
    report = pd.read_csv(out / "report.csv", keep_default_na=False).set_index("source")
    assert report.loc["dump.txt", "status"] == "excluded"
    assert report.loc["dump.txt", "reason"] == "file is 50.0 MB, over the 5 MB limit (--max-mb)"
    assert_accounted(report, 2)


def test_a_raised_size_limit_reads_the_whole_file_without_truncation(tmp_path):
    paragraph = "광주시는 인공지능 예산을 편성했다. " * 25_000  # 1.3 MB in UTF-8
    folder = make_pages(tmp_path, {"long.txt": f'제목 "긴 연설"\n{paragraph}\n끝 문단이다.\n'})
    assert load_corpus([folder], max_mb=1).report.reason[0] == "file is 1.3 MB, over the 1 MB limit (--max-mb)"
    corpus = load_corpus([folder], max_mb=2)
    assert corpus.report.status[0] == "included"
    assert corpus.documents.text[0] == f"{paragraph.strip()}\n끝 문단이다."


def test_a_table_cell_over_the_size_limit_is_excluded(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"doc_id": ["big", "ok"], "text": ["광주" * 400_000, "광주시는 예산을 편성했다."]}).to_csv(path, index=False)
    report = load_corpus([path], max_mb=2).report.set_index("doc_id")
    assert report.loc["big", "reason"] == "text is 2.4 MB, over the 2 MB limit (--max-mb)"
    assert report.loc["ok", "status"] == "included"


def test_manifest_row_without_file_and_file_without_manifest_row(tmp_path):
    folder = make_pages(tmp_path / "pages", {"listed.txt": GOOD, "unlisted.txt": OTHER})
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("doc_id,file,speaker\n007,listed.txt,이용섭\n008,missing.txt,강기정\n", encoding="utf-8")
    corpus = load_corpus([folder], manifest=manifest)
    report = corpus.report.set_index("doc_id")
    assert report.loc["008", ["source", "status", "reason"]].tolist() == [
        "missing.txt", "excluded", "listed in manifest but file not found"]
    assert report.loc["unlisted", ["status", "reason"]].tolist() == ["included", "no manifest row: metadata left empty"]
    assert corpus.documents.set_index("doc_id").loc["007", "speaker"] == "이용섭"
    assert_accounted(corpus.report, 3)


@pytest.mark.parametrize("manifest_text,message", [
    ("doc_id,file\n1,a.txt\n1,b.txt\n", "duplicate doc_id in manifest"),
    ("id,file\n1,a.txt\n", r"manifest lacks column\(s\) \['doc_id'\]"),
])
def test_a_broken_manifest_is_an_error_naming_the_file(tmp_path, capsys, manifest_text, message):
    folder = make_pages(tmp_path / "pages", {"a.txt": GOOD})
    manifest = tmp_path / "m.csv"
    manifest.write_text(manifest_text, encoding="utf-8")
    assert main(["corpus", str(folder), "--manifest", str(manifest), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "m.csv" in err and re.search(message, err)
    assert not (tmp_path / "out").exists()


def test_duplicate_ids_keep_the_first_and_exclude_the_rest(tmp_path):
    folder = make_pages(tmp_path / "pages", {"a/page.txt": GOOD, "b/page.txt": OTHER})
    table = tmp_path / "rows.csv"
    table.write_text("doc_id,text\nr1,광주시는 예산을 편성했다.\nr1,대구시는 로봇 산업을 키운다.\n", encoding="utf-8")
    corpus = load_corpus([folder, table])
    report = corpus.report.set_index("source")
    assert report.loc["b/page.txt", "reason"] == "duplicate doc_id (first seen in a/page.txt)"
    assert report.loc["rows.csv#2", "reason"] == "duplicate doc_id (first seen in rows.csv#1)"
    assert sorted(corpus.documents.doc_id) == ["page", "r1"]
    assert_accounted(corpus.report, 4)


def test_unparseable_dates_are_kept_empty_and_reported(tmp_path):
    table = tmp_path / "rows.csv"
    table.write_text("doc_id,date,text\na,작년 봄,광주시는 예산을 편성했다.\nb,1950,대구시는 로봇 산업을 키운다.\n"
                     "c,2021-02-30,울산시는 수소 특구를 신청한다.\nd,2021.3.3,부산시는 엑스포를 준비한다.\n", encoding="utf-8")
    corpus = load_corpus([table])
    report = corpus.report.set_index("doc_id")
    assert report.loc["a", "reason"] == "unparseable date '작년 봄': published left empty"
    assert report.loc["b", "reason"] == "date '1950' has no day: published left empty"
    assert report.loc["c", "reason"] == "date '2021-02-30' is not a calendar date: published left empty"
    assert report.status.eq("included").all()
    docs = corpus.documents.set_index("doc_id")
    assert docs.published.tolist() == ["", "", "", "2021-03-03"]
    assert docs.published_raw.tolist() == ["작년 봄", "1950", "2021-02-30", "2021.3.3"]


def test_a_table_without_the_text_column_is_an_error(tmp_path, capsys):
    path = Path(__file__).parents[1] / "data" / "byoc" / "errors" / "no_text_column.csv"
    assert main(["corpus", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no_text_column.csv: no text column 'text'" in err and "'body'" in err and "--text-col" in err
    assert not (tmp_path / "out").exists()
    assert main(["corpus", str(path), "--text-col", "body", "--out", str(tmp_path / "out")]) == 0


def test_an_excel_file_without_the_expected_columns_is_an_error(tmp_path):
    generic = tmp_path / "export.xlsx"
    pd.DataFrame({"제목": ["광주 AI"], "내용": ["광주시는 예산을 편성했다."]}).to_excel(generic, index=False)
    with pytest.raises(CorpusError, match=r"export.xlsx: neither a BigKinds export .* columns are \['제목', '내용'\]"):
        load_corpus([generic])
    bigkinds = tmp_path / "bigkinds.xlsx"
    pd.DataFrame({"뉴스 식별자": ["01100201.20210303093000002"], "일자": ["20210303"], "제목": ["광주 AI"]}).to_excel(
        bigkinds, index=False)
    with pytest.raises(CorpusError, match=r"looks like a BigKinds export but lacks column\(s\) \['본문'\]"):
        load_corpus([bigkinds])
    assert load_corpus([generic], columns=Columns(text="내용")).documents.text[0] == "광주시는 예산을 편성했다."


def test_empty_and_broken_tables_are_reported_not_dropped(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header_only.csv").write_text("doc_id,text\n", encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text('{"text": "광주시는 예산을 편성했다."}\n[1, 2]\n{"text": 3\n', encoding="utf-8")
    corpus = load_corpus([tmp_path / "empty.csv", tmp_path / "header_only.csv", tmp_path / "lines.jsonl"])
    report = corpus.report.set_index("source")
    assert report.loc["empty.csv", "reason"] == "empty file"
    assert report.loc["header_only.csv", "reason"] == "table has no rows"
    assert report.loc["lines.jsonl#2", "reason"] == "JSON line is not an object"
    assert report.loc["lines.jsonl#3", "reason"].startswith("invalid JSON")
    assert report.loc["lines.jsonl#1", "status"] == "included"
    assert_accounted(corpus.report, 5)


def test_a_failed_write_leaves_earlier_outputs_intact(tmp_path, monkeypatch):
    folder = make_pages(tmp_path / "pages", {"a.txt": GOOD})
    out = tmp_path / "out"
    assert main(["corpus", str(folder), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    make_pages(folder, {"b.txt": OTHER})
    to_csv = pd.DataFrame.to_csv

    def fail_on_report(self, path=None, *args, **kwargs):
        if "report.csv" in os.fspath(path):
            raise OSError("disk full")
        return to_csv(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail_on_report)
    with pytest.raises(OSError, match="disk full"):
        write_corpus(load_corpus([folder]), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # documents.parquet too, and no temp files


def test_a_ragged_csv_is_an_error_naming_the_line(tmp_path, capsys):
    path = tmp_path / "ragged.csv"
    path.write_text("doc_id,text\na,광주시는 예산을 편성했다.\nb,대구시는,로봇을 키운다.\n", encoding="utf-8")
    assert main(["corpus", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "ragged.csv: not a readable CSV table" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    short.write_text("doc_id,text\na,광주시는 예산을 편성했다.\nb\n", encoding="utf-8")
    assert load_corpus([short]).report.reason.tolist() == ["", "empty text"]  # a missing cell is an empty one


def test_a_run_killed_while_replacing_a_corpus_leaves_a_folder_the_next_step_refuses(tmp_path, monkeypatch, capsys):
    first = make_pages(tmp_path / "first", {"a.txt": GOOD})
    out = tmp_path / "out"
    assert main(["corpus", str(first), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]) == 0
    assert main(["frames", str(out), "--out", str(tmp_path / "hits.csv"), "--cache-dir", str(tmp_path / "cache")]) == 0
    second = make_pages(tmp_path / "second", {"b.txt": OTHER, "c.txt": GOOD.replace("광주", "부산")})
    replace, renamed = os.replace, []

    def killed_after_two(src, dst):  # the process dies after renaming two of six tables
        if len(renamed) == 2:
            raise KeyboardInterrupt
        renamed.append(dst)
        return replace(src, dst)

    monkeypatch.setattr(os, "replace", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        main(["corpus", str(second), "--out", str(out), "--cache-dir", str(tmp_path / "cache")])
    monkeypatch.setattr(os, "replace", replace)
    capsys.readouterr()
    assert main(["frames", str(out), "--out", str(tmp_path / "hits2.csv"), "--cache-dir", str(tmp_path / "cache")]) == 2
    assert "no set.json: the run that wrote this folder did not finish" in capsys.readouterr().err
    assert not list(out.glob(".*.tmp"))  # the killed run's temporaries are gone too
    # Rerunning the corpus step makes the folder whole again.
    assert main(["corpus", str(second), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]) == 0
    assert main(["frames", str(out), "--out", str(tmp_path / "hits3.csv"), "--cache-dir", str(tmp_path / "cache")]) == 0


def test_tables_of_another_run_or_corpus_are_refused(tmp_path):
    from analysis.io import read_table_set, write_table_set

    corpus = tmp_path / "corpus"
    write_table_set(corpus, {"documents.parquet": pd.DataFrame({"doc_id": ["1"], "text": ["가"]})})
    write_table_set(tmp_path / "text", {"sentences.parquet": pd.DataFrame({"doc_id": ["1"]})},
                    built_from={"documents": corpus / "documents.parquet"})
    assert len(read_table_set(tmp_path / "text", ["sentences.parquet"])["sentences"]) == 1
    # A new corpus: the text tables were built from the old one.
    write_table_set(corpus, {"documents.parquet": pd.DataFrame({"doc_id": ["2"], "text": ["나"]})})
    with pytest.raises(ValueError, match=r"built from another version of .*documents\.parquet"):
        read_table_set(tmp_path / "text", ["sentences.parquet"])
    # A table replaced behind the set's back.
    pd.DataFrame({"doc_id": ["3"], "text": ["다"]}).to_parquet(corpus / "documents.parquet")
    with pytest.raises(ValueError, match="not the table its set was written with"):
        read_table_set(corpus, ["documents.parquet"])
