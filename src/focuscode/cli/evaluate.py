"""evaluate: precision, recall, F1 and kappa of the suggestions against one coder, by cross-validation."""

from __future__ import annotations

from typing import Annotated, Optional

from .common import CoderOption, DbOption, FocuscodeGroup, JsonOption, info, open_db, print_json, progress_bar, stdout
from .declare import Option

METHODS = ("rules", "model", "combined")


def evaluate(
    coder: CoderOption = None,
    k: Annotated[int, Option("--k", help="Number of cross-validation folds.")] = 5,
    seed: Annotated[int, Option("--seed", help="Seed for the folds and the training.")] = 0,
    threshold: Annotated[float, Option("--threshold", help="Model probability that counts as a suggestion.")] = 0.5,
    themes: Annotated[bool, Option("--themes", help="Evaluate per theme (subcodes rolled up).")] = False,
    model: Annotated[Optional[str], Option("--model", help="spaCy model for the rules when none are stored.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """How well rules, model and both together reproduce a coder's decisions (k-fold)."""
    from ..coding import check_coder
    from ..evaluation import evaluate_coder, reliability_table

    conn = open_db(db)
    coder = check_coder(coder or "")
    info(f"Cross-validating against {coder}'s decisions ({k} folds)...")
    with progress_bar("Folds") as bar:
        task = bar.add_task("Training per fold", total=k)
        report = evaluate_coder(
            conn, coder, k=k, seed=seed, threshold=threshold, themes=themes, model=model, notify=info,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    report["reliability"] = reliability_table(conn, report["coder"])
    if as_json:
        print_json(report)
        return
    _print(report)
    _print_reliability(report["reliability"])


def _f(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def _print(report: dict) -> None:
    from rich import box
    from rich.table import Table

    level = "theme" if report["level"] == "themes" else "code"
    stdout.print(
        f"Suggestions against {report['coder']}: {report['k']}-fold cross-validation over "
        f"{report['segments']} segments, {report['pairs']} decided (segment, {level}) pairs",
        markup=False,
    )
    overall = Table(box=box.SIMPLE_HEAD, title="Overall", title_justify="left")
    overall.add_column("method")
    for col in ("micro P", "R", "F1", "macro P", "R", "F1", "κ", "N"):
        overall.add_column(col, justify="right")
    for method in METHODS:
        r = report[method]
        overall.add_row(method, *(_f(r["micro"][m]) for m in ("precision", "recall", "f1")),
                        *(_f(r["macro"][m]) for m in ("precision", "recall", "f1")), _f(r["kappa"]), str(r["micro"]["support"]))
    stdout.print(overall)
    # One cell per method keeps the code names readable in an 80-column terminal;
    # names are shortened by hand because rich will not shrink a no-wrap column.
    name_width = max(12, stdout.width - 5 - 3 * 17 - 2)
    per = Table(box=box.SIMPLE_HEAD, title=f"Per {level}: precision / recall / F1", title_justify="left",
                pad_edge=False, padding=(0, 1))
    per.add_column(level, no_wrap=True)
    per.add_column("N", justify="right", min_width=3, no_wrap=True)
    for method in METHODS:
        per.add_column(method, justify="right", no_wrap=True, min_width=14)
    for label in report["labels"]:
        name = label + ("" if label in report["learned"] else " *")
        row = [name if len(name) <= name_width else name[: name_width - 1] + "…", str(report["rules"][label]["support"])]
        for method in METHODS:
            row.append("/".join(_f(report[method][label][m]) for m in ("precision", "recall", "f1")))
        per.add_row(*row)
    stdout.print(per)
    stdout.print(
        f"N = accepted {level}s. κ = Cohen's kappa between suggestion and coder over the decided pairs "
        f"(per {level} in --json). * = fewer than {report['min_examples']} accepted or rejected: the model does not "
        f"learn it. Model threshold {report['threshold']:g}, seed {report['seed']}; rules: "
        + ("the stored suggestions" if report["rules_from"] == "stored" else f"run now ({report['rules_from']})"),
        style="dim",
        markup=False,
    )


def _print_reliability(table: dict) -> None:
    from rich import box
    from rich.table import Table

    levels = (("bands", "code level: the coder accepted this code or a subcode"),
              ("theme_bands", "theme level: the theme's suggestions on a segment combined, against any code of "
                              "the theme accepted there"))
    for key, level in levels:
        out = Table(box=box.SIMPLE_HEAD, title=f"Reliability of the stored suggestions' scores ({level})",
                    title_justify="left")
        for col in ("score band", "n", "mean score", "accepted"):
            out.add_column(col, justify="right")
        for band in table.get(key, ()):
            out.add_row(band["band"], str(band["n"]), _f(band["mean_score"]), _f(band["accepted"]))
        stdout.print(out)
    shown = table["shown"]
    stdout.print(
        f"accepted = share in the band that {table['coder']} accepted; "
        f"calibrated when it is close to the mean score. Shown at the threshold {table['threshold']:g}: {shown} of "
        f"{table['decided']} decided suggestions, {table['shown_accepted']} accepted.",
        style="dim", markup=False,
    )


def register(app: FocuscodeGroup) -> None:
    app.command()(evaluate)
