"""Measure one benchmark stage in a fresh interpreter and print tidy tables.

Why a fresh interpreter per stage: peak memory (``ru_maxrss``) is a high-water mark
for the life of a process, so a stage measured after another one inherits the
other's peak. :func:`run_isolated` starts ``python _stages.py STAGE`` as a child
process; the child reports its own wall time, CPU time (user + system, all threads:
CPU / wall near the number of cores means the cores were busy with this work),
peak resident memory of itself and of any processes it waited for, and the
load average before and after, so figures taken on a shared machine can be read
with the other users' load in mind. Inputs and outputs pass between stages as
parquet files in a work folder outside the repository.

Example
-------
>>> row = run_isolated("import", n=1000, work="/tmp/bench")  # doctest: +SKIP
>>> sorted(row)[:3]  # doctest: +SKIP
['cpu_s', 'load_after', 'load_before']
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULT_WORK = Path(tempfile.gettempdir()) / "analysis-benchmarks"


def size_parser(doc: str, sizes: str, sizes_help: str = "article-sized document counts") -> argparse.ArgumentParser:
    """The command line of a benchmark run at several corpus sizes: ``--sizes`` (comma-
    separated counts, parsed to a list of ints) and ``--work``; the first line of ``doc``
    describes it.

    Example
    -------
    >>> size_parser("Growth.", "5000,50000").parse_args([]).sizes
    [5000, 50000]
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", type=lambda text: [int(s) for s in text.split(",")], default=sizes, help=sizes_help)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for intermediate files")
    return parser


def run_isolated(stage: str, *, timeout: float | None = None, **params) -> dict:
    """Run ``stage`` with ``params`` in a child interpreter; return its measurements.

    Raises ``RuntimeError`` with the child's stderr if the stage fails.

    Example
    -------
    >>> run_isolated("import", n=1000, work="/tmp/bench")["wall_s"] < 60  # doctest: +SKIP
    True
    """
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        command = [sys.executable, str(HERE / "_stages.py"), stage, json.dumps(params), str(out)]
        done = subprocess.run(command, stderr=subprocess.PIPE, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"stage {stage} {params} failed:\n{done.stderr[-4000:]}")
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


def describe_machine() -> dict:
    """CPU model, cores, memory, Python and key library versions, current load.

    Example
    -------
    >>> describe_machine()["cores"] >= 1
    True
    """
    import importlib.metadata as md

    from analysis.report.provenance import describe_processor

    cpu = describe_processor()  # the name provenance.json records
    try:
        import psutil

        memory_gb = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    versions = {}
    for name in ("kiwipiepy", "kiwipiepy_model", "pandas", "numpy", "gensim", "tomotopy", "scikit-learn", "dask", "distributed"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = ""
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb,
            "python": platform.python_version(), "os": f"{platform.system()} {platform.release()}",
            "load_avg_1m": round(os.getloadavg()[0], 2), **versions}


def show_table(table: pd.DataFrame, name: str, title: str, *, results: Path = RESULTS) -> Path:
    """Print ``table`` under ``title`` and write it to ``results/<name>.csv``.

    Example
    -------
    >>> show_table(pd.DataFrame({"a": [1]}), "demo", "Demo", results=Path("/tmp"))  # doctest: +SKIP
    """
    print(f"\n== {title} ==")
    print(table.to_string(index=False))
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{name}.csv"
    table.to_csv(path, index=False, lineterminator="\n")
    return path


def write_machine(results: Path = RESULTS) -> pd.DataFrame:
    """Write ``results/machine.csv`` (one row: :func:`describe_machine`) and return it."""
    machine = pd.DataFrame([describe_machine()])
    show_table(machine.T.reset_index().set_axis(["field", "value"], axis=1), "machine", "Machine", results=results)
    return machine
