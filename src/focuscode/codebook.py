"""The YAML codebook: parsing, validation with file and line, and the Code model.

A codebook is a list of codes nested with `children`. Validation collects every
problem before reporting, so a researcher fixes the file in one pass; nothing is
returned from an invalid file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, TypeVar

from .errors import CodebookError, FocuscodeError, InputFileError

ALLOWED_KEYS = {
    "name",
    "description",
    "include",
    "exclude",
    "exclude_keywords",
    "examples",
    "keywords",
    "patterns",
    "color",
    "children",
}
KEYWORD_KEYS = {"term", "compound"}
TOKEN_PATTERN_ATTRS = {
    "LEMMA", "LOWER", "ORTH", "TEXT", "NORM", "POS", "TAG", "IS_PUNCT", "IS_DIGIT",
    "IS_ALPHA", "LIKE_NUM", "OP", "IS_STOP", "LENGTH", "SHAPE", "PREFIX", "SUFFIX",
}
TOKEN_PATTERN_OPS = {"!", "?", "+", "*", "{"}
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
T = TypeVar("T")
MAX_CODE_DEPTH = 12  # themes, codes, subcodes...: deeper than this is a broken file, not a codebook


@dataclass
class Keyword:
    """A Dutch lemma or phrase. `compound` lets it match as head or tail of a compound."""

    term: str
    compound: bool = True


def walk(roots: Iterable[T]) -> Iterator[T]:
    """Every node of a code tree, parents before children, in order: the one walker of
    in-memory code trees (a YAML codebook's Codes, a REFI project's RefiCodes). Iterative,
    so no tree depth can exhaust the interpreter's stack."""
    stack = list(reversed(list(roots)))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


@dataclass
class Code:
    name: str
    description: str = ""
    include: str = ""
    exclude: str = ""
    exclude_keywords: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    patterns: list[list[dict[str, Any]]] = field(default_factory=list)
    color: str | None = None
    children: list["Code"] = field(default_factory=list)
    parent: str | None = None
    line: int | None = None
    # Lines of the texts in the file (name, description, include, exclude; examples in order),
    # so the privacy check at load can point at the very line.
    lines: dict[str, int] = field(default_factory=dict)
    example_lines: list[int] = field(default_factory=list)

    def walk(self) -> Iterator["Code"]:
        return walk([self])


@dataclass
class Codebook:
    codes: list[Code]
    path: str | None = None
    name: str | None = None  # the optional top-level name: and version: of the YAML
    version: str | None = None

    def walk(self) -> Iterator[Code]:
        return walk(self.codes)

    def by_name(self) -> dict[str, Code]:
        return {c.name: c for c in self.walk()}

    def theme_of(self, name: str) -> str:
        codes = self.by_name()
        code = codes[name]
        while code.parent is not None:
            code = codes[code.parent]
        return code.name


class _Problems:
    def __init__(self, path: str):
        self.path = path
        self.items: list[FocuscodeError] = []
        self.matcher = None  # spaCy's Matcher on a blank vocab, made for the first pattern

    def add(self, node, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.items.append(FocuscodeError(message, path=self.path, line=line))


def _scalar_text(node, problems: _Problems, key: str) -> str:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return str(node.value).strip()
    if isinstance(node, yaml.SequenceNode):
        parts = []
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                parts.append(str(item.value).strip())
            else:
                problems.add(item, f"'{key}' entries must be text")
        return "\n".join(p for p in parts if p)
    problems.add(node, f"'{key}' must be text or a list of text")
    return ""


def _text_list(node, problems: _Problems, key: str, allow_empty: bool = False) -> list[str]:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"'{key}' must be a list")
        return []
    out = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or item.tag.endswith(":null"):
            problems.add(item, f"'{key}' entries must be text")
            continue
        text = str(item.value).strip()
        if not text and not allow_empty:
            problems.add(item, f"empty entry in '{key}'")
            continue
        if key == "exclude_keywords" and not _has_word(text):
            problems.add(item, f"exclude keyword '{text}' has no word to match (only punctuation or spaces)")
            continue
        out.append(text)
    return out


