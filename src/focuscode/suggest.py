"""Suggestions: run the codebook's rules over segments and store them.

Suggestions are coding rows without a coder (status 'suggested'). A run
replaces the previous rule suggestions in one transaction; coders' decisions
are separate rows and are never touched. Given a coder, the run also learns
from that coder's decisions (see `learning`) and stores the classifier's
suggestions with method 'model', replacing the previous ones in the same
transaction.

Every suggestion's score is a calibrated probability that a coder accepts it
(`nlp.calibration`), shifted by how coders treated the rules behind it so far
(`rulestats`). All suggestions are stored; those at or above the project's
threshold are the ones shown (`review`, `segments`), the rest only with --all.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _string  # what dumps() writes a str with
from typing import Callable

from .codes import require_codebook
from .db import dumps, get_setting, now, set_setting, transaction
from .errors import FocuscodeError, setting
from .export import paused_gc
from .passages import sentences, sentences_of  # (light: called once per segment with hits)


THRESHOLD_SETTING = "suggest_threshold"


def suggestion_threshold(db) -> float:
    """The project's threshold for showing suggestions (default: from the calibration)."""
    from .nlp.calibration import default_threshold

    value = get_setting(db, THRESHOLD_SETTING)
    return float(value) if value is not None else default_threshold()


def check_threshold(value: float) -> float:
    if not 0.0 < value <= 1.0:
        raise FocuscodeError(f"{setting('threshold')} must be above 0 and at most 1, not {value}")
    return value


@dataclass
class SuggestResult:
    pipeline: str
    segments: int
    suggestions: int
    by_code: dict[str, int] = field(default_factory=dict)
    threshold: float = 0.0
    shown: int = 0
    hidden: int = 0
    down_weighted: list[str] = field(default_factory=list)
    similarity: int = 0
    similarity_shown: int = 0
    prior: int = 0
    prior_shown: int = 0
    model: dict | None = None
    model_suggestions: int = 0
    model_by_code: dict[str, int] = field(default_factory=dict)


def _segments_to_scan(db, include_facilitator: bool) -> list[tuple[int, str]]:
    sql = """SELECT s.id, s.text FROM segments s LEFT JOIN participants p ON p.id = s.participant_id"""
    if not include_facilitator:
        sql += " WHERE COALESCE(p.is_facilitator, 0) = 0"
    return [(r[0], r[1]) for r in db.execute(sql + " ORDER BY s.id")]


def run_suggest(
    db,
    *,
    model: str | None = None,
    include_facilitator: bool = False,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 256,
    n_process: int = 1,
    coder: str | None = None,
    threshold: float | None = None,
    seed: int = 0,
) -> SuggestResult:
    """Rule suggestions for every segment; with `coder`, model suggestions learned from them too.

    `notify` hears which pipeline runs and, with a coder, which codes were learned and
    which were skipped for too few decisions.
    """
    codebook = require_codebook(db)
    if threshold is not None:
        check_threshold(threshold)
    show_at = threshold if threshold is not None else suggestion_threshold(db)
    # Matching, scoring and storing make hundreds of thousands of small objects without
    # cycles (hits, evidence, rows): collection passes over them cost a sixth of the run.
    # They are freed before the collector resumes, which then has nothing of them to walk.
    with paused_gc():
        result, rows, segments, code_ids, stamp = _suggest_rows(
            db, codebook, model, include_facilitator, notify, progress, batch_size, n_process, coder, show_at)
        if not coder:
            with transaction(db):
                _store(db, threshold, rows)
            del rows, segments
            return result
    learned = _learn(db, coder, seed, notify)
    found = None
    if learned is not None and learned.model is not None:
        from .learning import model_suggestions

        # predicted before the transaction, so the write lock is held only for writing
        found = model_suggestions(learned, segments, threshold=show_at)
    with transaction(db):
        _store(db, threshold, rows)
        if found is not None:
            _store_model_suggestions(db, learned, found, code_ids, result.pipeline, show_at, stamp, result)
    return result


