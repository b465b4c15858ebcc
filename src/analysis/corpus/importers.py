"""Turn what a researcher has on disk into input records, one per document.

An *input* is one page file or one table row. Importers never drop an input: each
becomes a :class:`Record` carrying its decoded text, its metadata and, when it cannot
be read, the reason in ``error`` (the corpus stage then reports it as excluded).

- **Pages** (``.txt``, ``.html``, ``.htm``; folders are searched recursively) are scraped
  news pages. Bytes are decoded with a fixed cascade that holds on short Korean text
  (BOM, strict UTF-8, strict CP949; then UTF-8 or CP949 with the few invalid bytes
  replaced, when what is left is clearly Korean, recorded in the encoding;
  charset-normalizer last, and only if it finds Korean; UTF-16 without a BOM is
  recognised by its NUL bytes) and normalised to NFC;
  HTML is reduced to its visible text first. A file over the size limit is not read.
  A file or folder that cannot be read (no permission, a broken link) is an input too,
  reported with the reason.
- **Tables** (``.csv``, ``.tsv``, ``.jsonl``, ``.parquet``, ``.xlsx``) hold one document a
  row (every sheet of a workbook; JSON Lines split on ``\n`` only, so a U+2028 inside a
  string stays in it; text stored as bytes is decoded like a page). Columns are mapped with :class:`Columns` (which one is the text, the id, the
  date ...); every other column is kept as metadata. Every cell is read as text, so
  ids such as ``01100201.20210303093000002`` or ``000`` never become numbers.
- **BigKinds exports** (the Korean news archive's Excel download, or a CSV saved from
  it) are recognised by their columns and mapped with :data:`BIGKINDS_COLUMNS`; a row
  whose ``분석제외 여부`` is set is excluded with that flag as the reason.

A table that lacks the columns it needs is a configuration error
(:class:`CorpusError`), not an exclusion: nothing in it could be read as intended.

Example
-------
>>> extract_visible_text("<p>AI&nbsp;도시</p><script>x()</script><p>둘째</p>")
'AI 도시\\n둘째'
>>> parse_date("20210303"), parse_date("2021. 3. 3."), parse_date("2021년 3월 3일 오전 9:30")
('2021-03-03', '2021-03-03', '2021-03-03')
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from analysis.errors import InputError

PAGE_SUFFIXES = (".txt", ".html", ".htm")
_TABLE_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                  ".parquet": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx"}
TABLE_SUFFIXES = tuple(_TABLE_FORMATS)
# Columns every document gets from the corpus stage; a table column of the same name is
# kept as ``orig_<name>`` so it cannot overwrite them.
RESERVED_COLUMNS = ("doc_id", "title", "text", "published", "published_raw", "source", "encoding", "n_chars_raw")

# The BigKinds download ("뉴스 검색·분석" -> 엑셀 다운로드), mapped to plain column names.
BIGKINDS_COLUMNS = {
    "뉴스 식별자": "doc_id", "일자": "published", "언론사": "outlet", "기고자": "byline", "제목": "title",
    "통합 분류1": "category_1", "통합 분류2": "category_2", "통합 분류3": "category_3",
    "사건/사고 분류1": "incident_1", "사건/사고 분류2": "incident_2", "사건/사고 분류3": "incident_3",
    "인물": "people", "위치": "places", "기관": "organisations", "키워드": "keywords",
    "특성추출(가중치순 상위 50개)": "features", "본문": "text", "URL": "url", "분석제외 여부": "bigkinds_excluded",
}
BIGKINDS_REQUIRED = ("뉴스 식별자", "일자", "본문")
BIGKINDS_FLAG = "분석제외 여부"
# One document larger than this is not read: a news page or speech is far smaller, and
# a dump of many documents would stall the page cleaner. Raise it with --max-mb.
MAX_BYTES = 5_000_000

HANGUL = re.compile(r"[가-힣]")
# Zero-width and byte-order characters become tokens in Kiwi; NBSP breaks splitting.
_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
                            "\xa0": " "})
_HAS_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\xa0]")


class CorpusError(InputError):
    """An input that cannot be read at all (as opposed to one that is excluded)."""


@dataclass
class Record:
    """One input: a page file or a table row, read but not yet cleaned or judged.

    ``source`` names the input in the report (a path relative to its folder, or
    ``table.csv#12`` for the 12th row); ``kind`` is ``"page"`` (a scraped page, cleaned
    by default) or ``"row"`` (an article body from a table, tidied by default);
    ``error`` is the exclusion reason when the input could not be read; ``notes`` are
    facts worth reporting for an input that is still used.
    """

    source: str
    doc_id: str
    text: str = ""
    title: str = ""
    meta: dict = field(default_factory=dict)
    kind: str = "page"
    format: str = "txt"
    encoding: str = ""
    error: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Columns:
    """Which table column holds what. ``None`` means the default name when present
    (``text``, ``doc_id``, ``published``/``date``, ``title``, ``speaker``) or, for a
    BigKinds export, the BigKinds column.

    Example
    -------
    >>> Columns(text="speech_text", id="division_number").text
    'speech_text'
    """

    text: str | None = None
    id: str | None = None
    date: str | None = None
    title: str | None = None
    speaker: str | None = None


# --------------------------------------------------------------------------- decoding

def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode raw bytes to NFC text and name the encoding that worked.

    Raises :class:`CorpusError` for binary data or bytes no Korean encoding decodes.

    Example
    -------
    >>> decode_bytes("광주".encode("cp949"))
    ('광주', 'cp949')
    >>> decode_bytes("\\ufeff광주".encode("utf-8"))
    ('광주', 'utf-8-sig')
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-8-sig" if data.startswith(b"\xef") else "utf-16"
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError as error:
            raise CorpusError(f"invalid {encoding} after its byte-order mark: {error.reason}") from None
    elif b"\x00" in data:
        text, encoding = _decode_utf16_without_bom(data)
    else:
        text = encoding = None
        for candidate in ("utf-8", "cp949"):
            try:
                text, encoding = data.decode(candidate, errors="strict"), candidate
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            text, encoding = _decode_nearly_korean(data)
        if text is None:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                raise CorpusError("undetectable encoding")
            text, encoding = str(best), best.encoding
            if not HANGUL.search(text) and sum(b >= 0x80 for b in data[:65536]) > 0.1 * min(len(data), 65536):
                # A cut or damaged Korean page "decodes" as Thai or Cyrillic: say why it fails.
                raise CorpusError(f"undetectable encoding: neither UTF-8 nor CP949 (as {encoding} it has no Korean)")
    return normalise_text(text), encoding


# At most this share of replaced characters for a damaged page to still count as Korean.
MAX_REPLACED_SHARE = 0.01


def _decode_nearly_korean(data: bytes) -> tuple[str | None, str | None]:
    """UTF-8 or CP949 with invalid bytes replaced, when the text is clearly Korean: a page
    cut in the middle of a character, or one bad byte in an otherwise good page."""
    for candidate in ("utf-8", "cp949"):
        text = data.decode(candidate, errors="replace")
        replaced = text.count("\ufffd")
        letters = sum(ch.isalpha() for ch in text[:20000]) or 1
        if replaced <= max(2, MAX_REPLACED_SHARE * len(text)) and len(HANGUL.findall(text[:20000])) >= 0.3 * letters:
            noun = "byte" if replaced == 1 else "bytes"
            return text.replace("\ufffd", ""), f"{candidate}, {replaced} invalid {noun} dropped"
    return None, None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str]:
    """UTF-16 saved without a byte-order mark has a NUL in every space and newline;
    accept it only when it decodes to Hangul and no control characters."""
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        if HANGUL.search(text) and not _CONTROL.search(text):
            return text, encoding
    raise CorpusError("binary file (contains NUL bytes)")


def normalise_text(text: str) -> str:
    """NFC-normalise and drop invisible characters that confuse tokenisers.

    Example
    -------
    >>> normalise_text(unicodedata.normalize("NFD", "한국\\u200b어")) == "한국어"
    True
    """
    text = unicodedata.normalize("NFC", text)
    # translate() is slow on long texts; most have nothing to replace.
    return text.translate(_INVISIBLE) if _HAS_INVISIBLE.search(text) else text


# --------------------------------------------------------------------------- HTML

class _VisibleText(HTMLParser):
    """Collects the text a browser would show, one block element per line."""

    HIDDEN = {"script", "style", "noscript", "template", "title", "svg", "iframe", "object"}
    BLOCK = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
             "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
             "p", "pre", "section", "table", "tr", "ul", "body", "caption"}

    def __init__(self):
        # convert_charrefs: entities are unescaped in text data only, after the tags have
        # been separated out, so "&lt;b&gt;" stays the visible text "<b>".
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag == "td" or tag == "th":
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            # Line breaks in HTML source are not visible; NBSP is handled afterwards.
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:p|div|br|span|a|body|head|table|tr|td|li|ul|h[1-6]|article|section|script|style|meta|img|strong|em)"
    r"(?:\s[^<>]*)?/?>", re.IGNORECASE)


def is_html(text: str) -> bool:
    """True for a saved web page: a document type or ``<html>`` at the start, or at least
    three common HTML tags. Korean brackets such as ``<조선일보>`` are not tags.

    Example
    -------
    >>> is_html("<p>첫 문단</p><p>둘째</p><br>"), is_html("<조선일보> 보도에 따르면")
    (True, False)
    """
    return bool(_HTML_START.match(text)) or len(_HTML_TAG.findall(text, 0, 200_000)) >= 3


def extract_visible_text(html: str) -> str:
    """Reduce HTML to its visible text, one block per line.

    Script, style and the like are dropped; tags are stripped before entities are
    unescaped; then NBSP becomes a space and zero-width characters go (NFC as well).

    Example
    -------
    >>> extract_visible_text("<h1>제목</h1><div>본문&amp;\\n이어짐<br>다음 줄</div>")
    '제목\\n본문& 이어짐\\n다음 줄'
    """
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (normalise_text(line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(re.sub(r" {2,}", " ", line) for line in lines if line)


# --------------------------------------------------------------------------- dates

_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\d{4,6})?"),  # 20210303, 20210303093000
    re.compile(r"(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})\.?(?:[ T].*)?"),
    re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일.*"),
)
_PARTIAL_DATE = re.compile(r"\d{4}(?:\s*[-./년]\s*\d{1,2}\s*월?)?\.?")


def parse_date(value) -> str:
    """Return ``value`` as an ISO date (YYYY-MM-DD), or ``""`` for an empty value.

    Accepts 20210303, 2021-03-03, 2021.03.03, "2021. 3. 3.", "2021년 3월 3일", any of
    these followed by a time, and date or datetime objects. Raises ``ValueError`` for
    anything else, including dates without a day ("1950", "1950.05"), which the caller
    reports rather than guesses.

    Example
    -------
    >>> parse_date("2021.03.03 09:30"), parse_date("")
    ('2021-03-03', '')
    >>> parse_date("1950.05")
    Traceback (most recent call last):
    ValueError: date '1950.05' has no day
    """
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    if not text:
        return ""
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
            except ValueError:
                raise ValueError(f"date {text!r} is not a calendar date") from None
    if _PARTIAL_DATE.fullmatch(text):
        raise ValueError(f"date {text!r} has no day")
    raise ValueError(f"unparseable date {text!r}")


# --------------------------------------------------------------------------- pages

def list_pages(source: str | Path) -> list[tuple[Path, str]]:
    """``(path, label)`` for every page under a folder (recursively) or for one file.

    The label is relative to the folder, so reports do not depend on where the corpus
    sits on disk. Other files in a folder (tables, images, a manifest) are not inputs.

    Example
    -------
    >>> list_pages("data/raw")[0][1]  # doctest: +SKIP
    '000_f1381030a03496e5.txt'
    """
    return _walk_pages(source)[0]


def _walk_pages(source: str | Path) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """``(pages, problems)``: every page under ``source``, and ``(label, reason)`` for each
    folder that cannot be listed and each link that leads nowhere."""
    source = Path(source)
    if source.is_file():
        return [(source, unicodedata.normalize("NFC", source.name))], []
    if not source.is_dir():
        raise CorpusError(f"{source}: no such file or folder")

    def label(path: str) -> str:
        return unicodedata.normalize("NFC", Path(path).relative_to(source).as_posix())

    found, problems, visited = {}, [], set()

    def unreadable(error: OSError) -> None:
        problems.append((label(error.filename) + "/", f"folder not readable: {error.strerror}"))

    for folder, subfolders, files in os.walk(source, onerror=unreadable, followlinks=True):
        real = os.path.realpath(folder)
        if real in visited:  # a link back up the tree
            subfolders[:] = []
            continue
        visited.add(real)
        for name in files:
            path = Path(folder) / name
            if path.suffix.lower() not in PAGE_SUFFIXES:
                continue
            if path.is_symlink() and not path.exists():
                problems.append((label(str(path)), f"broken link to {os.readlink(path)}"))
            else:
                found[path] = label(str(path))
    pages = sorted(found.items(), key=lambda item: (item[1], item[0].as_posix()))
    return pages, sorted(problems)


def read_page(path: str | Path, label: str, max_bytes: int) -> Record:
    """Read one page file into a :class:`Record`; problems become its ``error``.

    A file over ``max_bytes`` is not read at all (a page that large is a dump of many
    documents, which the cleaner cannot treat as one article).

    Example
    -------
    >>> read_page("data/raw/000_f1381030a03496e5.txt", "000.txt", MAX_BYTES).encoding  # doctest: +SKIP
    'utf-8'
    """
    path = Path(path)
    name = unicodedata.normalize("NFC", path.stem)
    fmt = "html" if path.suffix.lower() in (".html", ".htm") else "txt"
    record = Record(source=label, doc_id=name, kind="page", format=fmt)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            record.error = f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit (--max-mb)"
            return record
        data = path.read_bytes()
    except OSError as error:  # no permission, vanished, a directory named like a page
        record.error = f"file not readable: {error.strerror or error}"
        return record
    try:
        text, record.encoding = decode_bytes(data)
    except CorpusError as error:
        record.error = str(error)
        return record
    if fmt == "html" or is_html(text):
        record.format = "html"
        visible = extract_visible_text(text)
        if text.strip() and not visible:
            record.error = "HTML without visible text"
        text = visible
    record.text = text
    return record


# --------------------------------------------------------------------------- tables

def _cell_to_text(value) -> str:
    """A cell as text: integral floats lose their ``.0``, dates become ISO, NA is empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.isoformat(sep=" ") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return normalise_text(str(value))


