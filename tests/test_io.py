"""Files on disk: all-or-nothing writes, byte-stable tables and JSON, hashes."""

import os
import stat

import pandas as pd
import pytest

from analysis.io import collect_versions, sha256_bytes, sha256_file, write_all, write_json, write_table


def test_a_failed_write_leaves_every_earlier_file_as_it_was(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_table(pd.DataFrame({"x": [1]}), a)
    before = a.read_bytes()

    def fail(tmp):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_all({a: lambda tmp: pd.DataFrame({"x": [2]}).to_csv(tmp), b: fail})
    assert a.read_bytes() == before and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # no temporary files left


def test_tables_and_json_are_byte_stable(tmp_path):
    df = pd.DataFrame({"doc_id": ["000", "001"], "share": [1 / 3, 2 / 3], "text": ["광주", "대구"]})
    first = write_table(df, tmp_path / "1.csv", float_decimals=6).read_bytes()
    assert first == write_table(df, tmp_path / "2.csv", float_decimals=6).read_bytes()
    assert first == "doc_id,share,text\n000,0.333333,광주\n001,0.666667,대구\n".encode()
    write_json({"b": 1, "a": "광주"}, tmp_path / "x.json")
    assert (tmp_path / "x.json").read_text(encoding="utf-8") == '{\n  "a": "광주",\n  "b": 1\n}\n'
    assert sha256_file(tmp_path / "x.json") == sha256_bytes((tmp_path / "x.json").read_bytes())


def test_versions_of_missing_packages_are_empty():
    versions = collect_versions(["pandas", "no-such-distribution-here"])
    assert versions["pandas"] == pd.__version__ and versions["no-such-distribution-here"] == ""


def test_csv_tables_never_hold_live_formulas_and_numbers_stay_numbers(tmp_path):
    table = pd.DataFrame({"doc_id": ["000", "001", "002", "003"], "text": ["=cmd|' /C calc'!A0", "@SUM(1,2)", "-3.5",
                                                                         "광주시"], "score": [-1.5, 2.0, 0.0, 1.0]})
    text = write_table(table, tmp_path / "t.csv").read_text(encoding="utf-8")
    assert text.splitlines()[1:] == ["000,'=cmd|' /C calc'!A0,-1.5", "001,\"'@SUM(1,2)\",2.0", "002,-3.5,0.0",
                                     "003,광주시,1.0"]
    back = pd.read_parquet(write_table(table, tmp_path / "t.parquet"))
    pd.testing.assert_frame_equal(back, table)  # parquet is not a spreadsheet: untouched


def test_outputs_follow_the_umask_and_stale_temporaries_are_removed(tmp_path):
    stale = tmp_path / ".t.csv.abc123.tmp"
    stale.write_text("left by a killed run")
    old = os.umask(0o022)
    try:
        path = write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not stale.exists()


def test_a_full_disk_is_an_output_error_and_the_command_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    import errno

    from analysis.cli import main
    from analysis.errors import OutputError

    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", no_space)
    with pytest.raises(OutputError, match="No space left on device"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.parquet")
    (tmp_path / "in.csv").write_text("doc_id,text\n1,광주시는 인공지능 도시다.\n", encoding="utf-8")
    assert main(["corpus", str(tmp_path / "in.csv"), "--out", str(tmp_path / "out"), "--no-text"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["analysis corpus: error: cannot write " + str(tmp_path / "out" / "documents.parquet")
                   + ": No space left on device"]
    assert not list((tmp_path / "out").glob("*"))  # nothing half-written