def _suggest_rows(db, codebook, model, include_facilitator, notify, progress, batch_size, n_process, coder, show_at):
    """Rule and similarity suggestions as rows to store, with the result that reports them."""
    # Scores need wordfreq, which finds its data through inspect.stack(): that walks every
    # loaded module, so importing it before spaCy's thousand modules halves its start-up.
    import wordfreq  # noqa: F401

    from .nlp.pipeline import load_pipeline
    from .nlp.prior import PriorReader
    from .nlp.rules import RuleMatcher
    from .nlp.similarity import SimilarityIndex

    pipeline = load_pipeline(model or get_setting(db, "model"), notify=notify)
    matcher = RuleMatcher(pipeline.nlp, list(codebook.walk()))
    code_ids = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes WHERE active = 1")}
    themes = {c.name for c in codebook.codes}
    theme_of = {code.name: theme.name for theme in codebook.codes for code in theme.walk()}
    segments = _segments_to_scan(db, include_facilitator)
    found: list[tuple[int, object]] = []
    close = SimilarityIndex(pipeline.nlp.vocab.strings)
    prior = PriorReader.for_codebook(themes, pipeline.nlp.vocab.strings)
    texts = (text for _, text in segments)
    docs = pipeline.nlp.pipe(texts, batch_size=batch_size, n_process=n_process, disable=_unused_pipes(pipeline))
    with _lemma_hashes_only(pipeline.nlp, n_process):
        _scan(segments, docs, matcher, close, found, progress)
    closest = _closest(db, pipeline.nlp, codebook, close, coder, code_ids)
    # Rules and closeness that agree on a (segment, code) are two distinct pieces of evidence.
    agree = {(c.segment_id, c.code) for c in closest} & {(sid, hit.code) for sid, hit in found}
    theme_odds = prior.reader(close, theme_of) if prior is not None else (lambda sid, code: None)
    rows, by_code, shown, weights = _scored_rows(db, found, len(segments), themes, code_ids, show_at, agree, theme_odds)
    result = SuggestResult(pipeline.name, len(segments), len(rows), by_code, show_at, shown, len(rows) - shown,
                           weights)
    stamp = now()
    rows += _similar_rows(closest, agree, code_ids, show_at, stamp, result, theme_odds)
    if prior is not None:
        suggested = {(sid, theme_of[hit.code]) for sid, hit in found} | {(c.segment_id, theme_of[c.code]) for c in closest}
        rows += _prior_rows(prior, suggested, code_ids, show_at, stamp, result)
    return result, rows, segments, code_ids, stamp


def _scan(segments, docs, matcher, close, found: list, progress) -> None:
    """Match every segment's doc, point its hits at their sentences, and count its lemmas for closeness."""
    from spacy.attrs import LEMMA

    from .nlp.lemmatizer import LEMMA_HASHES

    for i, ((segment_id, text), doc) in enumerate(zip(segments, docs), start=1):
        hits = matcher.match(doc, text)
        if hits:
            _point_at_sentences(text, hits)
        for hit in hits:
            found.append((segment_id, hit))
        lemmas = doc.user_data.get(LEMMA_HASHES)
        if lemmas is None:
            lemmas = doc.to_array(LEMMA).tolist()
        close.add_segment(segment_id, lemmas, text)
        if progress and (i % 200 == 0 or i == len(segments)):
            progress(i, len(segments))


@contextmanager
def _lemma_hashes_only(nlp, n_process: int):
    """The fallback lemmatizer leaves token.lemma unset while segments are read (see
    FocuscodeLemmatizer.hashes_only); worker processes (n_process > 1) keep their own."""
    from .nlp.lemmatizer import FACTORY

    component = nlp.get_pipe(FACTORY) if FACTORY in nlp.pipe_names and n_process == 1 else None
    if component is None:
        yield
        return
    component.hashes_only = True
    try:
        yield
    finally:
        component.hashes_only = False


def _store(db, threshold: float | None, rows: list[tuple]) -> None:
    """The threshold, if one was given, and the rule, similarity and prior suggestions (inside the caller's transaction)."""
    if threshold is not None:
        set_setting(db, THRESHOLD_SETTING, repr(float(threshold)))
    _replace_suggestions(db, ("rules", "similarity", "prior"), rows)
    from .export.terms import fill_missing

    fill_missing(db)  # the summary's lemma counts of turns an older release imported (export/terms.py)


