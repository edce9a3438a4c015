"""The privacy gate's compact deduce engine finds exactly what stock deduce finds.

The corpus (tests/privacy_engine/corpus) was written for these tests, apart from the
sample corpus: a focus-group transcript as a transcription service exports it
("Deelnemer 2 (00:00:48): ...") and a survey export as LimeSurvey writes it
(semicolon-separated, id;submitdate;...), each still holding names, places, streets with
house numbers, schools, hospitals and care institutions, e-mail, phone, BSN, other ids,
dates and ages. Stock deduce runs once, in its own process (it takes seconds to load
and would keep a gigabyte in the test process).
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
TRANSCRIPT = CORPUS / "fg-zorg-ongeanonimiseerd.txt"
SURVEY = CORPUS / "enquete-lek.csv"
SRC = Path(__file__).resolve().parents[2] / "src"

# Ways the compact lookup could differ from deduce's tries, each a realistic sentence.
PROBES = [
    "Ze woont aan de lange voorhout 34, helemaal in kleine letters getypt.",  # case: tries are case-sensitive
    "ONZE SCHOOL ZIT AAN DE LANGE VOORHOUT 34 IN DEN HAAG.",  # capitals
    "De school zit aan de Lange\u200bVoorhout 34.",  # a zero-width space inside the street
    "De school zit aan de Lange\x01Voorhout 34.",  # the table's own separator in the text
    "De school zit aan de Lange\x00Voorhout 34.",
    "Hij woont op de Korte Poten 3",  # a listed street (with number) at the very end
    "Hij woont op de Korte Poten",  # a listed street without number is not a finding
    "Ze werkt bij Cordaan, Kleinschalig wonen Bannecentrum, en daarvoor bij Cordaan, Kleinschalig.",  # longest entry vs its prefix
    "De ingang is aan de Curaçaostraat 8, de uitgang aan de Curacaostraat 10.",  # accented and ASCII variants
    "De conciërge woont aan de Lange Voorhout\n34, dat stond op het briefje.",  # the number on the next line
    "Zorggroep Noorderboog Zorggroep Noorderboog Zorggroep",  # repeats and a dangling prefix
    "Stichting",  # one token that only starts entries
    "",
]


def corpus_texts() -> list[str]:
    turn = re.compile(r"^[^()\n]+ \(\d\d:\d\d:\d\d\): (.*)$", re.M)
    texts = [m.group(1) for m in turn.finditer(TRANSCRIPT.read_text(encoding="utf-8"))]
    with SURVEY.open(encoding="utf-8", newline="") as handle:
        texts += [row["toelichting"] for row in csv.DictReader(handle, delimiter=";")]
    return texts


def annotations(engine, text: str) -> list[tuple]:
    return sorted((a.start_char, a.end_char, a.tag, a.text) for a in engine.deidentify(text).annotations)


STOCK = """
import json, os, sys
from focuscode.privacy.scan import import_deduce
stock = import_deduce()()
texts = json.load(sys.stdin)
out = [sorted([a.start_char, a.end_char, a.tag, a.text] for a in stock.deidentify(t).annotations) for t in texts]
sys.stdout.write(json.dumps(out)); sys.stdout.flush()
os._exit(0)  # freeing stock deduce's millions of objects takes longer than loading them
"""


@pytest.fixture(scope="module")
def stock_findings():
    """Stock deduce's annotations of the corpus and the probes, from its own process."""
    texts = corpus_texts() + PROBES
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", STOCK], input=json.dumps(texts), capture_output=True,
                       text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    return dict(zip(texts, ([tuple(a) for a in anns] for anns in json.loads(r.stdout))))


@pytest.fixture(scope="module")
def engine():
    from focuscode.privacy.scan import deduce_engine

    return deduce_engine()


@pytest.mark.slow
def test_same_findings_as_stock_deduce_on_the_privacy_corpus(engine, stock_findings):
    texts = corpus_texts()
    assert len(texts) == 19
    for text in texts:
        assert annotations(engine, text) == stock_findings[text], text
    found = {(tag, found_text) for text in texts for _, _, tag, found_text in stock_findings[text]}
    tags = {tag for tag, _ in found}
    # Every category the gate reports is in the corpus, so none can be dropped unnoticed.
    assert {"persoon", "locatie", "ziekenhuis", "zorginstelling", "datum", "leeftijd", "telefoonnummer",
            "emailadres", "url", "bsn", "id"} <= tags
    # Found only through the two lookups the engine compacts: a listed street without a
    # street-like suffix, with its house number, and healthcare institutions.
    assert {("locatie", "Lange Voorhout 34"), ("zorginstelling", "Zorggroep Noorderboog"),
            ("zorginstelling", "GGZ inGeest"), ("zorginstelling", "Lentis"), ("zorginstelling", "Cordaan")} <= found


