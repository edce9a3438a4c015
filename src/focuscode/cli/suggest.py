"""suggest: code suggestions from the codebook's rules and, given a coder, a model learned from them."""

from __future__ import annotations

from typing import Annotated, Optional

from .common import CoderOption, DbOption, FocuscodeGroup, JsonOption, info, open_db, print_json, progress_bar, stdout
from .declare import Option

ModelOption = Annotated[
    Optional[str],
    Option("--model", help="spaCy model name or path [default: nl_core_news_sm, else the offline fallback]."),
]


def suggest(
    model: ModelOption = None,
    coder: CoderOption = None,
    threshold: Annotated[Optional[float], Option("--threshold", help="Show suggestions whose calibrated probability of being accepted is at least this; kept as the project's threshold [default: the project's, else from the calibration].")] = None,
    seed: Annotated[int, Option("--seed", help="Random seed for training (same seed, same scores).")] = 0,
    include_facilitator: Annotated[bool, Option("--include-facilitator", help="Also suggest codes for the facilitator's turns.")] = False,
    n_process: Annotated[int, Option("--n-process", help="Processes for spaCy on large projects.")] = 1,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Suggest codes for segments, with the evidence that fired.

    Every suggestion is stored with a calibrated score; those at or above the project's
    threshold are shown by review and segments (the rest with segments --all). For the
    study's themes a domain prior, shipped with focuscode and trained on labelled rows of
    six writers, weighs into every score and suggests a theme said in other words where no
    rule fired (method 'prior'; its evidence names the words that weighed most). With
    --coder (or FOCUSCODE_CODER) a text classifier also learns from that coder's
    accepted and rejected codings (codes with at least 5 of each) and suggests codes,
    where its cross-validated precision clears the threshold, for the segments the coder
    has not decided yet (method 'model').
    """
    from ..errors import UsageError
    from ..suggest import run_suggest

    if n_process < 1:
        raise UsageError(f"--n-process must be 1 or more, not {n_process}")
    conn = open_db(db)
    _end_quickly(training=bool(coder))
    try:
        with progress_bar("Suggesting") as bar:
            task = bar.add_task("Suggesting", total=None)
            result = run_suggest(
                conn, model=model, include_facilitator=include_facilitator, notify=info, n_process=n_process,
                coder=coder, threshold=threshold, seed=seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    finally:
        conn.close()  # the project as a normal exit leaves it (write-ahead log checkpointed), see _end_quickly
    if as_json:
        print_json(result.__dict__)
        return
    stdout.print(f"{result.suggestions} rule suggestions in {result.segments} segments ({result.pipeline}): "
                 f"{result.shown} shown (score >= {result.threshold:g}), {result.hidden} hidden (segments --all)")
    for name, n in sorted(result.by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        stdout.print(f"  {name}: {n}")
    stdout.print(f"{result.similarity} suggestions by closeness to examples and accepted segments: "
                 f"{result.similarity_shown} shown, {result.similarity - result.similarity_shown} hidden")
    if result.prior:
        stdout.print(f"{result.prior} suggestions by the domain prior (a theme said in other words, where no rule "
                     f"fired): {result.prior_shown} shown, {result.prior - result.prior_shown} hidden")
    if result.down_weighted:
        stdout.print("Down-weighted after repeated rejections: " + ", ".join(result.down_weighted))
    if result.model:
        m = result.model
        stdout.print(
            f"{result.model_suggestions} model suggestions (model {m['id']}, learned from {m['coder']}'s "
            f"decisions on {m['trained_on']} segments, only codes whose cross-validated precision >= {m['threshold']:g})"
        )
        for name, n in sorted(result.model_by_code.items(), key=lambda kv: (-kv[1], kv[0])):
            stdout.print(f"  {name}: {n}")


def _end_quickly(*, training: bool = False) -> None:
    """Let the process end without freeing its heap object by object.

    After a large run the heap holds spaCy's vocabulary, the lemma tables, wordfreq's list
    and the matcher's caches, mostly in reference cycles (modules, classes, functions):
    at exit the interpreter's collector freed them one by one, 0.35 s of CPU time on a
    million words, where the operating system frees the memory at once. Frozen objects are
    never collected; the project is closed before (above), so nothing is left unwritten.

    And the collector stays paused from before the run to the end unless a model is trained:
    `run_suggest` pauses it while it works, and spaCy's 100,000 objects are imported in that
    pause, so resuming it made one pass over all of them (0.1 s) just before the process
    ended. Only when the process ends with this command (common.ENDS_WITH_COMMAND): in a
    process that goes on (tests, the review UI) nothing changes.
    """
    import atexit
    import gc

    from . import common

    if not common.ENDS_WITH_COMMAND:
        return
    if not training:
        gc.disable()
    if not getattr(_end_quickly, "registered", False):
        atexit.register(gc.freeze)
        _end_quickly.registered = True


def register(app: FocuscodeGroup) -> None:
    app.command()(suggest)
