"""The frames and topics commands on 1,000 speeches, against a bare Kiwi pass.

One run, one machine: a bare ``Kiwi.tokenize`` over the speeches' texts with every
core, then, on a fresh text-layer cache, ``python -m analysis topics`` and
``python -m analysis frames`` one after the other on the same table (each a new
process, so imports and reading the table count). The goal: the two commands together
take at most 1.6 times the bare pass, because they share one analysis through the cache.
The ratio moves with the machine's load, so the pair (bare pass, then both commands on a
fresh cache) is repeated; each repeat is a row, and the goal is judged on the median.
For context, each repeat also times the bare pass as the commands are timed, in a new
process that imports Kiwi, loads its model and reads the table (``bare_process_s``,
``ratio_process``); the goal is not judged on it.

Usage: ``python benchmarks/bench_cli.py [--n 1000] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import show_table, write_machine  # noqa: E402
from _speeches import select_speeches  # noqa: E402


# The bare pass as a command would run it: a new process, Kiwi's import and model load,
# the table read, every text tokenized.
_BARE_PROCESS = """
import sys
import pandas as pd
from kiwipiepy import Kiwi
texts = pd.read_parquet(sys.argv[1], columns=["speech_text"])["speech_text"].fillna("").tolist()
for _ in Kiwi(num_workers=int(sys.argv[2])).tokenize(texts):
    pass
"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    write_machine()
    work = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    table = work / "speeches.parquet"
    speeches = select_speeches(args.n)
    speeches.to_parquet(table, index=False)
    from kiwipiepy import Kiwi

    workers = os.cpu_count() or 1
    kiwi = Kiwi(num_workers=workers)
    kiwi.tokenize("")  # Kiwi loads its model on the first analysis: keep that out of every repeat's bare pass
    texts = speeches["speech_text"].fillna("").tolist()
    rows = []
    for repeat in range(1, args.repeats + 1):
        t0 = time.perf_counter()
        for _ in kiwi.tokenize(texts):
            pass
        bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", _BARE_PROCESS, str(table), str(workers)], check=True)
        bare_process = time.perf_counter() - t0
        cache = work / f"cache-{repeat}"  # fresh for every repeat
        common = ["--text-col", "speech_text", "--id-col", "division_number", "--cache-dir", str(cache)]
        runs = {}
        for name, command in (("topics", ["topics", str(table), "--k", "20", "--seed", "1", "--out", str(work / "t")]),
                              ("frames", ["frames", str(table), "--out", str(work / "hits.csv")])):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "analysis", *command, *common], check=True, capture_output=True)
            runs[name] = time.perf_counter() - t0
        total = runs["topics"] + runs["frames"]
        rows.append({"repeat": repeat, "speeches": args.n, "characters": int(speeches["speech_text"].str.len().sum()),
                     "workers": workers, "bare_kiwi_s": round(bare, 1), "topics_s": round(runs["topics"], 1),
                     "frames_s": round(runs["frames"], 1), "commands_s": round(total, 1),
                     "ratio": round(total / bare, 2), "bare_process_s": round(bare_process, 1),
                     "ratio_process": round(total / bare_process, 2), "load": round(os.getloadavg()[0], 2)})
    table_out = pd.DataFrame(rows)
    median = float(table_out["ratio"].median())
    table_out["median_ratio"] = median
    table_out["goal"] = 1.6
    table_out["met"] = median <= 1.6
    show_table(table_out, "cli", "frames + topics commands against a bare Kiwi pass")


if __name__ == "__main__":
    main()
