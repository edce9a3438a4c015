"""The demo: the whole pipeline on the bundled sample, into a fresh database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .codebook import load_codebook
from .codes import load_codebook_into
from .db import open_project, remove_project_files
from .export.render import write_summary
from .export.summary import SummaryOptions
from .importers.store import ImportOptions, import_file
from .reference import load_reference_coding
from .sample import sample_root, source_for
from .suggest import run_suggest

REFERENCE_CODER = "referentie"
# The sample study keeps each participant's job title besides role, sector and school type.
SAMPLE_ATTRIBUTES = ("functie",)
# The sample survey's layout (transcripts/README.md): one row per respondent, two open questions.
SURVEY_COLUMNS = dict(
    text_columns=["vraag_inzet_toelichting", "vraag_loopbaan_toelichting"],
    id_column="respondent",
    role_column="rol",
    sector_column="sector",
    meta_columns=["schooltype"],
)


@dataclass
class DemoResult:
    db: Path
    summary: Path
    lines: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)




def run_demo(
    *,
    db_path: Path | None = None,
    out_dir: Path = Path("exports"),
    sample_dir: Path | None = None,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    root = sample_root(sample_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = Path(db_path) if db_path else out_dir / "demo.db"
    remove_project_files(db_path)
    db = open_project(db_path, create=True)
    result = DemoResult(db=db_path, summary=out_dir)

    def say(line: str) -> None:
        # Told as it happens: the first run builds deduce's tables for minutes.
        result.lines.append(line)
        if progress is not None:
            progress(line)

    from .vocabulary import DEFAULT_FILE, load_study, store_study

    study = load_study(DEFAULT_FILE)  # the sample is this study: po and vo, its four sources
    store_study(db, study)
    say(f"Study {DEFAULT_FILE.name}: sectors {', '.join(study.sector_codes)}")
    book = load_codebook(root / "codebook" / "oop.yaml")
    loaded = load_codebook_into(db, book)
    say(f"Codebook oop.yaml: {loaded.added} codes")
    for path in sorted((root / "transcripts").iterdir()):
        if path.suffix.lower() not in (".txt", ".md") or ".participants" in path.name:
            continue
        source = source_for(path.name)
        if source is None:
            continue
        imported = import_file(db, path, ImportOptions(source=source, notify=notify, attributes=list(SAMPLE_ATTRIBUTES)))
        say(f"Imported {imported.name}: {imported.segments} turns ({source})")
    survey = root / "transcripts" / "enquete-quickscan.csv"
    if survey.exists():
        imported = import_file(db, survey, ImportOptions(source="enquete", notify=notify, **SURVEY_COLUMNS))
        say(f"Imported {imported.name}: {imported.segments} open answers (enquete)")
    suggested = run_suggest(db, notify=notify)
    say(f"Suggest ({suggested.pipeline}): {suggested.suggestions} suggestions in {suggested.segments} segments")
    reference = root / "transcripts" / "reference-coding.csv"
    if reference.exists():
        n = load_reference_coding(db, reference, REFERENCE_CODER)
        say(f"Reference coding: {n} codings by coder '{REFERENCE_CODER}'")
    result.summary = write_summary(db, SummaryOptions(), out_dir, "md")
    result.outputs.append(result.summary)
    # The report set: summary as Word and HTML, the stats table and both charts.
    from .export.report import write_report

    result.outputs += write_report(db, out_dir, formats=("docx", "html"))
    say("Report: " + ", ".join(p.name for p in result.outputs))
    db.close()
    return result