def _point_at_sentences(text: str, hits) -> None:
    """A rule suggestion carries the sentence(s) its evidence lies in: its span runs from the
    first to the last of them, and its evidence lists each, so a coder can code just those."""
    # the sentences up to the last word any rule matched: the rest of a long turn holds none
    spans = sentences(text, until=max(m["end"] for hit in hits for m in hit.evidence["matches"]))
    for hit in hits:
        matches = hit.evidence["matches"]
        if len(matches) == 1:  # most hits: sentences_of for one position, without its generators
            a, b = matches[0]["start"], matches[0]["end"]
            held = [[s, e] for s, e in spans if a < e and s < b]
        else:
            held = [list(sp) for sp in sentences_of(text, [(m["start"], m["end"]) for m in matches], spans)]
        if held:
            hit.evidence["sentences"] = held
            hit.start, hit.end = held[0][0], held[-1][1]


def _unused_pipes(pipeline) -> list[str]:
    """Components whose work no rule reads: the fallback's sentencizer.

    Phrases end at break words, not at sentence boundaries, and a codebook pattern cannot
    ask for sentence starts (codebook.TOKEN_PATTERN_ATTRS), so the sentencizer walked every
    token of every segment for nothing.
    """
    return ["sentencizer"] if "sentencizer" in pipeline.nlp.pipe_names else []


def _scored_rows(db, found, n_segments: int, themes: set[str], code_ids: dict, show_at: float, agree: set,
                 theme_odds=lambda sid, code: None):
    """Rows to insert, with calibrated scores; also counts per code, how many are shown, down-weighted rules."""
    from collections import Counter

    from .nlp.calibration import corpus_rate, features, fitted, linear, logit, rule_key, sigmoid
    from .rulestats import DOWN_WEIGHTED, MIN_REJECTED, rule_records

    without_prior = fitted()["coefficients"]
    with_prior = fitted().get("coefficients_prior") or {**without_prior, "prior": 0.0}

    # What a hit's features are computed from: per match its rule, the words it matched and
    # their lemma (specificity, corpus rate, distinct evidence); the code and two flags do the rest.
    facts = [[(("keyword", m["keyword"]) if type(m.get("keyword")) is str else rule_key(m), m.get("text"), m.get("lemma"))
              for m in hit.evidence["matches"]] for _, hit in found]
    keys = [{f[0] for f in fs} for fs in facts]
    fires: Counter = Counter(key for ks in keys for key in ks)
    rates = {key: corpus_rate(n, n_segments) for key, n in fires.items()}
    # The record of each rule, read from the previous run's suggestions before they are replaced.
    records = rule_records(db)
    stamp = now()
    rows, by_code, shown = [], {}, 0
    # Tens of thousands of hits share a few thousand such descriptions: each is scored, and
    # its score written as JSON, once (features are a function of them: the rates are per run).
    # The domain prior's log-odds differs from turn to turn: features are computed once per
    # description and the prior only added to them (its JSON by parts, see _facts_json).
    described: dict[tuple, tuple[dict, str]] = {}
    written: dict[tuple, tuple[float, str]] = {}
    prior_weight = with_prior["prior"]
    for (segment_id, hit), fs, hit_keys in zip(found, facts, keys):
        code, evidence = hit.code, hit.evidence  # (locals: this loop runs for each of 40,000 hits)
        close = (segment_id, code) in agree
        odds = theme_odds(segment_id, code)
        what = (code, frozenset(fs), close, bool(evidence.get("excluded")))
        shift = 0.0
        if records:
            shifts = [records[(code, *k)].adjustment() for k in hit_keys if (code, *k) in records]
            shift = sum(shifts) / len(shifts) if shifts else 0.0
        key = (what, odds, shift)
        done = written.get(key)
        if done is None:
            known = described.get(what)
            if known is None:
                x = features(evidence, rates=rates, is_theme=code in themes, close=close)
                shown_x = {k: v for k, v in x.items() if k != "bias"}
                # the log-odds of everything but the prior, with and without it (see base_probability)
                known = described[what] = (shown_x, _facts_parts(dumps(shown_x)), linear(x, with_prior),
                                           linear(x, without_prior))
            shown_x, parts, lin_prior, lin = known
            base = sigmoid(lin_prior + prior_weight * odds) if odds is not None else sigmoid(lin)
            score = round(sigmoid(logit(base) + shift), 4) if shift else round(base, 4)
            done = written[key] = (score, _facts_json(round(base, 4), round(shift, 4), odds, parts))
        score, score_json = done
        evidence["score"] = score_json  # (as JSON: _evidence_json writes it as it stands)
        rows.append((segment_id, code_ids[code], "rules", score, _evidence_json(evidence, score_json),
                     hit.start, hit.end, None, stamp, stamp))
        by_code[code] = by_code.get(code, 0) + 1
        shown += score >= show_at
    weights = sorted(
        f"{r.label} ({r.code})" for r in records.values() if r.rejected >= MIN_REJECTED and _weight(r) < DOWN_WEIGHTED
    )
    return rows, by_code, shown, weights


