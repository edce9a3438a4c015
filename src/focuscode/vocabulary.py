"""The study's vocabulary: its sectors, sources and roles, how they are shown, and
how a quote is attributed.

It is data, not code: a study file (YAML, read with the project's safe loader)
whose values are stored in the project's settings by `study load`. A project
without one uses the study file shipped in the package (study/oop.yaml: po and vo,
focus groups, dialogue tables, interviews and a survey). Every check of a sector
or source, every table column, chart bar and attribution reads it from here.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from pathlib import Path

from .errors import FocuscodeError, InputFileError, UsageError

SETTING = "study"  # settings key holding the loaded study as JSON
DEFAULT_FILE = Path(__file__).parent / "study" / "oop.yaml"
LANGS = ("nl", "en")  # the languages exports are written in
MAX_VALUES = 50  # sectors or sources: more would make no table column readable
MAX_LABEL = 80
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
PLACEHOLDERS = ("role", "sector", "source")


@dataclass(frozen=True)
class Term:
    code: str
    labels: dict[str, str]  # language -> shown label

    def label(self, lang: str = "nl") -> str:
        return self.labels.get(lang) or self.code


@dataclass(frozen=True)
class Vocabulary:
    name: str
    sectors: tuple[Term, ...]
    sources: tuple[Term, ...]
    facilitator_roles: frozenset[str]
    unknown_role: dict[str, str]
    with_sector: str = "[{role} {sector}, {source}]"
    without_sector: str = "[{role}, {source}]"

    # -- what is allowed ---------------------------------------------------------------------

    @property
    def sector_codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.sectors)

    @property
    def source_codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.sources)

    def is_sector(self, value: str | None) -> bool:
        return value is not None and value.lower() in self.sector_codes

    def is_source(self, value: str | None) -> bool:
        return value is not None and value in self.source_codes

    def sector_phrase(self) -> str:
        """'po or vo', 'po, vo or mbo': the allowed sectors, as an error message names them."""
        codes = self.sector_codes
        return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + f" or {codes[-1]}"

    def check_sector(self, value: str | None, what: str, error: type[FocuscodeError] = UsageError, **where) -> str | None:
        """The sector in lower case (None for none); an undeclared one raises `error`
        naming the sectors the study declares."""
        if value is None or value == "":
            return None
        if not self.is_sector(value):
            raise error(f"{what} must be {self.sector_phrase()}, not '{value}'", **where)
        return value.lower()

    def check_source(self, value: str | None, what: str, error: type[FocuscodeError] = UsageError, **where) -> str | None:
        if value is None:
            return None
        if not self.is_source(value):
            raise error(f"{what} must be one of {', '.join(self.source_codes)}, not '{value}'", **where)
        return value

    def is_facilitator_role(self, role: str | None) -> bool:
        return (role or "").strip().lower() in self.facilitator_roles

    # -- how it is shown ---------------------------------------------------------------------

    def sector_label(self, code: str, lang: str = "nl") -> str:
        return next((t.label(lang) for t in self.sectors if t.code == code), code)

    def source_label(self, code: str, lang: str = "nl") -> str:
        return next((t.label(lang) for t in self.sources if t.code == code), code)

    def order(self, dimension: str, values) -> list[str]:
        """Values of a sector or source column in the study's order; values it does not
        declare (old data, '?') after them, alphabetically."""
        codes = self.sector_codes if dimension == "sector" else self.source_codes if dimension == "source" else ()
        rank = {c: i for i, c in enumerate(codes)}
        return sorted(values, key=lambda v: (rank.get(v, len(rank)), v == "?", str(v).lower()))

    def attribution(self, role: str | None, sector: str | None, source: str, lang: str = "nl") -> str:
        role = (role or "").strip()
        if not role or role == "onbekend":
            role = self.unknown_role.get(lang) or self.unknown_role.get("nl") or "deelnemer"
        template = self.with_sector if sector else self.without_sector
        shown = self.sector_label(sector, lang) if sector else ""
        return template.format(role=role, sector=shown, source=self.source_label(source, lang))

    def to_json(self) -> dict:
        def terms(ts):
            return [{"code": t.code, "label": dict(t.labels)} for t in ts]

        return {
            "study": self.name,
            "sectors": terms(self.sectors),
            "sources": terms(self.sources),
            "roles": {"facilitator": sorted(self.facilitator_roles), "unknown": dict(self.unknown_role)},
            "attribution": {"with_sector": self.with_sector, "without_sector": self.without_sector},
        }


# -- reading a study file ------------------------------------------------------------------------


def _fail(message: str, path: str, line: int | None = None):
    return InputFileError(message, path=path, line=line)


def _labels(value, code: str, path: str, where: str) -> dict[str, str]:
    if value is None:
        return {lang: code for lang in LANGS}
    if isinstance(value, str):
        value = {lang: value for lang in LANGS}
    if not isinstance(value, dict):
        raise _fail(f"{where}: label must be a text or a mapping of language to text", path)
    out = {}
    for lang, text in value.items():
        if lang not in LANGS:
            raise _fail(f"{where}: label language '{lang}' is not one of {', '.join(LANGS)}", path)
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_LABEL or not text.isprintable():
            raise _fail(f"{where}: label for {lang} must be one line of text (at most {MAX_LABEL} characters)", path)
        out[lang] = text.strip()
    return {lang: out.get(lang, code) for lang in LANGS}


def _terms(data: dict, key: str, path: str) -> tuple[Term, ...]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise _fail(f"'{key}' must be a list with at least one entry (code and label)", path)
    if len(items) > MAX_VALUES:
        raise _fail(f"'{key}' lists {len(items)} entries; at most {MAX_VALUES}", path)
    out: list[Term] = []
    for i, item in enumerate(items, start=1):
        if isinstance(item, str):
            item = {"code": item}
        if not isinstance(item, dict) or set(item) - {"code", "label"}:
            raise _fail(f"{key} entry {i}: expected 'code' and an optional 'label'", path)
        code = item.get("code")
        if not isinstance(code, str) or not CODE.fullmatch(code):
            raise _fail(f"{key} entry {i}: code '{code}' must be lower-case letters, digits, '-' or '_' "
                        "(at most 32)", path)
        if any(t.code == code for t in out):
            raise _fail(f"{key}: code '{code}' is given twice", path)
        out.append(Term(code, _labels(item.get("label"), code, path, f"{key} '{code}'")))
    return tuple(out)


def _template(value, name: str, path: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200 or "\n" in value:
        raise _fail(f"attribution '{name}' must be one line of text", path)
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise _fail(f"attribution '{name}': {exc} (write '{{{{' for a literal brace)", path) from None
    for _literal, field_name, spec, conversion in parts:
        # Only the three plain fields: "{role.__class__}" or "{sector:>999999}" would reach
        # into Python objects or build huge strings from a data file.
        if field_name is None:
            continue
        if field_name not in PLACEHOLDERS or spec or conversion:
            raise _fail(f"attribution '{name}': '{{{field_name}}}' is not one of "
                        f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}", path)
    return value


def parse_study(data, path: str) -> Vocabulary:
    """A study's vocabulary from its parsed YAML (or stored JSON); every problem is one
    InputFileError naming the file."""
    if not isinstance(data, dict):
        raise _fail("a study file is a mapping with 'sectors' and 'sources'", path)
    unknown = set(data) - {"study", "sectors", "sources", "roles", "attribution"}
    if unknown:
        raise _fail(f"unknown key '{sorted(unknown)[0]}' (a study file has study, sectors, sources, roles, attribution)", path)
    roles = data.get("roles") or {}
    if not isinstance(roles, dict) or set(roles) - {"facilitator", "unknown"}:
        raise _fail("'roles' has 'facilitator' (a list) and 'unknown' (a label)", path)
    facilitator = roles.get("facilitator") or []
    if not isinstance(facilitator, list) or not all(isinstance(r, str) and r.strip() for r in facilitator):
        raise _fail("roles 'facilitator' must be a list of role names", path)
    attribution = data.get("attribution") or {}
    if not isinstance(attribution, dict) or set(attribution) - {"with_sector", "without_sector"}:
        raise _fail("'attribution' has 'with_sector' and 'without_sector'", path)
    name = data.get("study") or ""
    if not isinstance(name, str) or len(name) > 200:
        raise _fail("'study' must be a short name", path)
    return Vocabulary(
        name=name.strip(),
        sectors=_terms(data, "sectors", path),
        sources=_terms(data, "sources", path),
        facilitator_roles=frozenset(r.strip().lower() for r in facilitator),
        unknown_role=_labels(roles.get("unknown"), "deelnemer", path, "roles 'unknown'"),
        with_sector=_template(attribution.get("with_sector", "[{role} {sector}, {source}]"), "with_sector", path),
        without_sector=_template(attribution.get("without_sector", "[{role}, {source}]"), "without_sector", path),
    )


def load_study(path: str | Path) -> Vocabulary:
    """Read and check a study file (YAML, the project's safe loader)."""
    from . import yamlsafe

    p = Path(path)
    if not p.is_file():
        raise InputFileError("no such study file", path=str(p))
    return parse_study(yamlsafe.load(yamlsafe.read_text(p), str(p)), str(p))


_default: Vocabulary | None = None


def default() -> Vocabulary:
    """This study's vocabulary, as shipped (study/oop.yaml)."""
    global _default
    if _default is None:
        _default = load_study(DEFAULT_FILE)
    return _default


def current(db) -> Vocabulary:
    """The project's vocabulary: the loaded study file, else the default."""
    from .db import get_setting

    raw = get_setting(db, SETTING)
    if not raw:
        return default()
    return parse_study(json.loads(raw), "project settings (study)")


def in_use(db) -> dict[str, set[str]]:
    """Sectors and sources the project's participants and transcripts already carry."""
    return {
        "sector": {r[0] for r in db.execute("SELECT DISTINCT sector FROM participants WHERE sector IS NOT NULL")},
        "source": {r[0] for r in db.execute("SELECT DISTINCT source FROM transcripts WHERE source IS NOT NULL")},
    }


def store_study(db, vocab: Vocabulary) -> None:
    """Make `vocab` the project's vocabulary. A study that leaves out a sector or source
    the project already holds is refused: those segments would drop out of every table."""
    from .db import set_setting, transaction

    used = in_use(db)
    for kind, codes in (("sector", vocab.sector_codes), ("source", vocab.source_codes)):
        missing = sorted(used[kind] - set(codes))
        if missing:
            raise FocuscodeError(f"the project holds {kind} '{missing[0]}', which the study file does not declare "
                                 f"(it declares {', '.join(codes)}); add it to the file")
    with transaction(db):
        set_setting(db, SETTING, json.dumps(vocab.to_json(), ensure_ascii=False, sort_keys=True))


def label_fields(vocab: Vocabulary, path: str) -> list:
    """The study's names and labels as the privacy gate reads them: they end up in exports."""
    from .privacy.gate import Field

    texts = [vocab.name, *vocab.unknown_role.values()]
    for t in (*vocab.sectors, *vocab.sources):
        texts += [t.code, *t.labels.values()]
    return [Field(text, path, None, "studiebestand", "label") for text in dict.fromkeys(texts) if text]
