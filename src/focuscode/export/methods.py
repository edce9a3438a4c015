"""A methods appendix drawn from the project, keyed to the COREQ checklist.

Tong A, Sainsbury P, Craig J (2007). Consolidated criteria for reporting
qualitative research (COREQ): a 32-item checklist for interviews and focus
groups. Int J Qual Health Care 19(6): 349-357. Every paragraph names the items
it answers; the closing table lists all 32 and says which ones the researcher
still has to fill in (the team, the recruitment, the setting: nothing in the
project records them).

Only counts and labels leave the project. Participants appear as role, sector
and source; sessions as "sessie 3 (focusgroep)", never by file name (a file
name may hold a school or a person); coders, who are researchers but not
necessarily consenting to be named in an appendix, as "codeur A", "codeur B"
in order of how much they coded. The codebook is named by its own name or file
name, never its full path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FocuscodeError, UsageError, setting
from .safe import write_atomically

FORMATS = ("md", "docx")
BOOTSTRAP = 1000  # replicates for the agreement intervals and the saturation orders
SEED = 0

# The 32 items (number, name) of Tong et al. (2007), Table 1.
COREQ = {
    1: "Interviewer/facilitator", 2: "Credentials", 3: "Occupation", 4: "Gender", 5: "Experience and training",
    6: "Relationship established", 7: "Participant knowledge of the interviewer", 8: "Interviewer characteristics",
    9: "Methodological orientation and Theory", 10: "Sampling", 11: "Method of approach", 12: "Sample size",
    13: "Non-participation", 14: "Setting of data collection", 15: "Presence of non-participants",
    16: "Description of sample", 17: "Interview guide", 18: "Repeat interviews", 19: "Audio/visual recording",
    20: "Field notes", 21: "Duration", 22: "Data saturation", 23: "Transcripts returned",
    24: "Number of data coders", 25: "Description of the coding tree", 26: "Derivation of themes",
    27: "Software", 28: "Participant checking", 29: "Quotations presented", 30: "Data and findings consistent",
    31: "Clarity of major themes", 32: "Clarity of minor themes",
}
FILE_KINDS = {"vtt": "ondertiteling van een opname (WebVTT)", "srt": "ondertiteling van een opname (SRT)",
              "txt": "teksttranscript", "md": "teksttranscript", "docx": "Word-transcript",
              "csv": "enquêtebestand (CSV)", "xlsx": "enquêtebestand (Excel)"}


@dataclass
class Block:
    """One paragraph (or table) of the appendix and the COREQ items it answers."""

    items: list[int]
    text: str
    table: list[list[str]] | None = None  # first row: header


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _duration(ms: int) -> str:
    minutes = round(ms / 60000)
    return f"{minutes // 60} u {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def _sessions(db) -> tuple[Section, dict[str, str]]:
    rows = db.execute("""
        SELECT t.id, t.name, t.source, t.source_type,
               (SELECT count(*) FROM segments s LEFT JOIN participants p ON p.id = s.participant_id
                 WHERE s.transcript_id = t.id AND COALESCE(p.is_facilitator, 0) = 0),
               (SELECT count(*) FROM segments s JOIN participants p ON p.id = s.participant_id
                 WHERE s.transcript_id = t.id AND p.is_facilitator = 1),
               (SELECT MAX(COALESCE(s.end_ms, s.start_ms)) - MIN(s.start_ms) FROM segments s
                 WHERE s.transcript_id = t.id AND s.start_ms IS NOT NULL)
        FROM transcripts t ORDER BY t.id""").fetchall()
    if not rows:
        raise FocuscodeError("no transcripts in the project yet; import some first")
    source_name = _source_names(db)
    labels = {name: f"sessie {i} ({source_name(source)})" for i, (_t, name, source, *_r) in enumerate(rows, 1)}
    by_source: dict[str, int] = {}
    for r in rows:
        by_source[r[2]] = by_source.get(r[2], 0) + 1
    sec = Section("Bronnen en sessies")
    counts = ", ".join(f"{n} {source_name(s)}" for s, n in sorted(by_source.items()))
    sec.blocks.append(Block([12], f"Het project bevat {len(rows)} bronnen: {counts}."))
    table = [["sessie", "bron", "soort bestand", "beurten deelnemers", "beurten gespreksleider", "duur"]]
    for (_tid, name, source, kind, turns, facilitator, span) in rows:
        table.append([labels[name], source_name(source), FILE_KINDS.get(kind, kind), str(turns),
                      str(facilitator), _duration(span) if span is not None else "onbekend"])
    timed = [r[6] for r in rows if r[6] is not None]
    if timed:
        duration = (f"Voor {len(timed)} van de {len(rows)} bronnen volgt de duur uit de tijden van de ondertiteling: "
                    f"samen {_duration(sum(timed))}, van {_duration(min(timed))} tot {_duration(max(timed))}. "
                    "Van de andere bronnen is de duur niet vastgelegd.")
    else:
        duration = "Geen bron heeft tijden (ondertiteling); de duur van de sessies staat niet in het project."
    sec.blocks.append(Block([21], duration, table))
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[FILE_KINDS.get(r[3], r[3])] = kinds.get(FILE_KINDS.get(r[3], r[3]), 0) + 1
    sec.blocks.append(Block([19], "Vorm van de bronnen: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + "."))
    led = [r for r in rows if r[5]]
    sec.blocks.append(Block([1], f"In {len(led)} van de {len(rows)} bronnen sprak een gespreksleider "
                                 f"({sum(r[5] for r in led)} beurten); die beurten tellen nergens mee en worden niet geciteerd. "
                                 "Wie het gesprek leidde, staat niet in deze bijlage."))
    return sec, labels


def _source_names(db):
    """A source as the methods appendix (Dutch) names it: the study's label."""
    from ..vocabulary import current

    vocab = current(db)
    return lambda source: vocab.source_label(source, "nl")