def _facts_parts(features_json: str) -> tuple[str, str]:
    """The features' JSON (keys sorted, no base, rules or prior) cut where those go in."""
    head, sep, tail = features_json[1:-1].partition(', "specificity": ')
    return head, sep + tail + "}"


def _facts_json(base: float, rules: float, prior: float | None, parts: tuple[str, str]) -> str:
    """dumps() of a rule suggestion's score facts ({"base", "rules", "prior"?, features...}) from
    the features' parts (`_facts_parts`): base first, then prior and rules in their sorted places
    (after "excluded", before "specificity")."""
    head, tail = parts
    middle = f', "prior": {float.__repr__(float(prior))}' if prior is not None else ""
    return f'{{"base": {float.__repr__(float(base))}, {head}{middle}, "rules": {float.__repr__(float(rules))}{tail}'


_EVIDENCE_KEYS = ({"matches", "excluded", "score"}, {"matches", "excluded", "score", "sentences"})
_MATCH_KEYS = {"text", "lemma", "keyword", "start", "end", "compound"}


def _evidence_json(evidence: dict, score_json: str) -> str:
    """dumps(evidence) for a rule suggestion's evidence, given its "score" already as JSON.

    The same text as the general encoder writes (keys sorted, ", " and ": ", strings by the
    encoder's own `encode_basestring`), built from parts: the keyword matches and sentences
    by hand, anything else (patterns, exclusions, an unknown shape) by `dumps`. Encoding the
    evidence of 40,000 suggestions whole cost more than scoring them.
    """
    keys = evidence.keys()
    if keys != _EVIDENCE_KEYS[0] and keys != _EVIDENCE_KEYS[1]:
        return dumps({**evidence, "score": json.loads(score_json)})
    excluded = evidence["excluded"]
    parts = ['{"excluded": ', dumps(excluded) if excluded else "[]", ', "matches": [']
    for i, m in enumerate(evidence["matches"]):
        if i:
            parts.append(", ")
        if m.keys() == _MATCH_KEYS:  # (then indexing, not .get(): this runs for every match of a run)
            compound, start, end, keyword, text, lemma = (m["compound"], m["start"], m["end"], m["keyword"],
                                                          m["text"], m["lemma"])
            if (type(start) is int and type(end) is int and type(keyword) is str and type(text) is str
                    and type(lemma) is str and (compound is True or compound is False)):
                parts += ('{"compound": ', "true" if compound else "false", ', "end": ', str(end), ', "keyword": ',
                          _string(keyword), ', "lemma": ', _string(lemma), ', "start": ', str(start),
                          ', "text": ', _string(text), "}")
                continue
        parts.append(dumps(m))
    parts += ('], "score": ', score_json)
    sentences = evidence.get("sentences")
    if sentences is not None:
        spans = [f"[{sp[0]}, {sp[1]}]" for sp in sentences if len(sp) == 2 and type(sp[0]) is int and type(sp[1]) is int]
        parts += ((', "sentences": [', ", ".join(spans), "]") if len(spans) == len(sentences)
                  else (', "sentences": ', dumps(sentences)))
    parts.append("}")
    return "".join(parts)


