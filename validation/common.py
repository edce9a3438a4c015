"""Projects for measuring suggestions: the sample corpus (fit) and the labelled sets (tuning
sets and the blind set, `LABELLED_SETS`).

Each is built the way a researcher would build it (import, codebook, suggest) into a
temporary SQLite project, with the privacy gate off: all are invented and anonymised,
and the gate has tests of its own.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from focuscode.codebook import load_codebook  # noqa: E402
from focuscode.codes import load_codebook_into  # noqa: E402
from focuscode.db import open_project  # noqa: E402
from focuscode.demo import REFERENCE_CODER, SURVEY_COLUMNS  # noqa: E402
from focuscode.importers.store import ImportOptions, import_file  # noqa: E402
from focuscode.reference import load_reference_coding  # noqa: E402
from focuscode.sample import source_for  # noqa: E402

SAMPLE = REPO / "transcripts"
CODEBOOK = REPO / "codebook" / "oop.yaml"
BLIND = REPO / "validation" / "blind"
# A second blind set, written and coded from domain.md only by another writer and frozen
# before the third round of tuning (the first was measured in earlier rounds); it ships its
# own ten-minute keyword baseline.
BLIND2 = REPO / "validation" / "blind2"
DEV = REPO / "validation" / "dev"
LABELS = ("visie", "ad-hoctaken", "doorgroei", "afstemming", "meerwaarde")
# The codebook's themes on the blind set's labels, decided from domain.md before the
# blind rows were read: domain.md files "vision that is really the general educational
# vision" under visie, so the code of its own for it still counts as visie there.
THEME_TO_LABEL = {
    "visie": "visie",
    "algemene onderwijsvisie": "visie",
    "ad-hoctaken": "ad-hoctaken",
    "doorgroei": "doorgroei",
    "afstemming": "afstemming",
    "meerwaarde": "meerwaarde",
}



@dataclass(frozen=True)
class LabelledSet:
    """A set of labelled rows other than the sample, and what it may be used for.

    `blind`: frozen before the round it judges and only measured; otherwise a tuning set,
    read and tuned on (its figure is a fit). `baseline`: the keyword list it is compared
    with (the one its writer wrote before coding, where there is one).
    """
    key: str
    name: str
    csv: Path
    baseline: Path
    blind: bool


# Rounds 1-4 kept blind/ and blind2/ blind; their verdicts are in the README and the
# issue notes. From round 5 they are tuning sets, like dev/ and the three development
# sets written for that round by three more writers, and blind3/, frozen before round 5's
# tuning and written by a writer who saw none of this, is the only set that judges it.
LABELLED_SETS = (
    LabelledSet("dev", "dev (tuning)", DEV / "dev.csv", BLIND / "baseline_keywords.yaml", False),
    LabelledSet("blind", "blind (tuning since round 5)", BLIND / "validation.csv", BLIND / "baseline_keywords.yaml", False),
    LabelledSet("blind2", "blind2 (tuning since round 5)", BLIND2 / "validation.csv", BLIND2 / "baseline_keywords.yaml",
                False),
    LabelledSet("dev3", "dev3 (tuning)", REPO / "validation" / "dev3" / "validation.csv",
                REPO / "validation" / "dev3" / "baseline_keywords.yaml", False),
    LabelledSet("dev4", "dev4 (tuning)", REPO / "validation" / "dev4" / "validation.csv",
                REPO / "validation" / "dev4" / "baseline_keywords.yaml", False),
    LabelledSet("dev5", "dev5 (tuning)", REPO / "validation" / "dev5" / "validation.csv",
                REPO / "validation" / "dev5" / "baseline_keywords.yaml", False),
    LabelledSet("blind3", "blind3 (generalisation, fresh)", REPO / "validation" / "blind3" / "validation.csv",
                REPO / "validation" / "blind3" / "baseline_keywords.yaml", True),
)


def labelled_sets(*, blind: bool | None = None) -> list[LabelledSet]:
    """The labelled sets present in this checkout (all, only the blind ones, or only the tuning ones)."""
    return [s for s in LABELLED_SETS if s.csv.exists() and (blind is None or s.blind == blind)]

def sample_project(path: Path, *, codebook: Path = CODEBOOK):
    """The sample corpus with its survey and the reference coding (coder `referentie`)."""
    from focuscode.suggest import run_suggest

    db = _fresh(path, codebook)
    for transcript in sorted(SAMPLE.glob("*.txt")):
        source = source_for(transcript.name)
        if source:
            import_file(db, transcript, ImportOptions(source=source, allow_pii=True))
    import_file(db, SAMPLE / "enquete-quickscan.csv", ImportOptions(source="enquete", allow_pii=True, **SURVEY_COLUMNS))
    run_suggest(db)
    load_reference_coding(db, SAMPLE / "reference-coding.csv", REFERENCE_CODER)
    return db


def dev_project(path: Path, *, codebook: Path = CODEBOOK):
    """The development set (may be tuned on), built like the blind set."""
    return labelled_project(path, DEV / "dev.csv", codebook=codebook)


def labelled_project(path: Path, csv_path: Path, *, codebook: Path = CODEBOOK):
    """A labelled set (id, role, sector, text, themes) imported as one survey-like file;
    returns (db, {segment id: set of labels})."""
    from focuscode.suggest import run_suggest

    db = _fresh(path, codebook)
    import_file(db, csv_path, ImportOptions(
        source="enquete", allow_pii=True, text_columns=["text"], id_column="id", role_column="role",
        sector_column="sector"))
    run_suggest(db)
    gold = labelled_gold(csv_path)
    by_external = {}
    for sid, ext in db.execute("SELECT id, external_id FROM segments"):
        by_external[ext] = sid
    labels = {}
    for row_id, themes in gold.items():
        sid = next((v for k, v in by_external.items() if k and k.startswith(row_id)), None)
        if sid is None:
            # an empty answer ("nvt", "") is not imported: it has no labels to miss
            if themes:
                raise SystemExit(f"{csv_path.name}: row {row_id} was not imported")
            continue
        labels[sid] = themes
    return db, labels


def labelled_gold(csv_path: Path) -> dict[str, set[str]]:
    with csv_path.open(encoding="utf-8", newline="") as fh:
        return {r["id"]: {t.strip() for t in r["themes"].split(";") if t.strip()} for r in csv.DictReader(fh)}


def sample_gold(db) -> tuple[list[int], list[set[str]], list[str]]:
    """The sample segments the reference coder finished, their labels (themes mapped by
    THEME_TO_LABEL) and texts."""
    from focuscode.codes import theme_map

    themes = theme_map(db)
    seen = [r[0] for r in db.execute("SELECT segment_id FROM seen WHERE coder = 'referentie' ORDER BY segment_id")]
    gold: dict[int, set[str]] = {sid: set() for sid in seen}
    for sid, cid in db.execute("SELECT segment_id, code_id FROM codings WHERE coder = 'referentie' AND status = 'accepted'"):
        label = THEME_TO_LABEL.get(themes[cid][1])
        if label and sid in gold:
            gold[sid].add(label)
    texts = dict(db.execute("SELECT id, text FROM segments").fetchall())
    return seen, [gold[s] for s in seen], [texts[s] for s in seen]


def _fresh(path: Path, codebook: Path):
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()
    db = open_project(path, create=True)
    load_codebook_into(db, load_codebook(codebook))
    return db


def content_terms_of(db, ids: list[int]) -> dict[int, list[str]]:
    """Each segment's content lemmas as the suggestion pipeline sees them (what the domain prior reads)."""
    from focuscode.nlp.lemmatizer import LEMMA_HASHES
    from focuscode.nlp.pipeline import load_pipeline
    from focuscode.nlp.prior import content_terms

    nlp = load_pipeline(None).nlp
    texts = dict(db.execute("SELECT id, text FROM segments").fetchall())
    out = {}
    for sid, doc in zip(ids, nlp.pipe(texts[i] for i in ids)):
        hashes = doc.user_data.get(LEMMA_HASHES)
        lemmas = [nlp.vocab.strings[h] for h in hashes] if hashes is not None else [t.lemma_ for t in doc]
        out[sid] = content_terms(lemmas)
    return out