def _decode_cell(value, column: str, row: int, notes: dict[int, str]):
    if not isinstance(value, bytes | bytearray):
        return value
    try:
        text, encoding = decode_bytes(bytes(value))
    except CorpusError as error:
        notes[row] = f"column {column!r} holds bytes that are not text ({error})"
        return ""
    notes[row] = f"column {column!r} held bytes, decoded as {encoding}"
    return text


def _read_workbook(path: Path) -> tuple[pd.DataFrame, str, dict[int, str], list[int]]:
    """Every sheet of a workbook, rows numbered on across sheets, each row's sheet kept.

    A sheet with other columns than the first (notes, a summary) is not documents: it is
    reported as one excluded input naming the sheet and its rows, never dropped unsaid.
    """
    sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    frames, errors, numbers, first_columns, n = [], {}, [], None, 0
    for name, frame in sheets.items():
        if frame.empty:
            continue
        columns = [unicodedata.normalize("NFC", str(c)).strip() for c in frame.columns]
        if first_columns is None:
            first_columns = columns
        if columns != first_columns:
            n += 1
            errors[n] = f"sheet {name!r} ({len(frame)} rows) not read: its columns differ from the first sheet's"
            continue
        frames.append(frame.assign(**{"sheet": str(name)}) if len(sheets) > 1 else frame)
        numbers += list(range(n + 1, n + 1 + len(frame)))
        n += len(frame)
    if not frames:
        return pd.DataFrame(), "utf-8", errors, []
    frame = pd.concat(frames, ignore_index=True)
    # Excel may hold an id as a number: its digits are already gone, so say so.
    numeric = {c for c in frame.columns if frame[c].map(lambda v: isinstance(v, float) and not math.isnan(v)).any()}
    frame = frame.map(_cell_to_text)
    frame.attrs["numeric_columns"] = {unicodedata.normalize("NFC", str(c)).strip() for c in numeric}
    return frame, "utf-8", errors, numbers