def _participants(db) -> Section:
    rows = db.execute("""
        SELECT COALESCE(NULLIF(p.role, ''), 'onbekend'), COALESCE(NULLIF(p.sector, ''), '?'), t.source, count(*)
        FROM participants p JOIN transcripts t ON t.id = p.transcript_id
        WHERE p.is_facilitator = 0 AND EXISTS (SELECT 1 FROM segments s WHERE s.participant_id = p.id)
        GROUP BY 1, 2, 3""").fetchall()
    sec = Section("Deelnemers")
    source_name = _source_names(db)
    total = sum(r[3] for r in rows)
    by_source: dict[str, int] = {}
    for _role, _sector, source, n in rows:
        by_source[source] = by_source.get(source, 0) + n
    per_source = ", ".join(f"{n} in {source_name(s)}" for s, n in sorted(by_source.items()))
    sec.blocks.append(Block([12], f"{total} deelnemers spraken of antwoordden ({per_source or 'geen'}). Een deelnemer "
                                  "telt per bron: wie aan twee sessies deelnam, telt twee keer."))
    from ..vocabulary import current

    vocab = current(db)
    sectors = vocab.order("sector", {r[1] for r in rows})  # the study's order, '?' last
    roles: dict[str, dict[str, int]] = {}
    for role, sector, _source, n in rows:
        roles.setdefault(role, {}).setdefault(sector, 0)
        roles[role][sector] += n
    table = [["rol", *[vocab.sector_label(s) for s in sectors], "totaal"]]
    for role in sorted(roles, key=lambda r: (-sum(roles[r].values()), r)):
        table.append([role, *[str(roles[role].get(s, 0)) for s in sectors], str(sum(roles[role].values()))])
    table.append(["totaal", *[str(sum(roles[r].get(s, 0) for r in roles)) for s in sectors], str(total)])
    sec.blocks.append(Block([16], "Deelnemers naar rol en sector (? = sector niet bekend):", table))
    return sec