def _has_word(term: str) -> bool:
    # The matcher needs a word; `suggest` would refuse the whole codebook otherwise.
    return any(ch.isalnum() for ch in term)


def _keyword_term_ok(problems, node, term: str, code_name: str) -> bool:
    """A keyword's term, written plain or as `term:`, is not empty and has a word to match."""
    if not term:
        problems.add(node, f"empty keyword in '{code_name}'")
        return False
    if not _has_word(term):
        problems.add(node, f"keyword '{term}' of '{code_name}' has no word to match (only punctuation or spaces)")
        return False
    return True


def _keywords(node, problems: _Problems, code_name: str) -> list[Keyword]:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"'keywords' of '{code_name}' must be a list")
        return []
    out = []
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            term = "" if item.tag.endswith(":null") else str(item.value).strip()
            if _keyword_term_ok(problems, item, term, code_name):
                out.append(Keyword(term))
        elif isinstance(item, yaml.MappingNode):
            values = {}
            for k, v in item.value:
                if k.value not in KEYWORD_KEYS:
                    problems.add(k, f"unknown key '{k.value}' in a keyword of '{code_name}' (allowed: term, compound)")
                    continue
                values[k.value] = v
            term_node = values.get("term")
            term = str(term_node.value).strip() if isinstance(term_node, yaml.ScalarNode) else ""
            if not _keyword_term_ok(problems, item, term, code_name):
                continue
            compound = True
            if "compound" in values:
                raw = str(values["compound"].value).lower()
                if raw not in ("true", "false", "yes", "no"):
                    problems.add(values["compound"], f"'compound' of keyword '{term}' must be true or false")
                compound = raw in ("true", "yes")
            out.append(Keyword(term, compound))
        else:
            problems.add(item, f"keywords of '{code_name}' must be text or {{term, compound}}")
    return out


def _patterns(node, problems: _Problems, code_name: str) -> list[list[dict]]:
    """Check token patterns structurally, then with spaCy's own Matcher validation.

    spaCy checks on a blank vocabulary, so `codebook load` and `validate` refuse a
    pattern that `suggest` would refuse, without loading any model.
    """
    from . import yamlsafe

    data = yamlsafe.value(node, problems.path) if node is not None else None
    if not isinstance(data, list):
        problems.add(node, f"'patterns' of '{code_name}' must be a list of token patterns")
        return []
    out = []
    for i, pattern in enumerate(data):
        sub = node.value[i]
        if not isinstance(pattern, list) or not pattern:
            problems.add(sub, f"bad pattern in '{code_name}': a pattern is a non-empty list of token dicts")
            continue
        ok = True
        for token in pattern:
            if not isinstance(token, dict) or not token:
                problems.add(sub, f"bad pattern in '{code_name}': each token must be a non-empty mapping")
                ok = False
                break
            for attr, value in token.items():
                if str(attr).upper() not in TOKEN_PATTERN_ATTRS:
                    problems.add(sub, f"bad pattern in '{code_name}': unknown token attribute '{attr}'")
                    ok = False
                elif str(attr).upper() == "OP" and value not in TOKEN_PATTERN_OPS:
                    problems.add(sub, f"bad pattern in '{code_name}': unknown operator '{value}'")
                    ok = False
                elif value is None or value == "":
                    problems.add(sub, f"bad pattern in '{code_name}': empty value for '{attr}'")
                    ok = False
        if ok:
            normalised = [{str(k).upper(): v for k, v in t.items()} for t in pattern]
            reason = _spacy_rejects(problems, normalised)
            if reason:
                problems.add(sub, f"bad pattern in '{code_name}': spaCy rejects it: {reason}")
                continue
            out.append(normalised)
    return out


