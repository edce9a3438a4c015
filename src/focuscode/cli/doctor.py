"""doctor: what focuscode runs on here (pipeline, versions, model, deduce, project)."""

from __future__ import annotations

from typing import Annotated, Optional

from .common import DbOption, FocuscodeGroup, JsonOption, print_json, stdout
from .declare import Option


def doctor(
    model: Annotated[Optional[str], Option("--model", help="Check this spaCy model name or path instead.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the active spaCy pipeline, versions, the Dutch model, deduce's lookups and the project."""
    from ..doctor import doctor_report

    report = doctor_report(db, model=model)
    if as_json:
        print_json(report)
        return
    p = report["pipeline"]
    say = stdout.print
    say(f"focuscode {report['focuscode']}  python {report['python']}  spacy {report['spacy']}  "
        f"spacy-lookups-data {report['spacy_lookups_data'] or 'not installed'}", markup=False)
    say(f"Pipeline: {p['name']}" + (f" (model version {p['model_version']})" if p["model_version"] else ""), markup=False)
    say(f"  components: {', '.join(p['components'])}", markup=False)
    say(f"  lemmatizer: {p['lemmatizer']}", markup=False)
    m = report["dutch_model"]
    if m["installed"]:
        say(f"Dutch model {m['name']}: installed ({m['version']})", markup=False)
    else:
        say(f"Dutch model {m['name']}: not installed; install with: {m['install']}", markup=False)
    d = report["deduce"]
    if not d["installed"]:
        say("deduce: not installed (the anonymisation gate needs it)", markup=False)
    elif d["built"]:
        say(f"deduce {d['version']}: privacy lookups built ({d['size_mb']} MB, {d['built_at']}) in {d['cache']}", markup=False)
    else:
        say(f"deduce {d['version']}: lookup structures {d.get('reason', 'not built')}", markup=False)
    pr = report["project"]
    if pr is None:
        say("Project: none here (give --db or set FOCUSCODE_DB)", markup=False)
    elif not pr["exists"]:
        say(f"Project: {pr['path']} does not exist", markup=False)
    elif pr.get("error"):
        say(f"Project: {pr['path']}: {pr['error']}", markup=False)
    else:
        c = pr["counts"]
        say(f"Project: {pr['path']} ({pr['size_mb']} MB; {c['transcripts']} transcripts, {c['segments']} segments, "
            f"{c['codes']} codes, {c['codings']} codings, {c['models']} models)", markup=False)
        say(f"  migrations applied: {', '.join(pr['migrations']) or 'none'}", markup=False)
        if pr["pending"]:
            say(f"  pending (applied on next open, after a backup): {', '.join(pr['pending'])}", markup=False)
        if pr["unknown"]:
            say(f"  from a newer focuscode: {', '.join(pr['unknown'])}", markup=False)


def register(app: FocuscodeGroup) -> None:
    app.command()(doctor)
