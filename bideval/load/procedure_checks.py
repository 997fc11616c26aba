"""Checks of a rubric's procedure (issue 18) that need the whole rubric, the catalog or the bids:
rounds, the suitability check, stages, bonus and penalty items, lots and each bid's lot.

Every problem names the place in the file it comes from, like the other checks (load.checks).
"""

from __future__ import annotations

from bideval.errors import Problem
from bideval.load.checks import check_rubric, field_problem
from bideval.load.strict_yaml import Document
from bideval.model.bid import Bid
from bideval.model.catalog import Catalog
from bideval.model.rubric import Rubric


def check_procedure(rubric: Rubric, doc: Document) -> list[Problem]:
    return [*_rounds(rubric, doc), *_suitability(rubric, doc), *_stages(rubric, doc), *_adjustments(rubric, doc),
            *_lots(rubric, doc)]  # fmt: skip


def _rounds(rubric: Rubric, doc: Document) -> list[Problem]:
    """Rounds are numbered 1, 2, … in order; the last is the round evaluated, whose applicants are
    the bid files; an earlier round with fewer applicants than `award.min_valid_bids` failed (유찰)."""
    problems = []
    minimum = rubric.award.min_valid_bids
    last = len(rubric.rounds) - 1
    for i, entry in enumerate(rubric.rounds):
        where = ("rounds", i)
        if entry.round != i + 1:
            problems.append(doc.problem((*where, "round"), f"round {entry.round} is listed {_nth(i + 1)}: "
                                        "rounds are numbered 1, 2, … in the order they were announced"))  # fmt: skip
        if i == last:
            for key in ("applicants", "outcome"):
                if getattr(entry, key) is not None:
                    problems.append(doc.problem((*where, key), f"round {entry.round} is the round evaluated (the "
                                                f"last listed): its {key} come from the bids, not the rubric"))  # fmt: skip
            continue
        if entry.applicants is None:
            problems.append(doc.problem(where, f"round {entry.round} is an earlier round: say how many applied "
                                        "(applicants)"))  # fmt: skip
        elif entry.applicants < minimum and entry.outcome not in (None, "failed_tender"):
            problems.append(doc.problem((*where, "outcome"), f"round {entry.round} had {entry.applicants} "
                                        f"applicant(s), fewer than award.min_valid_bids ({minimum}): it failed "
                                        "(failed_tender), it cannot be " + entry.outcome))  # fmt: skip
        elif entry.applicants >= minimum and entry.outcome is None:
            problems.append(doc.problem(where, f"round {entry.round} had {entry.applicants} applicant(s), enough "
                                        f"for award.min_valid_bids ({minimum}): say its outcome and, in a note, "
                                        "why the call went on"))  # fmt: skip
    return problems