def _spacy_rejects(problems: _Problems, pattern: list[dict]) -> str | None:
    """spaCy's reason for refusing a token pattern, or None."""
    if problems.matcher is None:
        from spacy.matcher import Matcher
        from spacy.vocab import Vocab

        problems.matcher = Matcher(Vocab(), validate=True)
    try:
        problems.matcher.add("check", [pattern])
    except Exception as exc:  # noqa: BLE001 - MatchPatternError, re.error, ValueError, TypeError: all mean "invalid"
        return one_line(exc)
    finally:
        if "check" in problems.matcher:
            problems.matcher.remove("check")
    return None


def _parse_code(node, problems: _Problems, parent: str | None, seen: dict[str, int], depth: int = 1) -> Code | None:
    import yaml

    if depth > MAX_CODE_DEPTH:
        problems.add(node, f"codes nested deeper than {MAX_CODE_DEPTH} levels under '{parent}'")
        return None
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, "each code must be a mapping with at least 'name'")
        return None
    fields: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in ALLOWED_KEYS:
            problems.add(key_node, f"unknown key '{key}' (allowed: {', '.join(sorted(ALLOWED_KEYS))})")
            continue
        if key in fields:
            problems.add(key_node, f"key '{key}' given twice")
        fields[key] = value_node
    name_node = fields.get("name")
    name = str(name_node.value).strip() if isinstance(name_node, yaml.ScalarNode) else ""
    if not name:
        problems.add(name_node or node, "a code without a name")
        name = f"<unnamed at line {node.start_mark.line + 1}>"
    elif "::" in name:
        problems.add(name_node, f"code name '{name}' may not contain '::'")
    line = node.start_mark.line + 1
    if name in seen:
        problems.add(name_node, f"duplicate code name '{name}' (first at line {seen[name]})")
    else:
        seen[name] = line
    code = Code(name=name, parent=parent, line=line)
    code.lines = {key: fields[key].start_mark.line + 1 for key in ("name", "description", "include", "exclude") if key in fields}
    if isinstance(fields.get("examples"), yaml.SequenceNode):
        code.example_lines = [item.start_mark.line + 1 for item in fields["examples"].value
                              if isinstance(item, yaml.ScalarNode) and str(item.value).strip()]
    if "description" in fields:
        code.description = _scalar_text(fields["description"], problems, "description")
    if "include" in fields:
        code.include = _scalar_text(fields["include"], problems, "include")
    if "exclude" in fields:
        code.exclude = _scalar_text(fields["exclude"], problems, "exclude")
    if "exclude_keywords" in fields:
        code.exclude_keywords = _text_list(fields["exclude_keywords"], problems, "exclude_keywords")
    if "examples" in fields:
        code.examples = _text_list(fields["examples"], problems, "examples")
    if "keywords" in fields:
        code.keywords = _keywords(fields["keywords"], problems, name)
    if "patterns" in fields:
        code.patterns = _patterns(fields["patterns"], problems, name)
    if "color" in fields:
        color = str(fields["color"].value).strip()
        if not COLOR_RE.match(color):
            problems.add(fields["color"], f"color of '{name}' must look like #1f77b4, not '{color}'")
        else:
            code.color = color.lower()
    if "children" in fields:
        children = fields["children"]
        if not isinstance(children, yaml.SequenceNode):
            problems.add(children, f"'children' of '{name}' must be a list of codes")
        else:
            for child_node in children.value:
                child = _parse_code(child_node, problems, name, seen, depth + 1)
                if child is not None:
                    code.children.append(child)
    return code


