"""Importers: turn source files into speaker turns, then store them.

Each format module exposes a parser returning a `ParsedSource`; `store.py`
resolves speakers against participants and writes one transcript atomically.
"""

from .model import ParsedSource, Turn  # noqa: F401

# The sources and sectors a study knows are data: see vocabulary.py.
