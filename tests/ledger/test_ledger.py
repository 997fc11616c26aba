"""The ledger end to end, on SQLite and on a real PostgreSQL server: the samples' archives added, the
answers worked out again here from the score files, re-adding and tampering changing nothing."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from pathlib import Path

import sqlalchemy as sa
import yaml

from bideval.ledger.database import open_ledger
from bideval.ledger.read import bidder_answer, evaluator_answer, tender_answer
from bideval.ledger.schema import TABLES
from bideval.load.inputs import load_inputs
from bideval.render.rows import rows_json
from tests.conftest import RUBRICS, SAMPLES, run
from tests.ledger.conftest import SAMPLE_IDS, counts, filled


def leniency_from_score_files(sample: str) -> dict[str, Decimal]:
    """Issue 21's definition, worked from the sample's score files (read as plain YAML) and its
    rubric's item points and scales: per evaluator, the mean over the cells it scored of (own −
    mean of the others' scores for that bid and item) as a percentage of the item's points."""
    inputs = load_inputs(RUBRICS / f"{sample}.yaml", SAMPLES / sample)
    lots = {bid.bidder.id: bid.lot for bid, _ in inputs.bids}
    cells: dict[tuple[str, str], dict[str, Fraction]] = defaultdict(dict)
    for path in sorted((SAMPLES / sample / "scores").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for bidder, items in document.get("scores", {}).items():
            for criterion, value in items.items():
                cells[(bidder, criterion)][document["evaluator"]["id"]] = Fraction(str(value))
    gaps: dict[str, list[Fraction]] = defaultdict(list)
    for (bidder, criterion), scores in cells.items():
        rubric = inputs.rubric.for_lot(inputs.rubric.lot(lots[bidder])) if lots[bidder] else inputs.rubric
        node = rubric.node(criterion)
        for evaluator, own in scores.items():
            others = [s for e, s in scores.items() if e != evaluator]
            if others:
                gap = own - sum(others) / len(others)
                gaps[evaluator].append(gap if (node.scale or "percent") == "percent" else gap * 100 / Fraction(node.points))
    wide = Context(prec=60)
    return {e: (wide.divide(Decimal(m.numerator), Decimal(m.denominator))).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            for e, g in gaps.items() for m in [sum(g) / len(g)]}  # fmt: skip


def test_leniency_of_every_sample_evaluator_is_the_definitions(backend_url, checked_samples):
    engine = filled(backend_url, checked_samples)
    rows = {r["evaluator_id"]: r for r in evaluator_answer(engine, "en", Decimal(10))}
    expected = {}
    for sample in SAMPLE_IDS:
        expected |= leniency_from_score_files(sample)
    assert {e: r["leniency"] for e, r in rows.items()} == expected
    assert len(expected) == 24  # every evaluator of the four samples
    engine.dispose()


def test_sqlite_and_postgresql_give_the_same_answers(tmp_path, postgres_url, checked_samples):
    answers = []
    for url in (f"sqlite:///{tmp_path / 'ledger.sqlite3'}", postgres_url):
        engine = filled(url, checked_samples)
        answers.append([rows_json(evaluator_answer(engine, lang, Decimal(10))) + rows_json(bidder_answer(engine, lang))
                        + rows_json(tender_answer(engine, lang)) for lang in ("ko", "en")])  # fmt: skip
        engine.dispose()
    assert answers[0] == answers[1]


def test_sample_counts_and_decisions_are_kept(backend_url, checked_samples):
    """What the samples' results.json say, read back: the nipa sample's four bids with jangteo-market
    excluded by a gate (its 7 × 7 raw scores kept as unused), the rental sample's three winners."""
    engine = filled(backend_url, checked_samples)
    bidders = {r["bidder_id"]: r for r in bidder_answer(engine, "en", )}
    assert bidders["jangteo-market"] | {"name": ""} == {
        "bidder_id": "jangteo-market", "name": "", "tenders": 1, "rounds": 1, "wins": 0, "gate_failures": 1,
        "threshold_failures": 0, "failed_calls": 0, "average_rank": None}  # fmt: skip
    assert sorted(b for b, r in bidders.items() if r["wins"]) == [
        "alpha-soft", "arum-compute", "dasom-gpu", "gaon-ai", "hanbit-cloud", "haneul-infra", "nuri-ai-center",
        "saebyeok-tech"]  # fmt: skip
    tenders = {t["tender"]: t for t in tender_answer(engine, "en")}
    assert tenders["ai-computing-center-spc-2025"]["round"] == 3
    assert tenders["ai-computing-center-spc-2025"]["outcome"] == "negotiation"
    with engine.connect() as connection:
        unused = connection.execute(sa.text("SELECT count(*) FROM scores WHERE bidder_id = 'jangteo-market' "
                                            "AND status = 'unused'")).scalar_one()  # fmt: skip
    assert unused == 49
    with engine.connect() as connection:
        comment = connection.execute(sa.text("SELECT score, comment FROM scores WHERE bidder_id = 'alpha-soft' AND "
                                             "criterion = 'understanding' AND evaluator_id = 'p-07'")).one()  # fmt: skip
    assert str(comment[0]) == "10.5" and comment[1].startswith("현행 시스템 분석이 개략적이고")
    engine.dispose()


