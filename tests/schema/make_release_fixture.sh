#!/usr/bin/env bash
# Builds tests/fixtures/release-0.1.db.sql: a small coded project made by focuscode 0.1
# (the code at commit a90fe49, before coders, codebook versions and the audit log).
# Run from the repository root with the release's source on PYTHONPATH:
#   git archive a90fe49 src | tar -x -C /tmp/rel && PYTHONPATH=/tmp/rel/src bash tests/schema/make_release_fixture.sh
set -euo pipefail
here=tests/schema/release
work=$(mktemp -d)
db=$work/release.db

python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" init --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" codebook load "$here/codeboek-v1.yaml" --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" import "$here/fg-po-release.txt" --source focusgroep --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" import "$here/enquete-release.csv" --source enquete --text-column toelichting \
    --id-column respondent --role-column rol --sector-column sector --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" suggest --db "$db" >/dev/null
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" code 2 "ad-hoctaken" --coder anna --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" code 3 "doorgroei" --coder anna --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" code 3 "doorgroei" --coder bram --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" uncode 4 "ad-hoctaken" --coder anna --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" code 4 "ad-hoctaken" --coder Anna --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" code 5 "doorgroei" --coder Anna --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" code 5 "doorgroei" --coder anna --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" memo "Inval komt in elke sessie terug." --segment 2 --coder anna --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" memo "Doorgroei vooral bij vo genoemd." --code doorgroei --coder bram --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" memo "Eerste ronde, nog niet dubbel gecodeerd." --db "$db"
python -c "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()" uncode 6 "ad-hoctaken" --coder anna --db "$db"
sqlite3 "$db" .dump > tests/fixtures/release-0.1.db.sql  # the sqlite3 shell dumps the full-text index as SQL that loads back
rm -rf "$work"