def _closest(db, nlp, codebook, close, coder, code_ids) -> list:
    """Closeness to each code's examples and include text and, with a coder, their accepted segments."""
    from .nlp.similarity import Reference

    references: list[Reference] = []
    described = [(code.name, kind, text) for code in codebook.walk()
                 for kind, text in [("example", e) for e in code.examples] + [("include", code.include)] if text]
    for (name, kind, text), doc in zip(described, nlp.pipe(t for _, _, t in described)):
        terms = close.content_terms(doc.to_array("LEMMA").tolist())
        if terms:
            references.append(Reference(name, kind, text, terms))
    skip: set[int] = set()
    if coder:
        names = {cid: name for name, cid in code_ids.items()}
        for sid, cid in db.execute("SELECT segment_id, code_id FROM codings WHERE coder = ? AND status = 'accepted'", [coder]):
            terms = close.segment_terms(sid) if cid in names else None
            if terms:
                references.append(Reference(names[cid], "segment", sid, terms))
        # A segment the coder decided is theirs: closeness suggests only where they have not looked.
        skip = {r[0] for r in db.execute(
            "SELECT segment_id FROM codings WHERE coder = ? UNION SELECT segment_id FROM seen WHERE coder = ?", [coder, coder])}
    return close.find(references, skip=skip)


def _similar_rows(closest, agree, code_ids, show_at, stamp, result, theme_odds=lambda sid, code: None) -> list[tuple]:
    from .nlp.calibration import similarity_probability
    from .nlp.similarity import evidence

    rows = []
    for c in closest:
        ev = evidence(c)
        score, x = similarity_probability(c.similarity, len(c.shared), (c.segment_id, c.code) in agree,
                                          prior=theme_odds(c.segment_id, c.code))
        ev["score"] = x
        rows.append((c.segment_id, code_ids[c.code], "similarity", score, _similarity_json(ev), None, None, None, stamp,
                     stamp))
        result.similarity_shown += score >= show_at
    result.similarity = len(rows)
    return rows


def _similarity_json(ev: dict) -> str:
    """dumps(ev) of a closeness suggestion's evidence, built from parts as the encoder writes it
    (keys sorted); any other shape than the usual one by dumps itself."""
    closest, x, shared, similarity = ev.get("closest"), ev.get("score"), ev.get("shared"), ev.get("similarity")
    if (ev.keys() != {"closest", "score", "shared", "similarity"} or type(similarity) is not float
            or not isinstance(closest, dict) or type(closest.get("kind")) is not str
            or not isinstance(shared, list) or not all(type(w) is str for w in shared)
            or not isinstance(x, dict) or not all(type(v) is float for v in x.values())):
        return dumps(ev)
    if closest.keys() == {"kind", "text"} and type(closest["text"]) is str:
        near = f'{{"kind": {_string(closest["kind"])}, "text": {_string(closest["text"])}}}'
    elif closest.keys() == {"kind", "segment"} and type(closest["segment"]) is int:
        near = f'{{"kind": {_string(closest["kind"])}, "segment": {closest["segment"]}}}'
    else:
        return dumps(ev)
    facts = ", ".join(f"{_string(k)}: {float.__repr__(x[k])}" for k in sorted(x))
    words = ", ".join(_string(w) for w in shared)
    return (f'{{"closest": {near}, "score": {{{facts}}}, "shared": [{words}], '
            f'"similarity": {float.__repr__(similarity)}}}')


def _prior_rows(prior, suggested, code_ids, show_at, stamp, result) -> list[tuple]:
    """The domain prior's own suggestions: on a theme it knows, where no rule and no closeness
    suggestion of that theme was found, from STORE_FROM on; evidence names its weightiest words."""
    from .nlp.calibration import prior_log_odds_for, prior_probability
    from .nlp.prior import STORE_FROM

    rows = []
    scores: dict[float, float] = {}  # the log-odds are rounded: few distinct ones
    # most turns are unlike most themes: only those above the floor are looked at
    for sid, theme, z in prior.above(prior_log_odds_for(STORE_FROM) - 0.05):
        if (sid, theme) in suggested or theme not in code_ids:
            continue
        score = scores.get(z)
        if score is None:
            score = scores[z] = prior_probability(z)
        if score < STORE_FROM:
            continue
        rows.append((sid, code_ids[theme], "prior", score, _prior_evidence_json(z, prior.reasons(sid, theme), score),
                     None, None, None, stamp, stamp))
        result.prior_shown += score >= show_at
    result.prior = len(rows)
    return rows


