#!/usr/bin/env bash
# The replication loop a student goes through, end to end, from the repo root:
#
#   bash cli/student.sh            (KEEP=1 keeps the work folder to look around)
#
# 1. the teacher builds the reference project from the sample (coder 'referentie')
# 2. replicate: a blind copy for the student (transcripts and codebook, no coding)
# 3. the student codes one session from a CSV and marks the turns read by keyboard
# 4. merge: the teacher brings the student's work back into the reference project
# 5. agreement between referentie and student, and the segments where they differ
#
# Everything happens in a temporary folder that is removed at the end.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FOCUSCODE="${FOCUSCODE:-focuscode}"
SESSION="focusgroep-oop-po.txt"

if ! command -v "$FOCUSCODE" >/dev/null 2>&1; then
    echo "student.sh: '$FOCUSCODE' is not on PATH; install focuscode (pip install -e .) or set FOCUSCODE" >&2
    exit 1
fi
if [ ! -f "$REPO/transcripts/reference-coding.csv" ]; then
    echo "student.sh: $REPO/transcripts/reference-coding.csv is missing" >&2
    exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/focuscode-student.XXXXXX")"
cleanup() {
    if [ "${KEEP:-0}" = "1" ]; then
        echo "Kept the work folder: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
cd "$WORK"
export NO_COLOR=1
unset FOCUSCODE_DB FOCUSCODE_CODER

step() { printf '\n== %s\n' "$*"; }
fc() { "$FOCUSCODE" "$@"; }

step "1. Reference project from the sample corpus (import, codebook, suggestions, coder 'referentie')"
fc demo --db reference.db --out exports --sample "$REPO"
# The reference coder read every non-facilitator turn (transcripts/README.md); loading
# the reference coding marks those turns as looked at, also those without a code.

step "2. Blind copy for the student"
fc replicate --coder student --out student.db --db reference.db
fc segments --db student.db --json >segments.json
grep -q '"coder"' segments.json && { echo "the blind copy holds codings" >&2; exit 1; }

step "3. The student codes $SESSION (scripted: a CSV of segment,code[,memo])"
# A made-up student: follows the reference, misses every fourth code and reads
# every fifth one as 'klusjes'. Segments are given as transcript:turn.
awk -F, -v s="$SESSION" '
    BEGIN { print "segment,code,memo" }
    $1 == s {
        n++
        if (n % 4 == 0) next
        code = (n % 5 == 0) ? "klusjes" : $3
        memo = (n == 1) ? "\"Twijfel: klusjes of over de schutting?\"" : ""
        print s ":" $2 "," code "," memo
    }' "$REPO/transcripts/reference-coding.csv" >student.csv
echo "student.csv: $(($(wc -l <student.csv) - 1)) rows"
fc code --from-file student.csv --db student.db >coded.txt
echo "coded: $(grep -c ' coded ' coded.txt) codings"
# Then the student reads the whole session in the review loop, pressing Enter on each
# turn, so turns without a code count as "looked at, no code".
printf '\n%.0s' $(seq 100) | fc review --all --transcript "$SESSION" --db student.db >/dev/null
fc memo "Ronde 1 klaar; vooral twijfel tussen klusjes en over de schutting" --db student.db

step "4. The teacher merges the student's work (a second merge adds nothing)"
fc merge student.db --db reference.db
fc merge student.db --db reference.db --json >merge2.json
grep -q '"codings_added": 0' merge2.json || { echo "the second merge added codings" >&2; exit 1; }

step "5. Agreement between referentie and student"
fc agreement --coder referentie --coder student --db reference.db
fc agreement --coder referentie --coder student --db reference.db --csv >agreement.csv
fc agreement --coder referentie --coder student --db reference.db --disagreements >disagreements.txt
grep -m1 'segments where the coders differ' disagreements.txt
echo "first disagreements:"
sed -n '/segments where the coders differ/,$p' disagreements.txt | sed -n '2,13p'

step "Bad input is refused with one line and exit 1"
if fc agreement --coder referentie --coder niemand --db reference.db 2>err.txt; then
    echo "an unknown coder was accepted" >&2
    exit 1
fi
cat err.txt

echo
echo "Replication loop done: replicate, code, merge, agreement, disagreements."