def parse_codebook(text: str, path: str = "<codebook>") -> Codebook:
    """Parse and validate codebook YAML text. Raises CodebookError listing every problem."""
    import yaml

    from . import yamlsafe

    problems = _Problems(path)
    try:
        root = yamlsafe.compose(text, path)
    except InputFileError as exc:
        err = FocuscodeError(exc.message, path=path, line=exc.line)
        raise CodebookError(str(err), problems=[err]) from None
    if root is None:
        err = FocuscodeError("the codebook is empty", path=path)
        raise CodebookError(str(err), problems=[err])
    # A top-level mapping with a `codes:` key is accepted as well as a bare list.
    about: dict[str, str] = {}
    if isinstance(root, yaml.MappingNode):
        codes_node = None
        for key_node, value_node in root.value:
            if key_node.value == "codes":
                codes_node = value_node
            elif key_node.value in ("name", "version") and isinstance(value_node, yaml.ScalarNode):
                about[key_node.value] = str(value_node.value).strip()
            elif key_node.value not in ("name", "description", "version"):
                problems.add(key_node, f"unknown top-level key '{key_node.value}' (allowed: codes, name, description, version)")
        root = codes_node
    if not isinstance(root, yaml.SequenceNode) or not root.value:
        problems.add(root, "the codebook must be a non-empty list of codes")
        raise CodebookError(_summary(problems), problems=problems.items)
    seen: dict[str, int] = {}
    codes = [c for c in (_parse_code(n, problems, None, seen) for n in root.value) if c is not None]
    if problems.items:
        problems.items.sort(key=lambda e: e.line or 0)
        raise CodebookError(_summary(problems), problems=problems.items)
    return Codebook(codes=codes, path=path, name=about.get("name") or None, version=about.get("version") or None)


def _summary(problems: _Problems) -> str:
    first = problems.items[0]
    more = len(problems.items) - 1
    return str(first) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


def gate_codebook(book: Codebook, gate=None) -> list:
    """Pass the codebook's names, descriptions, include/exclude rules and examples through
    the privacy gate before it is loaded (`gate`: a privacy.gate.Gate, strict when None).

    Raises PrivacyError naming each finding at its file and line; with --allow-pii returns
    the names-list findings as warnings. Keywords and patterns are lemmas, not prose."""
    from .privacy.gate import Field, Gate, line_finder

    gate = gate if gate is not None else Gate()
    fields = []
    for code in book.walk():
        # A YAML code has lines; a REFI-QDA .qdc code is named instead, as on a .qdpx import.
        where = book.path or "<codebook>"
        if code.line is None:
            where = f"{where}#code '{code.name}'"
        fields.append(Field(code.name, where, code.lines.get("name", code.line), "codenaam", "label"))
        example_lines = code.example_lines if len(code.example_lines) == len(code.examples) else [None] * len(code.examples)
        texts = [("beschrijving", code.description, code.lines.get("description")),
                 ("include", code.include, code.lines.get("include")), ("exclude", code.exclude, code.lines.get("exclude")),
                 *(("voorbeeld", text, line) for text, line in zip(code.examples, example_lines))]
        for kind, text, line in texts:
            if text:
                # A folded YAML text: its own lines count on from its first; a .qdc text from 1.
                line = line or code.line or 1
                at = line_finder(text)
                # The researchers' own definitions may date themselves; examples quote participants.
                ignore = frozenset() if kind == "voorbeeld" else frozenset({"datum"})
                fields.append(Field(text, where, line, kind, "text", lambda offset, at=at, base=line: base + at(offset) - 1,
                                    ignore=ignore))
    return gate.check(fields, what="codebook not loaded")


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook file."""
    from . import yamlsafe

    p = Path(path)
    if p.suffix.lower() == ".qdc":
        raise InputFileError("REFI-QDA codebooks (.qdc) are read by 'codebook load', not as YAML", path=str(p))
    return parse_codebook(yamlsafe.read_text(p), str(p))


def one_line(exc: Exception) -> str:
    """spaCy's pattern errors (a bulleted list over several lines) as one line, for the
    codebook check and the rule matcher alike."""
    text = str(exc)
    details = [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("- ")]
    return "; ".join(details) if details else " ".join(text.split())