def test_decimals_come_back_exactly(backend_url, checked_samples):
    engine = filled(backend_url, checked_samples)
    stored = {(r["bidder_id"], r["criterion"], r["evaluator_id"]): r["score"]
              for c in checked_samples for r in c.rows["scores"]}  # fmt: skip
    with engine.connect() as connection:
        table = TABLES[-1]
        back = {(r.bidder_id, r.criterion, r.evaluator_id): r.score for r in connection.execute(sa.select(table))}
    assert back == stored
    assert all(str(back[k]) == str(v) for k, v in stored.items() if v is not None)  # 27.0 stays 27.0
    engine.dispose()


# --- through the command line ----------------------------------------------------------------------


def test_add_re_add_and_a_tampered_archive(backend_url, sample_archives, tmp_path):
    """Adding the samples, adding them again (a no-op that says so), then a copy of one whose score was
    changed and whose manifest was re-hashed: refused, and the ledger's counts stay the same."""
    archives = [sample_archives[s] for s in SAMPLE_IDS]
    first = run("ledger", "add", *archives, "--db", backend_url, "--jobs", "2")
    assert first.exit_code == 0, first.output
    assert "4 added, 0 already there, 0 refused" in first.output
    engine = open_ledger(backend_url)
    before = counts(engine)
    assert before["evaluations"] == 4 and before["scores"] > 400
    again = run("ledger", "add", *archives, "--db", backend_url)
    assert again.exit_code == 0
    assert "0 added, 4 already there" in again.output and "nothing changed" in again.output
    tampered = _tampered(sample_archives["kr-negotiated-80-20"], tmp_path / "tampered.zip")
    refused = run("ledger", "add", tampered, "--db", backend_url)
    assert refused.exit_code == 1
    assert "refused" in refused.output and "does not verify" in refused.output
    assert counts(engine) == before
    evaluators = json.loads(run("ledger", "evaluators", "--db", backend_url, "--format", "json").stdout)
    assert {e["evaluator_id"] for e in evaluators} >= {"p-01", "ev-r1", "E1", "ev-07"}
    assert set(evaluators[0]) >= {"evaluator_id", "name", "tenders", "cells", "leniency", "trimmed_high",
                                  "trimmed_low", "conflicts", "repeated_favouritism"}  # fmt: skip
    engine.dispose()


def _tampered(source: Path, target: Path) -> Path:
    """One raw score changed in the archived score file, its hash rewritten in the manifest."""
    from tests.audit.test_old_archives import doctor

    def change(data: bytes) -> bytes:
        return data.replace(b"methodology: 27\n", b"methodology: 29\n", 1)

    with zipfile.ZipFile(source) as archive:
        assert b"methodology: 27\n" in archive.read("inputs/bids/scores/p-01.yaml")
    return doctor(source, target, "inputs/bids/scores/p-01.yaml", change)


def test_questions_need_a_ledger(tmp_path):
    result = run("ledger", "evaluators", "--db", tmp_path / "none.sqlite3")
    assert result.exit_code == 1
    assert "no ledger here" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "none.sqlite3").exists()


def test_an_unreadable_archive_is_refused_with_its_reason(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = run("ledger", "add", junk, "--db", tmp_path / "l.sqlite3")
    assert result.exit_code == 1
    assert "refused" in result.output and "junk.zip" in result.output


def test_one_evaluators_history(tmp_path, checked_samples):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    filled(url, checked_samples).dispose()
    history = json.loads(run("ledger", "evaluators", "--db", url, "--evaluator", "ev-04", "--format", "json",
                             "--lang", "en").stdout)  # fmt: skip
    assert [(h["tender"], h["round"], h["cells"], h["conflicts"]) for h in history] == [("nipa-gpu-2025", 1, 21, 1)]
    assert history[0]["leniency"] == str(leniency_from_score_files("nipa-gpu-2025")["ev-04"])
    missing = run("ledger", "evaluators", "--db", url, "--evaluator", "nobody")
    assert missing.exit_code == 1 and "no evaluator 'nobody'" in missing.stderr
