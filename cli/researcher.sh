#!/usr/bin/env bash
# The researcher's journey: start a project, import the sample sessions with their
# participants, load the codebook, get suggestions with their evidence, review them
# by keyboard, code by hand and see what the coding gives.
# Run from the repository root: bash cli/researcher.sh   (KEEP=1 keeps the work folder)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
command -v focuscode >/dev/null || { echo "researcher.sh: install focuscode first (pip install .)" >&2; exit 1; }
work=$(mktemp -d)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
export FOCUSCODE_DB="$work/studie.db"
export FOCUSCODE_CODER=onderzoeker
step() { printf '\n== %s\n' "$*"; }

step "1. A new project and the sample sessions (participants files sit beside each transcript)"
focuscode init
focuscode import "$REPO"/transcripts/focusgroep-oop-po.txt "$REPO"/transcripts/focusgroep-oop-vo.txt \
    "$REPO"/transcripts/focusgroep-systeem-vo.txt --source focusgroep --attribute functie
focuscode import "$REPO"/transcripts/dialoogtafel.txt --source dialoogtafel --attribute functie
# Importing the same file again adds nothing.
focuscode import "$REPO"/transcripts/dialoogtafel.txt --source dialoogtafel | grep -q unchanged

step "2. The codebook"
focuscode codebook validate "$REPO"/codebook/oop.yaml
focuscode codebook load "$REPO"/codebook/oop.yaml
focuscode codebook show

step "3. Suggestions from the codebook's Dutch lemma rules, with their evidence"
focuscode suggest
focuscode segments --search "invallen" --limit 2

step "4. Review by keyboard: accept, reject, add a code by part of its name, memo, quit"
# Without a terminal the keys come from stdin as typed: 'a' accepts, Enter finishes the
# segment, 'r' rejects, 'c' + part of a name + Enter adds a code, 'm' + text + Enter a memo.
printf 'a\nrcklusj\nmTwijfel: klusje of over de schutting?\n\nq' | focuscode review --transcript focusgroep-oop-po.txt >/dev/null
focuscode segments --json --transcript focusgroep-oop-po.txt | python3 -c '
import json, sys
segs = json.load(sys.stdin)
mine = [c for s in segs for c in s["codings"] if c["coder"] == "onderzoeker"]
assert any(c["status"] == "accepted" for c in mine), "review stored no accepted coding"
assert any(c["status"] == "rejected" for c in mine), "review stored no rejection"
assert any(m["text"].startswith("Twijfel") for s in segs for m in s["memos"]), "memo missing"
print(len(mine), "decisions by onderzoeker after review")'

step "5. Code by hand: search, code several segments at once, take one code off again"
ids=$(focuscode segments --search "kopieerpapier" --json | python3 -c 'import json,sys; print(",".join(str(s["id"]) for s in json.load(sys.stdin)))')
focuscode code --ids "$ids" klusjes
focuscode segments --code ad-hoctaken --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)), "segments coded ad-hoctaken (klusjes is one of its subcodes)")'
focuscode uncode "${ids%%,*}" klusjes

step "6. What the coding gives so far"
focuscode stats --themes
focuscode export summary --format md --out "$work/exports"
test -s "$work/exports/samenvatting.md"
echo "researcher walkthrough: ok"
