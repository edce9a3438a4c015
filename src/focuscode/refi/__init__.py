"""REFI-QDA 1.5 exchange: projects (.qdpx) and codebooks (.qdc).

`writer` streams a project out of the database; `reader` opens an archive
safely (no path leaves it, no DTD or entity in the XML) into plain objects;
`importer` stores those in one transaction.
"""

from __future__ import annotations

import uuid

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN_PREFIX = "focuscode"

_NAMESPACE = uuid.UUID("6f2b1d3e-4c1a-5b7e-9a0d-0c0de0f0c5e1")


def make_guid(key: str) -> str:
    """A GUID derived from content, so exporting the same data twice gives the same file."""
    return str(uuid.uuid5(_NAMESPACE, key))
