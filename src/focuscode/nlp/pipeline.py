"""Choosing and loading the spaCy pipeline that suggestions run on.

The Dutch model nl_core_news_sm is used when it is installed; otherwise a fallback of
spaCy's blank Dutch tokenizer, a sentencizer and our table-based lemmatizer, which needs
nothing beyond spacy-lookups-data. Nothing is ever downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import ModelError
from .lexicon import lemmatize, lookups_version  # noqa: F401  lemmatize is part of this module's API

DEFAULT_MODEL = "nl_core_news_sm"
FALLBACK_NAME = "fallback: blank nl + sentencizer + lookup lemmatizer cascade"
INSTALL_HINT = f"python -m spacy download {DEFAULT_MODEL}"
SENTENCE_SETTERS = {"parser", "senter", "sentencizer"}


@dataclass
class Pipeline:
    nlp: Any  # spacy.language.Language; typed loosely so this module imports without spaCy
    name: str
    is_fallback: bool
    components: list[str] = field(default_factory=list)
    spacy_version: str = ""
    model_version: str | None = None
    lemmatizer_info: str = ""


_pipelines: dict[tuple[str, bool], Pipeline] = {}
_notified = False


def load_pipeline(
    model: str | None = None,
    *,
    entities: bool = False,
    notify: Callable[[str], None] | None = None,
) -> Pipeline:
    """The pipeline for `model` (a package name or a saved pipeline folder), or the default.

    With `model=None` the installed nl_core_news_sm is used, else the fallback, and
    `notify` hears once per process which pipeline is active and how to get the model.
    Loaded pipelines are cached per (model, entities).
    """
    global _notified
    if model is None or not str(model).strip():
        if model_installed(DEFAULT_MODEL):
            return load_pipeline(DEFAULT_MODEL, entities=entities)
        pipeline = _cached(("", False), _fallback)
        if notify is not None and not _notified:
            _notified = True
            notify(f"using the {FALLBACK_NAME}; for better lemmas install the Dutch model: {INSTALL_HINT}")
        return pipeline
    model = str(model).strip()
    return _cached((model, entities), lambda: _load_model(model, entities))


def _cached(key: tuple[str, bool], build: Callable[[], Pipeline]) -> Pipeline:
    pipeline = _pipelines.get(key)
    if pipeline is None:
        pipeline = _pipelines[key] = build()
    return pipeline


def model_installed(name: str) -> bool:
    """True when `name` is an installed Python package (never downloads anything)."""
    import importlib.util

    import spacy

    if spacy.util.is_package(name):
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _load_model(model: str, entities: bool) -> Pipeline:
    import spacy

    from . import lemmatizer  # noqa: F401  registers the factory for pipelines saved with it

    path = Path(model).expanduser()
    is_folder = path.is_dir() and (path / "config.cfg").is_file()
    if not is_folder and not model_installed(model):
        raise ModelError(
            f"spaCy model '{model}' is not installed and is not a pipeline folder; "
            f"install it with: python -m spacy download {model}"
        )
    # Suggestions need tokens, lemmas and sentences: the parser is the slowest component
    # and NER is only wanted for entity checks.
    exclude = ["parser"] if entities else ["parser", "ner"]
    try:
        nlp = spacy.load(path if is_folder else model, exclude=exclude)
    except Exception as exc:  # spaCy raises OSError, ValueError, KeyError, ConfigValidationError...
        reason = " ".join(str(exc).split())[:300]
        raise ModelError(f"spaCy pipeline '{model}' could not be loaded: {reason}") from None
    if not SENTENCE_SETTERS & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer")
    lemma_pipes = [n for n in nlp.pipe_names if "token.lemma" in nlp.get_pipe_meta(n).assigns]
    if not lemma_pipes:
        # A pipeline without lemmas would make every LEMMA rule fail, so borrow ours.
        nlp.add_pipe(lemmatizer.FACTORY)
        lemma_pipes = [lemmatizer.FACTORY]
    meta = nlp.meta
    version = meta.get("version")
    label = f"{meta.get('lang', '?')}_{meta.get('name', 'pipeline')} {version or ''}".strip()
    if is_folder:
        label += f" ({path})"
    return _describe(nlp, label, False, version, lemma_pipes[0])


def _describe(nlp, name: str, is_fallback: bool, version: str | None, lemma_pipe: str) -> Pipeline:
    import spacy

    return Pipeline(
        nlp=nlp,
        name=name,
        is_fallback=is_fallback,
        components=list(nlp.pipe_names),
        spacy_version=spacy.__version__,
        model_version=version,
        lemmatizer_info=_lemmatizer_info(nlp, lemma_pipe),
    )


def _lemmatizer_info(nlp, name: str) -> str:
    pipe = nlp.get_pipe(name)
    if hasattr(pipe, "info") and callable(pipe.info):
        return pipe.info()
    mode = getattr(pipe, "mode", None)
    return f"{name} ({nlp.get_pipe_meta(name).factory}{', mode ' + mode if mode else ''})"


def _fallback() -> Pipeline:
    import spacy

    from .lemmatizer import FACTORY

    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(FACTORY)
    return _describe(nlp, FALLBACK_NAME, True, None, FACTORY)


def pipeline_info(p: Pipeline) -> dict:
    """What `doctor` shows about the active pipeline."""
    return {
        "name": p.name,
        "is_fallback": p.is_fallback,
        "components": list(p.components),
        "spacy_version": p.spacy_version,
        "model_version": p.model_version,
        "lookups_version": lookups_version(),
        "lemmatizer": p.lemmatizer_info,
        "install_hint": INSTALL_HINT if p.is_fallback else None,
    }