@pytest.mark.slow
def test_same_findings_as_stock_deduce_on_probes(engine, stock_findings):
    for text in PROBES:
        assert annotations(engine, text) == stock_findings[text], repr(text)
    assert ("locatie", "Korte Poten 3") in {(t, s) for _, _, t, s in stock_findings[PROBES[5]]}
    assert "Cordaan, Kleinschalig wonen Bannecentrum" in {s for *_, s in stock_findings[PROBES[7]]}


@pytest.mark.slow
def test_the_gate_holds_no_heavy_trie(engine):
    from focuscode.privacy.engine import CompactLookupAnnotator

    # deduce's own structures for these two lookups are empty; compact tables answer instead.
    for name in ("street", "healthcare_institution"):
        assert engine.lookup_structs[name].children == {}
    assert isinstance(engine.processors["locations"]["street_lookup"], CompactLookupAnnotator)
    assert isinstance(engine.processors["institutions"]["institution"], CompactLookupAnnotator)
    assert len(engine.processors["locations"]["street_lookup"].table) > 500_000


def _cli(args: list[str], cache: Path | str, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache),
           "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    code = "import sys; sys.argv[0] = 'focuscode'; from focuscode.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=tmp, timeout=900)


@pytest.mark.slow
def test_first_use_builds_once_with_progress_private_and_atomic(tmp_path):
    cache = tmp_path / "cache"
    leak = tmp_path / "fg-lek.txt"
    leak.write_text("Gespreksleider (00:00:05): Waar is de school?\n"
                    "Deelnemer 2 (00:00:48): Aan de Lange Voorhout 34, naast Zorggroep Noorderboog.\n",
                    encoding="utf-8")
    args = ["import", str(leak), "--source", "focusgroep", "--allow-unknown", "--db", str(tmp_path / "p.db")]
    first = _cli(args, cache, tmp_path)
    assert first.returncode == 1, first.stderr
    assert "Building the privacy check's" in first.stderr
    assert all(step in first.stderr for step in ("[1/3]", "[2/3]", "[3/3]", "privacy lookups built"))
    assert "Lange Voorhout 34" in first.stderr and "Zorggroep Noorderboog" in first.stderr
    assert "Traceback" not in first.stderr
    [folder] = (cache / "focuscode").iterdir()  # no temporary build folder left behind
    import deduce

    assert folder.name.startswith(f"deduce-{deduce.__version__}-")
    for path in [cache / "focuscode", *(cache / "focuscode").rglob("*")]:
        assert (path.stat().st_mode & 0o777) == (0o700 if path.is_dir() else 0o600), path

    second = _cli(args, cache, tmp_path)
    assert second.returncode == 1 and "Lange Voorhout 34" in second.stderr
    assert "Building" not in second.stderr and "[1/3]" not in second.stderr
    doctor = json.loads(_cli(["doctor", "--json"], cache, tmp_path).stdout)["deduce"]
    assert doctor["built"] is True and doctor["cache"] == str(folder)

    # A damaged table is noticed and built again, never trusted.
    table = folder / "street.tab"
    table.write_bytes(table.read_bytes()[:1000])
    third = _cli(args, cache, tmp_path)
    assert third.returncode == 1 and "Lange Voorhout 34" in third.stderr
    assert "damaged" in third.stderr
    pickled = next(folder.rglob("lookup_structs.pickle"))
    pickled.write_bytes(pickled.read_bytes()[:5000])
    fourth = _cli(args, cache, tmp_path)
    assert fourth.returncode == 1 and "Lange Voorhout 34" in fourth.stderr
    assert "damaged" in fourth.stderr and "Traceback" not in fourth.stderr


@pytest.mark.slow
def test_unwritable_cache_falls_back_to_stock_deduce(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    leak = tmp_path / "fg-lek.txt"
    leak.write_text("Deelnemer 2 (00:00:48): Onze school zit aan de Lange Voorhout 34.\n", encoding="utf-8")
    r = _cli(["import", str(leak), "--source", "focusgroep", "--allow-unknown", "--db", str(tmp_path / "p.db")], blocker, tmp_path)
    assert r.returncode == 1, r.stderr
    assert "using deduce's own" in r.stderr and "Lange Voorhout 34" in r.stderr
    assert "Traceback" not in r.stderr
    doctor = json.loads(_cli(["doctor", "--json"], blocker, tmp_path).stdout)["deduce"]
    assert doctor["built"] is False and "cannot be written" in doctor["reason"]


def test_no_spacy_import_just_to_learn_the_dutch_model_is_absent():
    from focuscode.nlp.pipeline import DEFAULT_MODEL

    code = ("import sys; from focuscode.privacy.scan import entity_pipeline; "
            "print(entity_pipeline() is None, 'spacy' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    import importlib.util

    if importlib.util.find_spec(DEFAULT_MODEL) is None:
        assert r.stdout.split() == ["True", "False"]  # 0.4 s of every gated import, saved
    else:
        assert r.stdout.split()[1] == "True"  # with the model, the entity pipeline loads spaCy
