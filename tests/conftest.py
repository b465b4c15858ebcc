from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def seed_corpus():
    """The bundled corpus, loaded once per test session."""
    from analysis.corpus import load_corpus

    return load_corpus([RAW], manifest=RAW / "manifest.csv")