def _prior_evidence_json(z: float, words: list[list], score: float) -> str:
    """dumps({"prior": {"log_odds": z, "words": words}, "score": {"base": score, "prior": z}}), built
    from parts as the encoder writes it (keys sorted, ", " and ": ")."""
    z_json = float.__repr__(float(z))
    listed = ", ".join(f"[{_string(w)}, {float.__repr__(float(v))}]" for w, v in words)
    return (f'{{"prior": {{"log_odds": {z_json}, "words": [{listed}]}}, '
            f'"score": {{"base": {float.__repr__(float(score))}, "prior": {z_json}}}}}')


def _weight(record) -> float:
    import math

    return math.exp(record.adjustment())


def _replace_suggestions(db, methods: tuple[str, ...], rows: list[tuple]) -> None:
    """Make `rows` the stored suggestions of `methods`, as deleting the old ones and inserting these would.

    A suggestion that a rerun finds again (same segment, code and method) is rewritten in
    place rather than deleted and inserted: no index entry changes, which on a rerun over a
    large project halves the cost of storing (seven indexes on codings, 50,000 rows at a
    million words). Every column ends as an insert would leave it, with one exception: a
    suggestion found again exactly as it stands (score, evidence, passage, model) keeps its
    row untouched, so its created_at/updated_at say when it was first made so. A rerun of
    an unchanged project then writes nothing but what changed, instead of every page of
    the table (20 MB at a million words) to the write-ahead log and back. A decision taken
    on an old suggestion loses its link to it, as ON DELETE SET NULL does when it is deleted.
    """
    marks = ", ".join("?" * len(methods))
    old: dict[tuple, int] = {}
    stale: list[tuple[int]] = []
    # Only rows whose indexed columns already hold what an insert writes are rewritten, and
    # the rewrite sets no indexed column: SQLite then touches no index at all.
    for i, sid, cid, method, plain in db.conn.execute(
        "SELECT id, segment_id, code_id, method, status = 'suggested' AND suggestion_id IS NULL AND coder_id IS NULL "
        f"FROM codings WHERE coder IS NULL AND method IN ({marks})", methods):
        if plain:
            old[(sid, cid, method)] = i
        else:
            stale.append((i,))
    if not old and not stale:
        _insert_suggestions(db, rows)
        return
    db.conn.execute(
        "UPDATE codings SET suggestion_id = NULL WHERE coder IS NOT NULL AND suggestion_id IN "
        f"(SELECT id FROM codings WHERE coder IS NULL AND method IN ({marks}))", methods)
    new, again = [], []
    for row in rows:  # (segment_id, code_id, method, score, evidence, span_start, span_end, model_id, created, updated)
        i = old.pop((row[0], row[1], row[2]), None)
        if i is None:
            new.append(row)
        else:
            again.append((*row[3:], i))
    db.conn.executemany("DELETE FROM codings WHERE id = ?", stale + [(i,) for i in old.values()])
    db.conn.executemany(
        "UPDATE codings SET score = ?1, evidence = ?2, span_start = ?3, span_end = ?4, model_id = ?5, created_at = ?6, "
        "updated_at = ?7, codebook_version = NULL WHERE id = ?8 AND NOT (score IS ?1 AND evidence IS ?2 "
        "AND span_start IS ?3 AND span_end IS ?4 AND model_id IS ?5 AND codebook_version IS NULL)",
        again,
    )
    _insert_suggestions(db, new)


_INSERT_SUGGESTIONS = ("INSERT INTO codings (segment_id, code_id, coder, status, method, score, evidence, span_start, "
                       "span_end, model_id, created_at, updated_at) VALUES ")
