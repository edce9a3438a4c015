"""Language processing for suggestions: pipeline, rule matcher, text classifier, metrics.

Importing this package is cheap: spaCy and numpy are imported by the submodules that
need them, and the names below are resolved on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Pipeline": "pipeline",
    "load_pipeline": "pipeline",
    "pipeline_info": "pipeline",
    "lemmatize": "lexicon",
    "RuleMatcher": "rules",
    "RuleHit": "rules",
    "TrainedModel": "textcat",
    "train_textcat": "textcat",
    "kfold_indices": "metrics",
    "prf": "metrics",
    "cross_validate": "evaluate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'focuscode.nlp' has no attribute '{name}'")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
