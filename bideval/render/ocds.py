"""The evaluation as an OCDS 1.1 release package (`bideval export ocds`), with the bids extension.

One `award` release for the evaluated round: the tender (title, procuring entity, award criteria and
their details — the rubric — and the call's lots), the parties (the issuer; every bidder, and every
member of a consortium, with their roles), the bids (one detail per bid: status, value, tenderers, and
its scores as the extension allows them: in an evaluation-report document), bid statistics, and one
award per winner (`pending` for a recommended negotiated contract, `active` for an award). Earlier
rounds of the call are told in the tender's description. Dates come from the rubric; the same
results give the same bytes. Pure: Result (+ consortium members) → JSON bytes.
"""

from __future__ import annotations

import json
import re

from bideval.engine.result import BidResult, Result
from bideval.model.bid import Member
from bideval.render import common
from bideval.render.common import Words
from bideval.render.html import input_digest
from bideval.render.i18n import t

BIDS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
# tender.lots and awards' relatedLots belong to the lots extension, declared when the call has lots.
LOTS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
# Not a registered prefix: a publisher registers its own with the Open Contracting Partnership (README).
DEFAULT_OCID_PREFIX = "ocds-bidevl"
OCID_PREFIX = re.compile(r"ocds-[a-z0-9]{6}")  # as the Open Contracting Partnership assigns them
ISSUER = "procuring-entity"  # the issuer's party id


def render_ocds(result: Result, lang: str, members: dict[str, list[Member]], ocid_prefix: str = DEFAULT_OCID_PREFIX) -> bytes:
    package = release_package(result, lang, members, ocid_prefix)
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def release_package(result: Result, lang: str, members: dict[str, list[Member]], ocid_prefix: str) -> dict:
    rubric = result.rubric
    day = f"{rubric.evaluation_date.isoformat()}T00:00:00Z"
    ocid = f"{ocid_prefix}-{rubric.id}"
    release = {
        "ocid": ocid,
        "id": f"{rubric.id}-evaluation-{rubric.evaluation_date.isoformat()}",
        "date": day,
        "tag": ["award"],
        "initiationType": "tender",
        "language": lang,
        "parties": _parties(result, lang, members),
        "buyer": _issuer_reference(result, lang),
        "tender": _tender(result, lang),
        "bids": {"statistics": _statistics(result, day), "details": [_bid(result, bid, lang, members) for bid in result.bids]},
        "awards": _awards(result, lang, day),
    }
    return {
        # No address is known where the package will be published: a URN naming this evaluation's inputs.
        "uri": f"urn:bideval:{ocid}:{input_digest(result)}",
        "version": "1.1",
        "publishedDate": day,
        "publisher": {"name": rubric.issuer.text(lang)},
        "extensions": [BIDS_EXTENSION, LOTS_EXTENSION] if rubric.lots else [BIDS_EXTENSION],
        "releases": [release],
    }


def _issuer_reference(result: Result, lang: str) -> dict:
    return {"id": ISSUER, "name": result.rubric.issuer.text(lang)}


def _parties(result: Result, lang: str, members: dict[str, list[Member]]) -> list[dict]:
    winners = set(_winners(result))
    parties = [{**_issuer_reference(result, lang), "roles": ["buyer", "procuringEntity"]}]
    for bid in result.bids:
        roles = ["tenderer", "supplier"] if bid.bidder_id in winners else ["tenderer"]
        parties.append({"id": bid.bidder_id, "name": bid.name.text(lang), "roles": roles})
        for member_id, member in _members(bid, members):
            details = {"consortium": bid.bidder_id, "share": float(member.share)}
            if member.role:
                details["consortiumRole"] = member.role
            parties.append({"id": member_id, "name": member.name.text(lang), "roles": ["tenderer"], "details": details})
    return parties


def _members(bid: BidResult, members: dict[str, list[Member]]) -> list[tuple[str, Member]]:
    return [(f"{bid.bidder_id}-member-{n}", m) for n, m in enumerate(members.get(bid.bidder_id, []), start=1)]


def _tender(result: Result, lang: str) -> dict:
    rubric = result.rubric
    kinds = [result.outcome.lots[lot.id].kind for lot in rubric.lots] or [result.outcome.kind]
    tender = {
        "id": rubric.id,
        "title": rubric.title.text(lang),
        "status": _tender_status(kinds),
        "procuringEntity": _issuer_reference(result, lang),
        "awardCriteria": _award_criteria(result),
        "awardCriteriaDetails": "\n".join(_criteria_lines(result, lang) + common.rules_text(result, lang)),
        "numberOfTenderers": len(result.bids),
    }
    rounds = common.rounds_lines(result, lang) if len(result.outcome.rounds) > 1 else []
    if rounds:
        tender["description"] = "\n".join(rounds)
    if rubric.lots:
        tender["lots"] = [{"id": lot.id, "title": lot.label.text(lang),
                           "status": _tender_status([result.outcome.lots[lot.id].kind])}
                          for lot in rubric.lots]  # fmt: skip
    return tender


def _tender_status(kinds: list[str]) -> str:
    """complete once a winner is named (an award or a recommended negotiation); unsuccessful when the
    call failed; active while a tie waits to be settled by lot."""
    if any(kind in ("awarded", "negotiation") for kind in kinds):
        return "complete"
    return "active" if "tie_unresolved" in kinds else "unsuccessful"


def _award_criteria(result: Result) -> str:
    """priceOnly when every scored leaf reads the price, qualityOnly when none does, else ratedCriteria.
    A leaf reads the price through the Korean price rule or a metric or field named for it (price,
    price_per_pflops, price_per_public_pflops, facts.price_…)."""
    leaves = [c for c in result.rubric.criteria if c.method]
    on_price = [c.method == "korean_price" or "price" in (c.source or "") for c in leaves]
    if all(on_price):
        return "priceOnly"
    return "qualityOnly" if not any(on_price) else "ratedCriteria"