_SUGGESTION_VALUES = "(?, ?, NULL, 'suggested', ?, ?, ?, ?, ?, ?, ?, ?)"
_ROWS_PER_INSERT = 500


def _insert_suggestions(db, rows) -> None:
    """Insert suggestion rows, in their order, several hundred to a statement.

    Plain SQL: sqlite-utils' insert_all inspects every dict, which costs more than the rule
    matching on a large project. Not executemany either: codings' CHECK constraints test
    `status IN (...)` and `method IN (...)`, and SQLite builds a small table for such a
    list each time a statement runs, so once per row (0.2 s of 0.65 s for the 59,000
    suggestions of a million words). A statement of many rows builds them once.
    """
    import sqlite3
    from itertools import chain

    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return
    width = _SUGGESTION_VALUES.count("?")
    # (Python 3.11's getlimit: an SQLite built with the old limit of 999 variables gets smaller statements)
    per = max(1, min(_ROWS_PER_INSERT, db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    full = _INSERT_SUGGESTIONS + ", ".join([_SUGGESTION_VALUES] * per)
    for i in range(0, len(rows), per):
        chunk = rows[i : i + per]
        sql = full if len(chunk) == per else _INSERT_SUGGESTIONS + ", ".join([_SUGGESTION_VALUES] * len(chunk))
        db.conn.execute(sql, list(chain.from_iterable(chunk)))


def _prune_models(db, *, keep: int) -> None:
    """Drop earlier classifiers nothing points to any more.

    A model stays while a suggestion (model_id) or a coder's decision taken on one of
    its suggestions (the copied evidence names the model) refers to it, so every
    decision made on a model suggestion can still be traced to what the model learned.
    """
    db.execute(
        """DELETE FROM models WHERE kind = 'textcat' AND id != ?
             AND id NOT IN (SELECT model_id FROM codings WHERE model_id IS NOT NULL)
             AND id NOT IN (SELECT json_extract(evidence, '$.model') FROM codings
                            WHERE coder IS NOT NULL AND method = 'model' AND json_valid(evidence))""",
        [keep],
    )


def _learn(db, coder: str, seed: int, notify):
    from .errors import UnknownCoderError
    from .learning import MIN_EXAMPLES, learn

    try:
        learned = learn(db, coder, seed=seed)
    except UnknownCoderError as exc:
        # FOCUSCODE_CODER is often set before a coder has decided anything: the rules
        # are still wanted, so this is a notice, not an error.
        if notify:
            notify(f"No model trained: {exc}")
        return None
    if notify:
        if learned.trained:
            notify(f"Learned from {learned.coder}'s decisions ({learned.n_examples} segments): {', '.join(learned.trained)}")
        else:
            notify(f"No model trained: no code has {MIN_EXAMPLES} accepted and {MIN_EXAMPLES} rejected segments by {learned.coder} yet")
        if learned.skipped:
            notify(
                f"Skipped for too few decisions (need {MIN_EXAMPLES} accepted and {MIN_EXAMPLES} rejected): "
                + ", ".join(f"{code} ({a}/{r})" for code, (a, r) in learned.skipped.items())
            )
    return learned


def _store_model_suggestions(db, learned, found, code_ids, pipeline_name, threshold, stamp, result) -> None:
    from .learning import model_evidence, store_model

    model_id = store_model(db, learned, pipeline=pipeline_name, threshold=threshold)
    db.execute("DELETE FROM codings WHERE coder IS NULL AND method = 'model'")
    _insert_suggestions(
        db,
        (
            (segment_id, code_ids[code], "model", round(p, 4), dumps(model_evidence(model_id, learned.n_examples, p, terms)),
             None, None, model_id, stamp, stamp)
            for segment_id, code, p, terms in found
        ),
    )
    _prune_models(db, keep=model_id)
    for _, code, _, _ in found:
        result.model_by_code[code] = result.model_by_code.get(code, 0) + 1
    result.model_suggestions = len(found)
    result.model = {
        "id": model_id,
        "coder": learned.coder,
        "trained": learned.trained,
        "skipped": {code: {"accepted": a, "rejected": r} for code, (a, r) in learned.skipped.items()},
        "trained_on": learned.n_examples,
        "threshold": threshold,
    }