def _tidy_parquet_frame(frame: pd.DataFrame, first: int) -> pd.DataFrame:
    """Cells of parquet rows numbered from ``first`` as text; binary cells decoded, and said so."""
    notes: dict[int, str] = {}
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, bytes | bytearray)).any():
            frame[column] = [_decode_cell(v, column, first + row, notes) for row, v in enumerate(frame[column])]
    frame = frame.map(_cell_to_text)
    frame.attrs["row_notes"] = notes
    return frame


def _iter_parquet(path: Path, columns: Columns | None, max_bytes: int, batch_rows: int) -> Iterator[Record]:
    """:func:`read_table` for a parquet file, ``batch_rows`` rows at a time (the same records)."""
    import pyarrow.parquet as pq

    label, stem = unicodedata.normalize("NFC", path.name), unicodedata.normalize("NFC", path.stem)
    # Pages one at a time, not whole column chunks in advance: memory follows the batch.
    table = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
    if table.metadata.num_rows == 0:
        yield Record(source=label, doc_id=stem, kind="row", format="parquet", encoding="utf-8",
                     error="table has no rows")
        return
    # A stored pandas index is not a column (pd.read_parquet makes it the index).
    index = {c for c in (table.schema_arrow.pandas_metadata or {}).get("index_columns", []) if isinstance(c, str)}
    first = 1
    for batch in table.iter_batches(batch_size=batch_rows, columns=[c for c in table.schema_arrow.names if c not in index]):
        frame = _tidy_parquet_frame(batch.to_pandas(), first)
        yield from _rows_to_records(frame, list(range(first, first + len(frame))), columns or Columns(), label, stem,
                                    "parquet", "utf-8", max_bytes)
        first += len(frame)