def _criteria_lines(result: Result, lang: str) -> list[str]:
    """The criteria tree, one line each: label (points): method — formula."""
    lines = []
    for lot in [None, *result.rubric.lots]:
        criteria = lot.criteria if lot is not None else result.rubric.criteria
        if lot is not None:
            if not lot.criteria:
                continue
            lines.append(t("lot.criteria_title", lang, lot=lot.label.text(lang)))
        for c in criteria:
            method = t(f"method.{c.method}", lang) if c.method else t("sum_of_children", lang)
            formula = f" — {c.formula.text(lang)}" if c.formula else ""
            lines.append(f"{'  ' * c.depth}{c.label.text(lang)} ({c.points}): {method}{formula}")
    return lines


def _bid(result: Result, bid: BidResult, lang: str, members: dict[str, list[Member]]) -> dict:
    tenderers = [{"id": bid.bidder_id, "name": bid.name.text(lang)}]
    tenderers += [{"id": member_id, "name": member.name.text(lang)} for member_id, member in _members(bid, members)]
    return {
        "id": bid.bidder_id,
        "status": "disqualified" if bid.status == "excluded" else "valid",
        "tenderers": tenderers,
        "value": {"amount": bid.price, "currency": result.rubric.currency},
        "documents": [{
            "id": f"{bid.bidder_id}-evaluation",
            "documentType": "evaluationReports",
            "title": f"{t('bidder_section', lang)}: {bid.name.text(lang)}",
            "description": "\n".join(_scores(result, bid, lang)),
            "language": lang,
        }],
    }  # fmt: skip


def _scores(result: Result, bid: BidResult, lang: str) -> list[str]:
    """The bid's evaluation in words: status, lot, rank and total, each criterion's score, stages,
    bonus and penalty points, and why it was not selected."""
    words = Words.of(result, lang)
    head = [f"{t('status', lang)}: {t('status.' + bid.status, lang)}"]
    if bid.lot:
        head.append(f"{t('lot', lang)}: {next(lot.label.text(lang) for lot in result.rubric.lots if lot.id == bid.lot)}")
    if bid.rank is not None:
        head.append(f"{t('rank', lang)}: {bid.rank}")
    if bid.total is not None:
        head.append(f"{t('total', lang)}: {bid.total} / {result.rubric.total_points}")
    lines = [" · ".join(head)]
    for info, score in common.criteria_rows(result, bid):
        shown = t("stages.not_reached", lang) if score is None else f"{score.score} / {info.points}"
        lines.append(f"{'  ' * info.depth}{info.label.text(lang)}: {shown}")
    if bid.stages:
        labels = {s.id: s.label.text(lang) for s in result.rubric.stages}
        lines.append(f"{t('stages.title', lang)}: " + "; ".join(f"{labels.get(s.id, s.id)} {common.stage_cell(s, lang)}"
                                                               for s in bid.stages))  # fmt: skip
    if bid.adjustments:
        lines.append(f"{t('adj.title', lang)}: " + "; ".join(f"{a.label.text(lang)} {common.signed(a.points)}"
                                                            for a in bid.adjustments))  # fmt: skip
    lines += [common.reason_text(reason, words) for reason in bid.reasons]
    return lines


def _statistics(result: Result, day: str) -> list[dict]:
    """Bids, valid bids and the lowest and highest valid bid value: for the call, and per lot."""
    groups = [(None, result.bids)] + [(lot.id, [b for b in result.bids if b.lot == lot.id]) for lot in result.rubric.lots]
    statistics = []
    for lot, bids in groups:
        valid = [b.price for b in bids if b.status != "excluded"]
        suffix, related = (f"-{lot}", {"relatedLot": lot}) if lot else ("", {})
        rows = [("bids", len(bids), False), ("validBids", len(valid), False)]
        if valid:
            rows += [("lowestValidBidValue", min(valid), True), ("highestValidBidValue", max(valid), True)]
        for measure, value, money in rows:
            row = {"id": f"{measure}{suffix}", "measure": measure, "value": value, "date": day, **related}
            if money:
                row["currency"] = result.rubric.currency
            statistics.append(row)
    return statistics


def _winners(result: Result) -> list[str]:
    if result.rubric.lots:
        return [w for lot in result.rubric.lots for w in result.outcome.lots[lot.id].winners]
    return list(result.outcome.winners)


def _awards(result: Result, lang: str, day: str) -> list[dict]:
    """One award per winner: active for an award, pending for a recommended negotiated contract."""
    if result.rubric.lots:
        decided = [(lot.id, result.outcome.lots[lot.id].kind, result.outcome.lots[lot.id].winners,
                    common.lot_outcome_text(result, lot, lang)) for lot in result.rubric.lots]  # fmt: skip
    else:
        decided = [(None, result.outcome.kind, result.outcome.winners, common.outcome_text(result, lang))]
    awards = []
    for lot, kind, winners, outcome in decided:
        for bidder in winners:
            bid = result.bid(bidder)
            award = {
                "id": f"{result.rubric.id}-award-{bidder}",
                "title": f"{result.rubric.title.text(lang)}: {bid.name.text(lang)}",
                "description": outcome,
                "status": "pending" if kind == "negotiation" else "active",
                "date": day,
                "value": {"amount": bid.price, "currency": result.rubric.currency},
                "suppliers": [{"id": bidder, "name": bid.name.text(lang)}],
                "relatedBid": bidder,
            }
            if lot is not None:
                award["relatedLots"] = [lot]
            awards.append(award)
    return awards
