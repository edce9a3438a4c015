"""anonymise: pseudonymised copies of transcripts, with the key kept apart."""

from pathlib import Path
from typing import Annotated, List, Optional

from .common import FocuscodeGroup, JsonOption, info, print_json, stdout, stop
from .declare import Argument, Option


def anonymise_(
    paths: Annotated[List[Path], Argument(help="Files (.txt .md .vtt .srt .csv .xlsx .docx, participants .csv/.yaml) or folders.", show_default=False)],
    out: Annotated[Optional[Path], Option("--out", help="Folder for the pseudonymised copies.")] = None,
    names: Annotated[
        Optional[Path], Option("--names", help="File of real names (one a line, optionally 'school: Naam') to replace too.")
    ] = None,
    key: Annotated[
        Optional[Path],
        Option("--key", help="Key file (CSV), never inside --out; reused when it exists so placeholders stay stable "
                     "[default: <out>-sleutel.csv beside --out; needed when --out is . or ..]."),
    ] = None,
    check: Annotated[bool, Option("--check", help="Only list the findings; write nothing. Exit 1 when there are any.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write pseudonymised copies: each name, place or number becomes a stable placeholder like [PERSOON-1].

    The same name gets the same placeholder across all files of the run; whole
    words only; placeholders already present are left alone. The key linking
    placeholders to the originals is written separately: keep it out of the project.
    Key and copies are readable by their owner only.
    """
    from ..privacy.anonymise import KEY_WARNING, anonymise
    from ..privacy.scan import entity_pipeline, load_names

    entries = load_names(names) if names else []

    def on_file(report) -> None:
        if as_json:
            return
        if check:
            for f in report.findings:
                stdout.print(f.describe(), markup=False)
        else:
            stdout.print(f"{report.path} -> {report.out}: {report.replacements} replacements", markup=False)

    result = anonymise(paths, out, names=entries, key_path=key, check_only=check, pipeline=entity_pipeline(), on_file=on_file)
    findings = [f for r in result.files for f in r.findings]
    if as_json:
        print_json(
            {
                "files": [
                    {"path": r.path, "out": r.out, "replacements": r.replacements,
                     "findings": [{"line": f.line, "category": f.category, "text": f.text, "detector": f.detector}
                                  for f in r.findings]}
                    for r in result.files
                ],
                "key": str(result.key) if result.key else None,
                "placeholders": len(result.placeholders),
            }
        )
    if check:
        if not as_json:
            stdout.print(f"{len(findings)} findings in {len(result.files)} files")
        if findings:
            stop(1)
        return
    if not as_json:
        stdout.print(f"{len(result.placeholders)} placeholders; key written to {result.key}")
    info(f"Warning: {KEY_WARNING} ({result.key})")


def register(app: FocuscodeGroup) -> None:
    app.command("anonymise")(anonymise_)