class _EmptyTable(Exception):
    """A table file with nothing to read: reported as one excluded input."""


def _read_frame(path: Path) -> tuple[pd.DataFrame, str, dict[int, str], list[int]]:
    """Read a table file: ``(cells as text, encoding, {row number: error}, row numbers)``.

    Row numbers count data rows from 1 (JSON Lines: the line number). Rows that cannot
    be parsed at all (a broken JSON line) are returned as errors, not dropped.
    """
    suffix = path.suffix.lower()
    if suffix in (".parquet",):
        frame = _tidy_parquet_frame(pd.read_parquet(path), first=1)
        return frame, "utf-8", {}, list(range(1, len(frame) + 1))
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path)
    data = path.read_bytes()
    if not data.strip():
        raise _EmptyTable("empty file")
    try:
        text, encoding = decode_bytes(data)
    except CorpusError as error:
        raise _EmptyTable(str(error)) from None
    if suffix in (".jsonl", ".ndjson"):
        rows, errors, numbers = [], {}, []
        # "\n" only: splitlines() would also break at U+2028, U+2029 and U+0085, which
        # json and pandas write raw inside strings.
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            try:
                # Numbers stay as written: an id 01100201.20210303093000002 is no float.
                obj = json.loads(line, parse_float=str, parse_int=str)
            except json.JSONDecodeError as error:
                errors[number] = f"invalid JSON: {error.msg}"
                continue
            if not isinstance(obj, dict):
                errors[number] = "JSON line is not an object"
                continue
            rows.append({k: _cell_to_text(v) if not isinstance(v, dict | list) else json.dumps(v, ensure_ascii=False)
                         for k, v in obj.items()})
            numbers.append(number)
        return pd.DataFrame(rows, dtype=object).fillna(""), encoding, errors, numbers
    sep = "," if suffix == ".csv" else "\t"
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError as error:
        raise CorpusError(f"{path.name}: not a readable {suffix[1:].upper()} table: {error}") from None
    except pd.errors.EmptyDataError:
        raise _EmptyTable("empty file") from None
    return frame, encoding, {}, list(range(1, len(frame) + 1))


