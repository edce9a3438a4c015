"""REFI-QDA 1.5 exchange: projects (.qdpx) and codebooks (.qdc).

`writer` streams a project out of the database; `reader` opens an archive
safely (no path leaves it, no DTD or entity in the XML) into plain objects;
`importer` stores those in one transaction.
"""

from __future__ import annotations

import hashlib
import uuid

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN_PREFIX = "focuscode"

_NAMESPACE = uuid.UUID("6f2b1d3e-4c1a-5b7e-9a0d-0c0de0f0c5e1")


_NAMESPACE_BYTES = _NAMESPACE.bytes


def make_guid(key: str) -> str:
    """A GUID derived from content, so exporting the same data twice gives the same file.

    Exactly str(uuid.uuid5(_NAMESPACE, key)), without building a UUID object: a
    large project needs a few hundred thousand of these.
    """
    h = hashlib.sha1(_NAMESPACE_BYTES + key.encode("utf-8")).hexdigest()
    # Version 5 replaces the 13th hex digit; the RFC 4122 variant sets the top bits of the 17th.
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}
