"""Validation by hand coding: the stratified sample, the blind coding sheet and the scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.frames import (
    draw_validation_sample,
    load_frames,
    match_frames,
    read_coding_sheet,
    score_validation,
    write_coding_sheet,
)
from analysis.text import analyse_documents

FRAMES = load_frames()


@pytest.fixture(scope="module")
def seed_tables(seed_corpus):
    return analyse_documents(seed_corpus.documents, progress=False)


def test_validation_sample_is_stratified_weighted_and_seeded(seed_tables):
    t = seed_tables
    hits = match_frames(t.sentences, t.morphemes)
    sample = draw_validation_sample(t.sentences, hits, n_per_stratum=2, seed=5, frames=FRAMES)
    again = draw_validation_sample(t.sentences, hits, n_per_stratum=2, seed=5, frames=FRAMES)
    pd.testing.assert_frame_equal(sample, again)
    assert sample.groupby("stratum").size().max() <= 2
    assert not sample.duplicated(["doc_id", "sent_id"]).any()
    assert (sample.weight == sample.stratum_size / sample.groupby("stratum").item.transform("size")).all()
    assert {"none|narration", "tech_future|narration"} <= set(sample.stratum)
    strata = sample.stratum.str.split("|").str[0]
    assert all(s == "none" or s in p.split(";") for s, p in zip(strata, sample.predicted))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_coding_sheet_round_trip_is_blind(tmp_path, suffix):
    sample = pd.DataFrame({"item": [1, 2], "doc_id": ["003", "000"], "para_id": [1, 2], "sent_id": [3, 5],
                           "voice": ["quote", "quote"], "speaker": ["권영진", "이용섭"], "text": ["운명 개척", "일본 추월"],
                           "stratum": ["x", "y"], "stratum_size": [4, 5], "weight": [2.0, 2.5],
                           "predicted": ["self_determination", "japan_rivalry"]})
    path = write_coding_sheet(sample, tmp_path / f"sheet{suffix}", frames=["japan_rivalry", "self_determination"])
    sheet = read_coding_sheet(path)
    assert list(sheet.columns) == ["item", "doc_id", "para_id", "sent_id", "speaker", "voice", "text",
                                   "japan_rivalry__coder1", "japan_rivalry__coder2", "self_determination__coder1",
                                   "self_determination__coder2", "notes"]
    assert sheet.doc_id.tolist() == ["003", "000"] and sheet.japan_rivalry__coder1.isna().all()
    assert not {"stratum", "predicted", "weight"} & set(sheet.columns)
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "f__coder1": ["maybe"]}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match="row 2, column f__coder1: code 'maybe'"):
        read_coding_sheet(bad)


def test_scores_match_a_hand_computed_example(tmp_path):
    coded = pd.DataFrame({"doc_id": ["d"] * 6, "sent_id": [1, 2, 3, 4, 5, 6],
                          "f__coder1": ["1", "1", "0", "0", "1", "0"], "f__coder2": ["1", "1", "0", "0", "0", "0"]})
    coded.to_csv(tmp_path / "coded.csv", index=False)
    coded = read_coding_sheet(tmp_path / "coded.csv")
    hits = pd.DataFrame({"doc_id": ["d", "d", "d"], "sent_id": [1, 3, 5], "frame": ["f", "f", "f"]})
    score = score_validation(coded, hits).iloc[0]
    # Sentence 5 is unresolved (1 vs 0): tp = 1 (s1), fp = 1 (s3), fn = 1 (s2), tn = 2.
    assert (score.n, score.tp, score.fp, score.fn, score.tn, score.n_unresolved) == (5, 1, 1, 1, 2, 1)
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)
    # Nominal alpha by hand: 12 values (five 1s, seven 0s), one disagreeing pair:
    # D_o = 2/12, D_e = 2*5*7 / (12*11), alpha = 1 - D_o/D_e = 48/70.
    assert score.alpha == pytest.approx(48 / 70)
    adjudicated = score_validation(coded.assign(f__gold=[np.nan] * 4 + [1.0, np.nan]), hits).iloc[0]
    assert (adjudicated.n, adjudicated.tp, adjudicated.precision) == (6, 2, pytest.approx(2 / 3))
    weighted = score_validation(coded.assign(weight=[1, 1, 9, 9, 1, 9]), hits).iloc[0]
    assert weighted.weighted_precision == pytest.approx(1 / 10)
    same = coded.assign(f__coder2=coded.f__coder1, g__coder1=0.0, g__coder2=0.0)
    both = score_validation(same, hits).set_index("frame")
    assert both.loc["f", "alpha"] == 1.0 and np.isnan(both.loc["g", "alpha"])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_coding_sheet_keeps_formula_like_sentences_as_text(tmp_path, suffix):
    texts = ['=HYPERLINK("http://example.com","클릭")', "+82 시민", "-5% 감소했다", "@시장 발언", "\t=1+1", "-0.5"]
    sample = pd.DataFrame({"item": range(1, 7), "doc_id": ["000"] * 6, "sent_id": range(1, 7), "text": texts})
    path = write_coding_sheet(sample, tmp_path / f"sheet{suffix}", frames=["japan_rivalry"])
    if suffix == ".xlsx":
        import openpyxl

        cells = [row[0] for row in openpyxl.load_workbook(path)["coding"].iter_rows(min_row=2, min_col=4, max_col=4)]
        assert all(cell.data_type == "s" for cell in cells)  # strings, none a formula
        assert cells[0].value.startswith("'=HYPERLINK")
    else:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        rows = [line for line in lines if not line.startswith("#")][1:]
        assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.split(","))
    assert read_coding_sheet(path).text.tolist() == texts  # read back as written