def _resolve_columns(frame: pd.DataFrame, columns: Columns, label: str) -> tuple[dict[str, str], bool]:
    """Map table columns to document fields; returns ``({column: field}, is_bigkinds)``.

    Explicit options win; then the BigKinds layout when the table has its id or flag
    column; then the default names.
    """
    present = list(frame.columns)
    explicit = {"text": columns.text, "doc_id": columns.id, "published": columns.date, "title": columns.title,
                "speaker": columns.speaker}
    options = {"text": "--text-col", "doc_id": "--id-col", "published": "--date-col", "title": "--title-col",
               "speaker": "--speaker-col"}
    for target, name in explicit.items():
        if name is not None and name not in present:
            raise CorpusError(f"{label}: no column {name!r} ({options[target]}); columns are {present}")
    bigkinds = "뉴스 식별자" in present or BIGKINDS_FLAG in present
    mapping: dict[str, str] = {}
    if bigkinds:
        mapping = {c: BIGKINDS_COLUMNS[c] for c in present if c in BIGKINDS_COLUMNS}
        missing = [c for c in BIGKINDS_REQUIRED if c not in present and explicit[BIGKINDS_COLUMNS[c]] is None]
        if missing:
            raise CorpusError(f"{label}: looks like a BigKinds export but lacks column(s) {missing}; "
                              f"columns are {present}")
    defaults = {"text": ("text",), "doc_id": ("doc_id", "id"), "published": ("published", "date"),
                "title": ("title",), "speaker": ("speaker",)}
    for target, name in explicit.items():
        if name is None and target in mapping.values():
            continue
        mapping = {c: f for c, f in mapping.items() if f != target}
        found = name or next((c for c in defaults[target] if c in present and c not in mapping), None)
        if found is not None:
            mapping[found] = target
    if "text" not in mapping.values():
        hint = ("neither a BigKinds export (columns 뉴스 식별자, 일자, 본문) nor a table with a 'text' column"
                if Path(label).suffix.lower() in (".xlsx", ".xlsm") else "no text column 'text'")
        raise CorpusError(f"{label}: {hint}; columns are {present}; name the text column with --text-col")
    return mapping, bigkinds


