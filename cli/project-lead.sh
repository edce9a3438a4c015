#!/usr/bin/env bash
# The project lead's walkthrough: from the demo project to the report and to
# NVivo / ATLAS.ti / MAXQDA / QualCoder. Run from the repository root:
#   bash cli/project-lead.sh
# Everything happens in a temporary folder, which is removed afterwards.
set -euo pipefail

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FOCUSCODE_DB="$work/demo.db"
out="$work/rapport"

# The whole pipeline on the bundled sample, coded by the reference coder.
focuscode demo --db "$FOCUSCODE_DB" --out "$work/demo-exports"
for f in samenvatting.md samenvatting.docx samenvatting.html statistieken.md themas-per-sector.png samen-voorkomen.png; do
    test -s "$work/demo-exports/$f" || { echo "demo did not write $f" >&2; exit 1; }
done

# Representative quotes per theme, for the report: Markdown, Word and HTML.
for format in md docx html; do
    focuscode export summary --format "$format" --out "$out" --per-theme 4
done
focuscode export summary --format xlsx --out "$out" --sector vo --lang en
grep -q "^## visie" "$out/samenvatting.md"
# Privacy: quotes are attributed by role, sector and source only.
if grep -nE "OOP'er [0-9]|Docent [0-9]|Gespreksleider" "$out/samenvatting.md"; then
    echo "a participant label reached the summary" >&2; exit 1
fi

# The numbers behind it: frequencies by sector, role, source; co-occurrence of the themes.
focuscode stats --by sector --by role --plot "$out/themas-per-sector.png"
focuscode stats --by source --csv > "$out/stats-per-bron.csv"
focuscode cooccurrence --themes --plot "$out/samen-voorkomen.png"
focuscode cooccurrence --level transcript --measure jaccard --json > "$out/samen-voorkomen.json"
test -s "$out/themas-per-sector.png" && test -s "$out/samen-voorkomen.png"

# To NVivo, ATLAS.ti, MAXQDA or QualCoder: a REFI-QDA project and its codebook.
focuscode export refi --out "$out/studie.qdpx"
focuscode export refi --codebook-only --out "$out/codeboek.qdc"
# ... and back: the project reads into a fresh database with the same codings.
focuscode import "$out/studie.qdpx" --attribute functie --db "$work/terug.db"
before=$(focuscode export refi --out "$work/a.qdpx" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["codings"], d["selections"], d["cases"])')
after=$(focuscode export refi --db "$work/terug.db" --out "$work/b.qdpx" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["codings"], d["selections"], d["cases"])')
test "$before" = "$after" || { echo "round trip changed the project: $before -> $after" >&2; exit 1; }

ls -l "$out"
echo "project lead walkthrough: ok"
