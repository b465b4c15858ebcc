"""Run every benchmark in order and leave the tables in ``benchmarks/results/``.

Order matters only for reuse: the growth run's largest size is the end-to-end run,
and the topic-engine comparison fits the tokens that run wrote to the work folder.
Expect about an hour on 2 cores for the whole collection.

Usage: ``python benchmarks/run_all.py [--work FOLDER]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_growth  # noqa: E402
import bench_tokenize  # noqa: E402
import bench_topics  # noqa: E402
import profile_pipeline  # noqa: E402
from _harness import DEFAULT_WORK  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for intermediate files")
    args = parser.parse_args(argv)
    work = ["--work", str(args.work)]
    bench_tokenize.main(work)
    bench_growth.main(work)
    bench_topics.main(work)
    profile_pipeline.main(["--n", "500", "--workers", "1"])


if __name__ == "__main__":
    main()