def read_table(path: str | Path, columns: Columns | None = None, max_bytes: int = MAX_BYTES) -> list[Record]:
    """Read a CSV, TSV, JSON Lines, parquet or Excel table into one record per row.

    Unmapped columns are kept as metadata under their own names. A row whose text
    cell is over ``max_bytes`` (UTF-8) is excluded, not truncated. Raises
    :class:`CorpusError` when the text column (or an explicitly named one) is missing;
    an empty or undecodable file becomes one excluded record.

    Example
    -------
    >>> records = read_table("speeches.parquet", Columns(text="speech_text"))  # doctest: +SKIP
    >>> records[0].source, records[0].kind  # doctest: +SKIP
    ('speeches.parquet#1', 'row')
    """
    path = Path(path)
    label = unicodedata.normalize("NFC", path.name)
    stem = unicodedata.normalize("NFC", path.stem)
    fmt = _TABLE_FORMATS[path.suffix.lower()]
    try:
        frame, encoding, errors, numbers = _read_frame(path)
    except _EmptyTable as error:
        return [Record(source=label, doc_id=stem, kind="row", format=fmt, error=str(error))]
    if frame.empty and not errors:
        return [Record(source=label, doc_id=stem, kind="row", format=fmt, encoding=encoding,
                       error="table has no rows")]
    # Broken JSON lines are inputs too: they are reported, not skipped.
    records = [Record(source=f"{label}#{n}", doc_id=f"{stem}-{n}", kind="row", format=fmt, encoding=encoding,
                      error=reason) for n, reason in errors.items()]
    if not frame.empty:
        records += _rows_to_records(frame, numbers, columns or Columns(), label, stem, fmt, encoding, max_bytes)
    return sorted(records, key=lambda r: int(r.source.rsplit("#", 1)[1]))