def _coders_and_agreement(db) -> Section:
    from ..agreement import compute, known_coders, units_total

    sec = Section("Codeurs en betrouwbaarheid")
    looked = dict(db.execute("""
        SELECT coder, count(DISTINCT segment_id) FROM (
            SELECT segment_id, coder FROM codings WHERE coder IS NOT NULL UNION SELECT segment_id, coder FROM seen)
        GROUP BY coder""").fetchall())
    coders = sorted(known_coders(db), key=lambda c: (-looked.get(c, 0), c))
    label = {c: f"codeur {_letters(i)}" for i, c in enumerate(coders)}
    total = units_total(db)
    if not coders:
        sec.blocks.append(Block([24], "Er is nog niet gecodeerd."))
        return sec
    listing = "; ".join(f"{label[c]}: {looked.get(c, 0)} fragmenten bekeken" for c in coders)
    sec.blocks.append(Block([24], f"{len(coders)} codeur{'s' if len(coders) != 1 else ''} ({listing}), van {total} "
                                  "fragmenten van deelnemers. Codeurs staan hier als letter, niet bij naam."))
    if len(coders) < 2:
        sec.blocks.append(Block([24], "Eén codeur: geen dubbel gecodeerde fragmenten, dus geen interbeoordelaars"
                                      "betrouwbaarheid."))
        return sec
    try:
        codes = compute(db, coders, with_disagreements=False, bootstrap=BOOTSTRAP, seed=SEED)
        themes = compute(db, coders, themes=True, with_disagreements=False, bootstrap=BOOTSTRAP, seed=SEED)
    except FocuscodeError:
        sec.blocks.append(Block([24], "Geen fragment is door twee codeurs bekeken: geen interbeoordelaarsbetrouwbaarheid."))
        return sec
    share = 100.0 * codes.n / total if total else 0.0
    sec.blocks.append(Block([24], f"Dubbel gecodeerd: {codes.n} van de {total} fragmenten ({share:.0f}%), elk door "
                                  "ten minste twee codeurs bekeken."))

    def row(name, f):
        ci = f"{f.alpha_ci[0]:.3f}-{f.alpha_ci[1]:.3f}" if f.alpha_ci else "–"
        return [name, str(f.n), "–" if f.alpha is None else f"{f.alpha:.3f}", ci, f.verdict]

    table = [["niveau", "N", "Krippendorffs alpha", "95%-interval", "oordeel"],
             row("alle codes (zelfde set codes)", codes.overall), row("thema's (zelfde set thema's)", themes.overall)]
    table += [row(f"thema {f.code}", f) for f in themes.per_code]
    sec.blocks.append(Block([24], f"Overeenstemming (nominale alpha; interval: percentielen over {BOOTSTRAP} "
                                  f"trekkingen van fragmenten met teruglegging, seed {SEED}; oordeel: >= 0.800 "
                                  "voldoende, 0.667-0.800 voorlopig, lager onvoldoende):", table))
    passages = _passage_agreement(db, coders)
    if passages:
        sec.blocks.append(passages)
    return sec


def _passage_agreement(db, coders: list[str]) -> Block | None:
    """Where coders coded passages (#13): do they mark the same words, per theme (agreement_passages)."""
    if not db.execute("SELECT 1 FROM codings WHERE coder IS NOT NULL AND status = 'accepted' "
                      "AND span_start IS NOT NULL LIMIT 1").fetchone():
        return None
    from ..agreement_passages import compute_passages

    report = compute_passages(db, coders, themes=True)

    def row(name, o):
        return [name, f"{o.figures.n:,}".replace(",", "."), *("–" if v is None else f"{v:.3f}" for v in
                                                              (o.figures.alpha, o.jaccard, o.dice)), o.figures.verdict]

    table = [["niveau", "tekens", "Krippendorffs alpha", "Jaccard", "Dice", "oordeel"],
             row("alle thema's (zelfde set thema's per teken)", report.overall)]
    table += [row(f"thema {o.figures.code}", o) for o in report.per_code]
    return Block([24], "Codeurs codeerden ook passages binnen een fragment. Overeenstemming op passages: elk teken van "
                       "de dubbel bekeken fragmenten is een eenheid, met waarde 1 waar een geaccepteerde codering van "
                       "het thema het teken dekt (een codering van het hele fragment dekt elk teken); nominale alpha "
                       "over die tekens, en de overlap van de gecodeerde tekens (Jaccard: gedeeld / samen; Dice: "
                       "2 x gedeeld / som). Tekens van één fragment zijn niet onafhankelijk: geen interval.", table)


