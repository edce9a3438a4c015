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
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + key.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
