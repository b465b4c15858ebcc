"""Files on disk: all-or-nothing writes, byte-stable tables and JSON, hashes."""

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
