"""The committee's writing in the outputs (issue 22): comments in results.json and report.pdf, the
revisions appendix, a moderated panel, and the public edition without the confidential bid fields."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from pypdf import PdfReader

from bideval.audit.verify import verify_archive
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.render.html import render_html
from bideval.render.json import render_json
from bideval.render.pdf import render_pdf
from tests.audit.test_old_archives import doctor, results_change
from tests.conftest import KR, NIPA, run
from tests.load.test_committee_checks import kr, moderated  # noqa: F401 (kr is a fixture)

COMMENT = "현행 시스템 분석이 개략적이고 연계 대상 시스템 목록이 빠져 있음."


def pdf_text(payload: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages)


def test_a_comment_is_kept_in_results_json_and_printed_under_its_panel():
    result = evaluate(load_inputs(*KR))
    written = json.loads(render_json(result))
    alpha = next(b for b in written["bids"] if b["bidder_id"] == "alpha-soft")
    panel = next(c["panel"] for c in alpha["criteria"] if c["id"] == "understanding")
    assert next(p for p in panel["scores"] if p["evaluator"] == "p-07")["comment"].startswith(COMMENT)
    assert written["revisions"][0]["reason"] == "발표평가 질의응답 후 조정 (현행 시스템 분석 보완 없음)"
    text = " ".join(pdf_text(render_pdf(result, "ko")).split())
    assert "평가의견" in text and "배나래 · 사업 이해도: " + COMMENT in text
    assert "점수 수정 내역" in text and "발표평가 질의응답 후 조정" in text
    english = render_html(result, "en")
    assert "Evaluators&#39; comments" in english and "Score revisions" in english


def test_comments_are_escaped_in_the_report(kr):  # noqa: F811
    rubric, bids = kr
    scores = bids / "scores" / "p-04.yaml"
    text = scores.read_text(encoding="utf-8")
    hostile = '<img src="file:///etc/passwd"> <script>alert(1)</script> =1+1'
    scores.write_text(text.replace("    track-record: 유사 규모", f"    track-record: '{hostile} 유사 규모"
                                   ).replace("모두 정상 준공 확인.", "모두 정상 준공 확인.'"), encoding="utf-8")  # fmt: skip
    html = render_html(evaluate(load_inputs(rubric, bids)), "en")
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt; &lt;script&gt;alert(1)&lt;/script&gt; =1+1" in html
    assert "<img src=" not in html and "<script>" not in html


def test_a_moderated_panel_is_reported_with_its_agreed_scores(kr, tmp_path):  # noqa: F811
    moderated(kr)
    result = evaluate(load_inputs(*kr))
    html = render_html(result, "en")
    assert "Agreed score" in html and "Why the panel agreed" in html and "발표 후 위원 합의" in html
    assert 'class="n recorded"' in html and "dropped" not in html.split("Agreed score")[1].split("</table>")[0]
    out = tmp_path / "out"
    assert run("evaluate", *kr, "--out", out, "--format", "json", "--archive").exit_code == 0
    assert run("report", out / "results.json", "--lang", "en").exit_code == 0  # read back and checked
    assert verify_archive(out / "archive.zip").ok


def test_a_comment_changed_in_an_archived_results_json_fails_verify(tmp_path):
    """The archive's results.json says p-07 wrote something else (its hash rewritten in the manifest):
    the re-run from the archived score files disagrees, and verify names the comment."""
    out = tmp_path / "out"
    assert run("evaluate", *KR, "--out", out, "--format", "json", "--archive").exit_code == 0

    def edit(results):
        bid = next(b for b in results["bids"] if b["bidder_id"] == "alpha-soft")
        panel = next(c["panel"] for c in bid["criteria"] if c["id"] == "understanding")
        next(p for p in panel["scores"] if p["evaluator"] == "p-07")["comment"] = "Excellent analysis."

    doctored = doctor(out / "archive.zip", tmp_path / "doctored.zip", "results.json", results_change(edit))
    verdict = verify_archive(doctored)
    assert not verdict.ok
    assert verdict.decision[0].startswith("bid alpha-soft: criteria.understanding.panel.scores.p-07.comment archived "
                                          "Excellent analysis., now 현행 시스템")  # fmt: skip


def test_the_public_edition_leaves_out_every_confidential_field(tmp_path):
    """The NIPA sample with `confidential: [price, financing.committed]`: the internal report prints
    each bid's price and committed financing; the public one none of them (nor price per petaflop),
    says so on its cover, and still prints the scores and the evaluators' names."""
    rubric = tmp_path / NIPA[0].name
    rubric.write_text(NIPA[0].read_text(encoding="utf-8") + "confidential: [price, financing.committed]\n",
                      encoding="utf-8")  # fmt: skip
    shutil.copytree(NIPA[1], tmp_path / "bids")
    inputs = load_inputs(rubric, tmp_path / "bids")
    result = evaluate(inputs)
    secrets = [f"{bid.price:,}" for bid, _ in inputs.bids]
    secrets += [f"{bid.financing.committed:,}" for bid, _ in inputs.bids if bid.financing.committed]
    secrets += [str(b.metrics["price_per_pflops"]) for b in result.bids if b.metrics.get("price_per_pflops")]
    internal = " ".join(pdf_text(render_pdf(result, "en")).split())
    public = " ".join(pdf_text(render_pdf(result, "en", edition="public")).split())
    assert all(secret in internal for secret in secrets[:4]), "the internal edition prints the prices"
    assert [secret for secret in secrets if secret in public] == []
    assert "Public edition (as published after the award)" in public and "confidential" in public
    assert "89.7085" in public and "Kim Minjun" in public  # a total and an evaluator: still published