def _rows_to_records(frame: pd.DataFrame, numbers: list[int], columns: Columns, label: str, stem: str, fmt: str,
                     encoding: str, max_bytes: int) -> list[Record]:
    """One record per table row: mapped fields, other cells as metadata, flags as errors."""
    numeric = frame.attrs.get("numeric_columns", set())
    row_notes = frame.attrs.get("row_notes", {})
    frame.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in frame.columns]
    if frame.columns.duplicated().any():
        raise CorpusError(f"{label}: repeated column name(s) {sorted(set(frame.columns[frame.columns.duplicated()]))}")
    mapping, bigkinds = _resolve_columns(frame, columns, label)
    fields = {target: column for column, target in mapping.items()}
    kept = {c: f"orig_{c}" if c in RESERVED_COLUMNS or c in fields else c for c in frame.columns if c not in mapping}
    records = []
    for number, row in zip(numbers, _iter_row_dicts(frame)):
        record = Record(source=f"{label}#{number}", doc_id=row.get(fields.get("doc_id"), "").strip(),
                        text=row[fields["text"]], title=row.get(fields.get("title"), "").strip(),
                        kind="row", format=f"bigkinds-{fmt}" if bigkinds else fmt, encoding=encoding)
        if not record.doc_id:
            record.doc_id = f"{stem}-{number}"
            if "doc_id" in fields:
                record.notes.append("empty id: row number used")
        elif fields.get("doc_id") in numeric:
            record.notes.append("id stored as a number in the workbook: digits may be lost")
        record.meta = {target: row[column].strip() for column, target in mapping.items()
                       if target not in ("doc_id", "text", "title")}
        record.meta.update({new: row[old] for old, new in kept.items()})
        if number in row_notes:
            record.notes.append(row_notes[number])
        size = len(record.text.encode("utf-8")) if len(record.text) * 4 > max_bytes else 0
        if bigkinds and record.meta.get("bigkinds_excluded"):
            record.error = f"BigKinds {BIGKINDS_FLAG}: {record.meta['bigkinds_excluded']}"
        elif size > max_bytes:
            record.error = f"text is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit (--max-mb)"
        elif is_html(record.text):
            record.text = extract_visible_text(record.text)
            record.notes.append("HTML reduced to visible text")
        records.append(record)
    return records


def _iter_row_dicts(frame: pd.DataFrame, size: int = 1000):
    """The rows as dicts, a thousand at a time: a whole table's at once would be a second
    copy of every cell."""
    for start in range(0, len(frame), size):
        yield from frame.iloc[start:start + size].to_dict("records")


def read_source(source: str | Path, columns: Columns | None = None, max_bytes: int = MAX_BYTES) -> list[Record]:
    """Read a folder of pages, one page file or one table into records, in report order.

    Example
    -------
    >>> [r.source for r in read_source("data/raw")][:1]  # doctest: +SKIP
    ['000_f1381030a03496e5.txt']
    """
    return list(iter_source(source, columns, max_bytes))


def iter_source(source: str | Path, columns: Columns | None = None, max_bytes: int = MAX_BYTES, *,
                batch_rows: int = 1000) -> Iterator[Record]:
    """:func:`read_source` a record at a time: a page is read when it is reached, a
    parquet table ``batch_rows`` rows at a time. CSV, TSV, JSON Lines and Excel tables are
    read whole, one file at a time (their encoding is detected from the whole file)."""
    path = Path(source)
    if path.is_file() and path.suffix.lower() == ".parquet":
        yield from _iter_parquet(path, columns, max_bytes, batch_rows)
        return
    if path.is_file() and path.suffix.lower() in TABLE_SUFFIXES:
        yield from read_table(path, columns, max_bytes)
        return
    pages, problems = _walk_pages(path)
    # Report order is by label; a problem is a record with its reason and no text.
    items = [(label, page) for page, label in pages] + [(label, reason) for label, reason in problems]
    for label, what in sorted(items, key=lambda item: item[0]):
        if isinstance(what, Path):
            yield read_page(what, label, max_bytes)
        else:
            yield Record(source=label, doc_id=unicodedata.normalize("NFC", Path(label.rstrip("/")).stem) or label,
                         kind="page", error=what)