def _nth(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")


def _suitability(rubric: Rubric, doc: Document) -> list[Problem]:
    rule = rubric.suitability
    if rule is None:
        return []
    problems = []
    if len(rubric.rounds) < 2:
        problems.append(doc.problem(("suitability",), "a suitability check is for the sole applicant of a "
                                    "re-announced round: list the call's rounds (`rounds`), the evaluated one last"))  # fmt: skip
    if rule.min_total is not None and rule.min_total > rubric.total_points:
        problems.append(doc.problem(("suitability", "min_total"), f"min_total {rule.min_total} is more than the "
                                    f"rubric's {rubric.total_points} points"))  # fmt: skip
    if rule.after_adjustments and rubric.adjustments is None:
        problems.append(doc.problem(("suitability", "after_adjustments"), "after_adjustments needs `adjustments`"))
    return problems


def _stages(rubric: Rubric, doc: Document) -> list[Problem]:
    """Each stage names top-level criteria; every category is in exactly one stage."""
    problems = []
    if not rubric.stages:
        if "stage_scores" in doc.data:
            problems.append(doc.problem(("stage_scores",), "stage_scores needs `stages`"))
        return problems
    if len(rubric.stages) < 2:
        problems.append(doc.problem(("stages",), "stages need at least two stages (one stage is the whole rubric)"))
    for _, lot_rubric in rubric.lot_rubrics():
        problems += _stage_criteria(lot_rubric, doc)
    ids: list[str] = []
    for i, stage in enumerate(rubric.stages):
        if stage.id in ids:
            problems.append(doc.problem(("stages", i, "id"), f"stage id '{stage.id}' is used more than once"))
        ids.append(stage.id)
        rule = stage.passing
        tops = {top.id: top.points for top in rubric.criteria}
        maximum = sum((tops.get(cid, 0) for cid in stage.criteria), 0)
        if rule is not None and rule.min_score is not None and rule.min_score > maximum:
            problems.append(doc.problem(("stages", i, "pass", "min_score"), f"stage '{stage.id}' asks "
                                        f"{rule.min_score} points of its {maximum}"))  # fmt: skip
    weighted = any(stage.weight != 1 for stage in rubric.stages)
    if weighted and rubric.stage_scores == "last_stage":
        problems.append(doc.problem(("stage_scores",), "stage weights count only with stage_scores: weighted_sum"))
    return problems


def _stage_criteria(rubric: Rubric, doc: Document) -> list[Problem]:
    problems = []
    tops = [top.id for top in rubric.criteria]
    placed: dict[str, str] = {}
    for i, stage in enumerate(rubric.stages):
        for j, cid in enumerate(stage.criteria):
            where = ("stages", i, "criteria", j)
            if cid not in tops:
                known = any(node.id == cid for node in rubric.nodes())
                problems.append(doc.problem(where, f"stage '{stage.id}': '{cid}' is " + (
                    "not a top-level criterion (a stage holds whole categories)" if known else
                    f"not a criterion of this rubric; the categories are: {', '.join(tops)}")))  # fmt: skip
            elif cid in placed:
                problems.append(doc.problem(where, f"stage '{stage.id}': '{cid}' is already in stage '{placed[cid]}'"))
            else:
                placed[cid] = stage.id
    unplaced = [cid for cid in tops if cid not in placed]
    if unplaced:
        problems.append(doc.problem(("stages",), f"every category belongs to one stage; not in any: {', '.join(unplaced)}"))
    return problems


def _adjustments(rubric: Rubric, doc: Document) -> list[Problem]:
    technical = rubric.thresholds.technical
    if rubric.adjustments is None:
        if technical is not None and technical.after_adjustments:
            return [doc.problem(("thresholds", "technical", "after_adjustments"), "after_adjustments needs `adjustments`")]
        return []
    problems = []
    ids: list[str] = []
    for i, item in enumerate(rubric.adjustments.items):
        where = ("adjustments", "items", i)
        if item.id in ids:
            problems.append(doc.problem((*where, "id"), f"adjustment id '{item.id}' is used more than once"))
        ids.append(item.id)
        wanted = "bool" if item.rule == "boolean" else "number"
        key = "metric" if item.metric is not None else "field"
        message = field_problem(rubric, item.source, wanted)
        if message:
            problems.append(doc.problem((*where, key), f"adjustment '{item.id}' ({item.rule}): {message}"))
    return problems


def _lots(rubric: Rubric, doc: Document) -> list[Problem]:
    problems = []
    ids: list[str] = []
    for i, lot in enumerate(rubric.lots):
        if lot.id in ids:
            problems.append(doc.problem(("lots", i, "id"), f"lot id '{lot.id}' is used more than once"))
        ids.append(lot.id)
        if lot.criteria:  # its own criteria: checked as a rubric's are, located under the lot
            problems += check_rubric(rubric.for_lot(lot), doc, root=("lots", i))
    return problems


def check_lots_of_bids(rubric: Rubric, catalog: Catalog, rubric_doc: Document,
                       bids: list[tuple[Bid, Document]]) -> list[Problem]:  # fmt: skip
    """Each bid names one of the rubric's lots (and only a rubric with lots has them); each floor
    names GPUs of the catalog."""
    problems = []
    for i, lot in enumerate(rubric.lots):
        for j, floor in enumerate(lot.floors):
            for k, gpu in enumerate(floor.gpus):
                if gpu not in catalog.gpus:
                    problems.append(rubric_doc.problem(("lots", i, "floors", j, "gpus", k), f"lot '{lot.id}': unknown "
                                                       f"GPU '{gpu}'; the catalog has: {', '.join(sorted(catalog.gpus))}"))  # fmt: skip
    lots = [lot.id for lot in rubric.lots]
    for bid, doc in bids:
        if lots and bid.lot is None:
            problems.append(doc.problem(("bidder",), f"the rubric has lots ({', '.join(lots)}): say which one "
                                        "this bid is for (`lot:`)"))  # fmt: skip
        elif bid.lot is not None and not lots:
            problems.append(doc.problem(("lot",), f"lot '{bid.lot}': the rubric has no lots"))
        elif bid.lot is not None and bid.lot not in lots:
            problems.append(doc.problem(("lot",), f"unknown lot '{bid.lot}'; the rubric's lots are: {', '.join(lots)}"))
    return problems