def _codebook(db, coder: str | None) -> Section:
    from ..analysis.prevalence import prevalence
    from ..db import get_setting

    sec = Section("Codeboek")
    about = json.loads(get_setting(db, "codebook") or "{}")
    rows = db.execute("SELECT name, parent_id, description, codebook FROM codes WHERE active = 1 ORDER BY position, id").fetchall()
    if not rows:
        sec.blocks.append(Block([25], "Er is geen codeboek geladen."))
        return sec
    path = about.get("path") or rows[0][3] or ""
    name = about.get("name") or (Path(path).name if path else "zonder naam")
    fingerprint = hashlib.sha256(json.dumps([list(r[:3]) for r in rows], ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
    version = f"versie {about['version']}" if about.get("version") else "geen versie opgegeven"
    counts = {r["code"]: r for r in prevalence(db, coder=coder).rows}
    themes = [r for r in rows if r[1] is None]
    sec.blocks.append(Block([25], f"Codeboek {name} ({version}; vingerafdruk {fingerprint}): {len(themes)} thema's en "
                                  f"{len(rows) - len(themes)} subcodes. De boom, met per code de fragmenten, "
                                  "deelnemers en groepen (geaccepteerde coderingen):",
                            [["code", "fragmenten", "deelnemers", "groepen"]] + [
                                [("↳ " * r["depth"]) + r["code"], str(r["segments"]), str(r["speakers"]), str(r["groups"])]
                                for r in counts.values()]))
    sec.blocks.append(Block([26], "De thema's zijn de hoofdcodes van het codeboek; subcodes vallen onder hun "
                                          "thema. Hoe het codeboek tot stand kwam (vooraf of uit de data), beschrijft "
                                          "de onderzoeker."))
    return sec


def _saturation(db, coder: str | None, labels: dict[str, str]) -> Section:
    from ..saturation import SaturationOptions, assess

    sec = Section("Verzadiging")
    opts = SaturationOptions(coder=coder, bootstrap=BOOTSTRAP, seed=SEED)
    try:
        result = assess(db, opts)
    except FocuscodeError as exc:
        sec.blocks.append(Block([22], f"Verzadiging niet beoordeeld: {exc}."))
        return sec
    data = result.to_json()
    table = [["volgorde", "sessie", "nieuwe codes", "codes tot dan toe", "thema's tot dan toe"]]
    for i, r in enumerate(data["transcripts"], 1):
        table.append([str(i), labels.get(r["transcript"], r["transcript"]), str(len(r["new_codes"])),
                      str(r["cumulative"]), str(r["cumulative_themes"])])
    b = result.bootstrap["codes"]
    spread = (f"in {b['reached']} van {b['orders']} willekeurige volgordes bereikt, mediaan na {b['median']:g} "
              f"sessies (bereik {b['range'][0]}-{b['range'][1]})" if b["reached"] else
              f"in geen van {b['orders']} willekeurige volgordes bereikt")
    sec.blocks.append(Block([22], "Verzadiging volgens Guest, Namey & Chen (2020): basisgrootte "
                                  f"{opts.base}, runlengte {opts.run}, drempel {opts.threshold:.0%} nieuwe informatie "
                                  f"(nieuwe codes in de run gedeeld door de codes in de basis), in volgorde van import. "
                                  f"Codes: {result.verdict_line('codes')}. Thema's: {result.verdict_line('themes')}. "
                                  f"Omdat de volgorde ertoe doet: {spread} (seed {SEED}).", table))
    return sec


# A coder's decision on a code is one per turn, however many passages of the turn it
# covers (#13): accepted when any of their rows for (segment, code) is, else rejected
# (a coder's rows are never 'suggested');
# its origin is that of the first row with the deciding status.
_DECISIONS_SQL = """
    WITH decided(segment_id, code_id, coder, status) AS (
        SELECT segment_id, code_id, coder, CASE WHEN max(status = 'accepted') THEN 'accepted' ELSE 'rejected' END
        FROM codings WHERE coder IS NOT NULL GROUP BY segment_id, code_id, coder)
    SELECT (SELECT c.method FROM codings c WHERE c.segment_id = d.segment_id AND c.code_id = d.code_id
              AND c.coder = d.coder AND c.status = d.status ORDER BY c.id LIMIT 1), d.status, count(*)
    FROM decided d GROUP BY 1, 2"""


def _suggestions(db) -> Section:
    sec = Section("Computerondersteund coderen")
    shown = dict(db.execute("SELECT method, count(*) FROM codings WHERE coder IS NULL GROUP BY method").fetchall())
    decided = {(m, s): n for m, s, n in db.execute(_DECISIONS_SQL)}
    names = {"rules": "regels (trefwoorden op lemma's)", "model": "geleerd model (tekstclassificatie)",
             "manual": "handmatig door codeur", "import": "geïmporteerde codering"}
    table = [["herkomst", "voorgesteld", "geaccepteerd", "afgewezen"]]
    for method in ("rules", "model", "manual", "import"):
        suggested = shown.get(method, 0)
        accepted, rejected = decided.get((method, "accepted"), 0), decided.get((method, "rejected"), 0)
        if suggested or accepted or rejected:
            table.append([names[method], str(suggested) if method in ("rules", "model") else "–", str(accepted), str(rejected)])
    sec.blocks.append(Block([27], "Suggesties van de software waren voorstellen: alleen wat een codeur accepteerde, telt "
                                  "als codering. Voorgesteld = huidige suggesties; geaccepteerd en afgewezen = "
                                  "beslissingen van codeurs (één per fragment, code en codeur, hoeveel passages "
                                  "van het fragment ook gecodeerd zijn), naar herkomst van de codering:", table))
    return sec


def _software(db) -> Section:
    import platform
    import sqlite3

    from .. import __version__
    from ..db import get_setting
    from ..doctor import installed_version
    from ..nlp.pipeline import DEFAULT_MODEL, model_installed

    model = get_setting(db, "model")
    pipeline = model or (f"{DEFAULT_MODEL} {installed_version(DEFAULT_MODEL)}" if model_installed(DEFAULT_MODEL)
                         else "offline Nederlandse pijplijn (spacy-lookups-data), geen spaCy-model geïnstalleerd")
    parts = [f"focuscode {__version__}", f"Python {platform.python_version()}", f"spaCy {installed_version('spacy')}",
             f"deduce {installed_version('deduce')}", f"SQLite {sqlite3.sqlite_version}", f"taalpijplijn: {pipeline}"]
    sec = Section("Software")
    sec.blocks.append(Block([27], "Gecodeerd en geteld met " + "; ".join(parts) + ". focuscode controleert elk bestand "
                                  "bij import met deduce op persoonsgegevens (tenzij dat bij import is uitgezet)."))
    return sec


def _quotes() -> Section:
    sec = Section("Citaten")
    sec.blocks.append(Block([29], "Citaten worden toegeschreven als [rol sector, bron], bijvoorbeeld [OOP'er po, "
                                  "focusgroep]: nooit met een naam of school. Elk citaat is in het project terug te "
                                  "vinden via zijn fragmentnummer."))
    return sec


def methods_sections(db, *, coder: str | None = None) -> list[Section]:
    if coder and not db.execute("SELECT 1 FROM codings WHERE coder = ? LIMIT 1", [coder]).fetchone():
        from ..errors import UnknownCoderError

        raise UnknownCoderError(f"no codings by coder '{coder}'")
    sessions, labels = _sessions(db)
    sections = [sessions, _participants(db), _coders_and_agreement(db), _codebook(db, coder),
                _saturation(db, coder, labels), _suggestions(db), _software(db), _quotes()]
    answered = sorted({i for s in sections for b in s.blocks for i in b.items})
    checklist = Section("COREQ-checklist")
    table = [["nr", "item", "in deze bijlage"]]
    for number, name in COREQ.items():
        where = [s.title for s in sections if any(number in b.items for b in s.blocks)]
        table.append([str(number), name, ", ".join(where) if where else "zelf invullen"])
    checklist.blocks.append(Block(answered, f"De 32 items van COREQ (Tong, Sainsbury & Craig 2007); {len(answered)} "
                                            "worden hierboven uit het project beantwoord, de rest vult de onderzoeker "
                                            "zelf in.", table))
    return sections + [checklist]


# -- rendering -----------------------------------------------------------------------------------


def _key(items: list[int]) -> str:
    return "COREQ " + ", ".join(f"{i} ({COREQ[i]})" for i in items)


def _md_cell(text: str) -> str:
    # "<" could open raw HTML in a Markdown viewer and "|" a table cell; nothing else needs escaping.
    return str(text).replace("<", "&lt;").replace("|", "\\|").replace("\n", " ")


def markdown(sections: list[Section], coder: str | None = None) -> str:
    lines = ["# Methodebijlage", "",
             f"_Gemaakt met focuscode op {dt.date.today().isoformat()}, uit de projectdatabase"
             f"{' (coderingen van één codeur)' if coder else ''}. Alleen aantallen en labels; geen namen._", ""]
    for number, sec in enumerate(sections, 1):
        lines += [f"## {number}. {sec.title}", ""]
        for block in sec.blocks:
            items = block.items if sec.title != "COREQ-checklist" else []
            lead = f"**[{_key(items)}]** " if items else ""
            lines += [lead + _md_cell(block.text), ""]
            if block.table:
                header, *body = block.table
                lines.append("| " + " | ".join(_md_cell(c) for c in header) + " |")
                lines.append("|" + "|".join("---" if i == 0 else "---:" if _numeric(body, i) else "---"
                                            for i in range(len(header))) + "|")
                lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in body]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _numeric(body: list[list[str]], column: int) -> bool:
    return bool(body) and all(r[column].replace(".", "").replace("-", "").isdigit() or r[column] == "–" for r in body)


def _docx(sections: list[Section], path: Path, coder: str | None) -> None:
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    doc.core_properties.title = "Methodebijlage"
    doc.core_properties.author = "focuscode"
    doc.add_heading("Methodebijlage", level=0)
    intro = doc.add_paragraph().add_run(f"Gemaakt met focuscode op {dt.date.today().isoformat()}, uit de "
                                        f"projectdatabase{' (coderingen van één codeur)' if coder else ''}. Alleen "
                                        "aantallen en labels; geen namen.")
    intro.italic = True
    intro.font.size = Pt(9)
    for number, sec in enumerate(sections, 1):
        doc.add_heading(f"{number}. {sec.title}", level=1)
        for block in sec.blocks:
            p = doc.add_paragraph()
            if block.items and sec.title != "COREQ-checklist":
                p.add_run(f"[{_key(block.items)}] ").bold = True
            p.add_run(block.text)
            if block.table:
                table = doc.add_table(rows=0, cols=len(block.table[0]))
                table.style = "Light Grid Accent 1"
                for row in block.table:
                    for cell, value in zip(table.add_row().cells, row):
                        cell.text = str(value)
    doc.save(str(path))


def write_methods(db, fmt: str = "md", out: str | Path | None = None, *, coder: str | None = None) -> Path:
    """Write the appendix; returns the file written."""
    if fmt not in FORMATS:
        raise UsageError(f"{setting('format')} must be md or docx, not '{fmt}'")
    target = Path(out) if out is not None else Path("exports") / f"methode.{fmt}"
    if target.exists() and target.is_dir():
        target = target / f"methode.{fmt}"
    if target.suffix.lower() != f".{fmt}":
        raise UsageError(f"{setting('out')} for {setting('format')} {fmt} must end in .{fmt}, not '{target.name}'")
    if out is not None and not target.parent.exists():
        raise FocuscodeError("the folder for the appendix does not exist", path=str(target))
    sections = methods_sections(db, coder=coder)
    target.parent.mkdir(parents=True, exist_ok=True)  # the default exports/ folder, once there is something to write
    if fmt == "md":
        return write_atomically(target, lambda tmp: tmp.write_text(markdown(sections, coder), encoding="utf-8"))
    return write_atomically(target, lambda tmp: _docx(sections, tmp, coder))
