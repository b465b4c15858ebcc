"""Frame lexicons: reading and validating the YAML rules that define each frame.

A frame file has ``version`` and ``frames``; each frame has ``id``, ``description``,
``rules`` and ``examples``, each rule an anchor (``match``) with ``near`` and
``exclude_if`` conditions (the rule language is described in :mod:`analysis.frames`).
The reader walks PyYAML's node tree rather than plain Python objects, so that any
malformation raises :class:`analysis.text.lexicons.LexiconError` naming file and line; the
result is an immutable :class:`FrameSet` with each file's version and sha256.

Example
-------
>>> frames = load_frames()
>>> frames.ids[:2], frames.sources
(['japan_rivalry', 'self_determination'], ('analysis/lexicons/frames.yaml',))
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.io import sha256_bytes
from analysis.text.lexicons import LexiconError

__all__ = ["DEFAULT_LEXICON", "Condition", "Frame", "FrameSet", "Pattern", "Rule", "Term", "ensure_frameset",
           "list_frame_lemmas", "load_frames"]

DEFAULT_LEXICON = "lexicons/frames.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"version", "description", "frames"}
# YAML aliases share one node; read as a tree, a few nested aliases can stand for
# billions of nodes. The shipped lexicon expands to about 1,200.
MAX_EXPANDED_NODES = 200_000
_FRAME_KEYS = {"id", "label", "description", "rules", "examples", "cues"}
_RULE_KEYS = {"id", "match", "near", "requires_before", "requires_after", "exclude_if"}
_COND_KEYS = {"terms", "window", "direction"}
_EXAMPLE_KEYS = {"positive", "negative"}


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Term:
    """One morpheme test: ``lemma`` (None = any) and ``tag`` prefix (None = any)."""

    lemma: str | None
    tag: str | None


@dataclass(frozen=True)
class Pattern:
    """Adjacent slots; each slot is a tuple of alternative terms."""

    slots: tuple[tuple[Term, ...], ...]
    text: str


@dataclass(frozen=True)
class Condition:
    """Some pattern within ``window`` morphemes (None = the sentence) in ``direction``."""

    patterns: tuple[Pattern, ...]
    window: int | None
    direction: str


@dataclass(frozen=True)
class Rule:
    """An anchor (alternative patterns) with conditions that must hold or must not."""

    id: str
    match: tuple[Pattern, ...]
    near: tuple[Condition, ...]
    exclude: tuple[Condition, ...]


@dataclass(frozen=True)
class Frame:
    """A frame: id, description, rules and example sentences."""

    id: str
    description: str
    rules: tuple[Rule, ...]
    label: str = ""
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    # Terms that make a sentence worth showing to the learned model (a broad net).
    cues: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class FrameSet:
    """The frames of one or more lexicon files, with version and sha256 for provenance."""

    version: str
    frames: tuple[Frame, ...]
    sources: tuple[str, ...]
    sha256: tuple[str, ...]

    @property
    def ids(self) -> list[str]:
        """Frame ids in file order."""
        return [f.id for f in self.frames]

    @property
    def labels(self) -> dict[str, str]:
        """Frame id -> the label figures show (the id where a frame has no label)."""
        return {f.id: f.label or f.id for f in self.frames}

    def __getitem__(self, frame_id: str) -> Frame:
        for frame in self.frames:
            if frame.id == frame_id:
                return frame
        raise KeyError(frame_id)


# --------------------------------------------------------------------------- loading


def _line(node) -> int:
    return node.start_mark.line + 1


class _Reader:
    """Walks PyYAML's composed node tree so that each error can name its line."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, node, reason: str):
        raise LexiconError(self.path, _line(node) if node is not None else None, reason)

    def mapping(self, node, allowed: set[str], what: str) -> dict[str, tuple]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
        out: dict[str, tuple] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                self.fail(key_node, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
            if key in out:  # PyYAML would silently keep the last one
                self.fail(key_node, f"duplicate key {key!r} in {what}")
            out[key] = (key_node, value_node)
        return out

    def require(self, items: dict, key: str, node, what: str):
        if key not in items:
            self.fail(node, f"{what} is missing required key {key!r}")
        return items[key][1]

    def string(self, node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null") or not str(node.value).strip():
            self.fail(node, f"{what} must be a non-empty string")
        return str(node.value).strip()

    def strings(self, node, what: str) -> list[tuple[str, object]]:
        """A string or a list of strings, each with its node."""
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if isinstance(node, yaml.SequenceNode) and not nodes:
            self.fail(node, f"{what} must not be empty")
        return [(self.string(n, what), n) for n in nodes]

    def pattern(self, text: str, node) -> Pattern:
        slots = []
        for slot_text in text.split("+"):
            alts = []
            for alt in slot_text.split("|"):
                alt = alt.strip()
                lemma, _, tag = alt.partition("/") if "/" in alt else (alt, "", "")
                lemma, tag = lemma.strip(), tag.strip()
                if not alt or ("/" in alt and not tag) or (not lemma):
                    self.fail(node, f"bad term {alt!r} in pattern {text!r} (use lemma, lemma/TAG or */TAG)")
                if tag and not re.fullmatch(r"[A-Z][A-Z-]*", tag):
                    self.fail(node, f"bad tag {tag!r} in pattern {text!r}")
                alts.append(Term(None if lemma == "*" else lemma.casefold(), tag or None))
            slots.append(tuple(alts))
        return Pattern(tuple(slots), text)

    def patterns(self, node, what: str) -> tuple[Pattern, ...]:
        return tuple(self.pattern(text, n) for text, n in self.strings(node, what))

    def condition(self, node, what: str, direction: str | None = None) -> Condition:
        items = self.mapping(node, _COND_KEYS - ({"direction"} if direction else set()), what)
        terms = self.patterns(self.require(items, "terms", node, what), f"{what} terms")
        window: int | None = None
        if "window" in items:
            w = items["window"][1]
            if isinstance(w, yaml.ScalarNode) and w.value == "sentence":
                window = None
            elif isinstance(w, yaml.ScalarNode) and w.tag.endswith(":int") and int(w.value) >= 1:
                window = int(w.value)
            else:
                self.fail(w, f"bad window {getattr(w, 'value', '')!r} in {what}: a whole number >= 1 or 'sentence'")
        if direction is None:
            direction = self.string(items["direction"][1], "direction") if "direction" in items else "any"
            if direction not in ("before", "after", "any"):
                self.fail(items["direction"][1], f"bad direction {direction!r}: before, after or any")
        return Condition(terms, window, direction)

    def conditions(self, node, what: str, direction: str | None = None) -> list[Condition]:
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        return [self.condition(n, what, direction) for n in nodes]

    def rule(self, node, frame_id: str, index: int) -> Rule:
        items = self.mapping(node, _RULE_KEYS, f"rule {index} of frame {frame_id!r}")
        rule_id = self.string(items["id"][1], "rule id") if "id" in items else f"{frame_id}_{index}"
        match = self.patterns(self.require(items, "match", node, f"rule {rule_id!r}"), "match")
        near = []
        for key, direction in (("near", None), ("requires_before", "before"), ("requires_after", "after")):
            if key in items:
                near += self.conditions(items[key][1], f"{key} of rule {rule_id!r}", direction)
        exclude = self.conditions(items["exclude_if"][1], f"exclude_if of rule {rule_id!r}") if "exclude_if" in items else []
        return Rule(rule_id, match, tuple(near), tuple(exclude))

    def frame(self, node) -> Frame:
        items = self.mapping(node, _FRAME_KEYS, "frame")
        frame_id = self.string(self.require(items, "id", node, "frame"), "frame id")
        if not _ID.match(frame_id):
            self.fail(items["id"][1], f"frame id {frame_id!r} must be lower_snake_case")
        description = self.string(self.require(items, "description", node, f"frame {frame_id!r}"), "description")
        rules_node = self.require(items, "rules", node, f"frame {frame_id!r}")
        if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
            self.fail(rules_node, f"rules of frame {frame_id!r} must be a non-empty list")
        rules = [self.rule(n, frame_id, i + 1) for i, n in enumerate(rules_node.value)]
        seen: dict[str, object] = {}
        for rule, n in zip(rules, rules_node.value):
            if rule.id in seen:
                self.fail(n, f"duplicate rule id {rule.id!r} in frame {frame_id!r}")
            seen[rule.id] = n
        examples = {"positive": [], "negative": []}
        if "examples" in items:
            ex = self.mapping(items["examples"][1], _EXAMPLE_KEYS, f"examples of frame {frame_id!r}")
            for kind, (_, value) in ex.items():
                examples[kind] = [text for text, _ in self.strings(value, f"{kind} example")]
        label = self.string(items["label"][1], "label") if "label" in items else ""
        cues = self.patterns(items["cues"][1], "cues") if "cues" in items else ()
        return Frame(frame_id, description, tuple(rules), label, tuple(examples["positive"]), tuple(examples["negative"]),
                     cues)

    def check_expansion(self, root) -> None:
        """Refuse a file whose aliases expand past ``MAX_EXPANDED_NODES``, naming the anchor."""
        sizes: dict[int, int] = {}
        parents: dict[int, int] = {}
        stack = [(root, False)]
        while stack:  # post-order without recursion; sizes are memoised per shared node
            node, done = stack.pop()
            key = id(node)
            if done:
                children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                            else node.value if isinstance(node, yaml.SequenceNode) else [])
                sizes[key] = min(1 + sum(sizes.get(id(c), 0) for c in children), 10 * MAX_EXPANDED_NODES)
                continue
            parents[key] = parents.get(key, 0) + 1
            if key in sizes or parents[key] > 1:
                continue
            stack.append((node, True))
            if isinstance(node, yaml.MappingNode):
                stack.extend((n, False) for pair in node.value for n in pair)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((n, False) for n in node.value)
        if sizes.get(id(root), 0) > MAX_EXPANDED_NODES:
            shared = [n for n in _walk_unique(root) if parents.get(id(n), 0) > 1]
            culprit = max(shared, key=lambda n: sizes.get(id(n), 0) * parents[id(n)], default=root)
            self.fail(culprit, f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (this anchor is used "
                               f"{parents.get(id(culprit), 1)} times); write the repeated part out, or share less")

    def frameset(self, text: str) -> tuple[str, list[tuple[Frame, object]]]:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise LexiconError(self.path, mark.line + 1 if mark else None,
                               f"invalid YAML: {getattr(error, 'problem', None) or error}") from None
        if root is None:
            raise LexiconError(self.path, None, "empty frame file")
        self.check_expansion(root)
        items = self.mapping(root, _TOP_KEYS, "frame file")
        version = self.string(self.require(items, "version", root, "frame file"), "version")
        frames_node = self.require(items, "frames", root, "frame file")
        if not isinstance(frames_node, yaml.SequenceNode) or not frames_node.value:
            self.fail(frames_node, "frames must be a non-empty list")
        return version, [(self.frame(n), n) for n in frames_node.value]


def _walk_unique(root):
    """Every node of a composed YAML graph once."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _read_lexicon(path: str | Path | None) -> tuple[str, bytes]:
    if path is None:
        resource = importlib.resources.files("analysis").joinpath(DEFAULT_LEXICON)
        return f"analysis/{DEFAULT_LEXICON}", resource.read_bytes()
    return str(path), Path(path).read_bytes()


def load_frames(path: str | Path | Sequence[str | Path | None] | None = None) -> FrameSet:
    """Read and validate frame files; ``None`` is the lexicon shipped with the package.

    Pass a list to combine files, e.g. ``[None, "my_frames.yaml"]`` adds the
    researcher's frames to the shipped ones; a frame id defined twice is an error.
    Any malformation raises :class:`analysis.text.lexicons.LexiconError` naming file and line.

    Example
    -------
    >>> frames = load_frames()
    >>> frames["japan_rivalry"].rules[0].id
    'overtake_japan'
    """
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    versions, frames, sources, hashes = [], [], [], []
    seen: dict[str, str] = {}
    for p in paths:
        name, data = _read_lexicon(p)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise LexiconError(name, None, f"not UTF-8: {error}") from None
        reader = _Reader(name)
        version, parsed = reader.frameset(text)
        for frame, node in parsed:
            if frame.id in seen:
                reader.fail(node, f"duplicate frame id {frame.id!r} (first defined in {seen[frame.id]})")
            seen[frame.id] = name
            frames.append(frame)
        versions.append(version)
        sources.append(name)
        hashes.append(sha256_bytes(data))
    return FrameSet("+".join(versions), tuple(frames), tuple(sources), tuple(hashes))


def ensure_frameset(frames: FrameSet | str | Path | Sequence | None) -> FrameSet:
    """``frames`` itself if it is a :class:`FrameSet`, else the frames :func:`load_frames` reads from it."""
    return frames if isinstance(frames, FrameSet) else load_frames(frames)


def list_frame_lemmas(frames: FrameSet | None = None) -> pd.DataFrame:
    """Every lemma named in the rules, tidy: frame, rule, lemma (sorted, unique).

    Useful as ``terms`` for :func:`analysis.textstats.build_cooccurrence_network`.

    Example
    -------
    >>> "일본" in set(list_frame_lemmas().lemma)
    True
    """
    frames = ensure_frameset(frames)
    rows = set()
    for frame in frames.frames:
        for rule in frame.rules:
            patterns = list(rule.match) + [p for c in rule.near for p in c.patterns]
            for pattern in patterns:
                for slot in pattern.slots:
                    rows.update((frame.id, rule.id, t.lemma) for t in slot if t.lemma)
    return pd.DataFrame(sorted(rows), columns=["frame", "rule", "lemma"])
