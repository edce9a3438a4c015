#!/usr/bin/env bash
# Builds tests/fixtures/release-0.2.db.sql: a small coded project made by the release before
# passage codings (commit c421174: coders as records, codebook versions, the audit log and the
# stored study vocabulary, migrations m001-m008). Run from the repository root with that
# release's source on PYTHONPATH:
#   git archive c421174 src | tar -x -C /tmp/rel02 && PYTHONPATH=/tmp/rel02/src bash tests/schema/make_release_fixture_0_2.sh
set -euo pipefail
here=tests/schema/release
work=$(mktemp -d)
db=$work/release.db
fc() { python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" "$@" --db "$db"; }

fc init
fc codebook load "$here/codeboek-v1.yaml"
fc import "$here/fg-po-release.txt" --source focusgroep
fc import "$here/enquete-release.csv" --source enquete --text-column toelichting \
    --id-column respondent --role-column rol --sector-column sector
fc suggest >/dev/null
fc code 2 "ad-hoctaken" --coder anna
fc code 3 "doorgroei" --coder anna
fc code 3 "doorgroei" --coder bram
fc uncode 4 "ad-hoctaken" --coder anna
fc codebook load "$here/codeboek-v2.yaml"
fc code 4 "ad-hoctaken" --coder Anna
fc code 5 "doorgroei" --coder anna
fc coder merge Anna anna
fc memo "Inval komt in elke sessie terug." --segment 2 --coder anna
fc memo "Doorgroei vooral bij vo genoemd." --code doorgroei --coder bram
fc uncode 6 "ad-hoctaken" --coder anna
sqlite3 "$db" .dump > tests/fixtures/release-0.2.db.sql
rm -rf "$work"
