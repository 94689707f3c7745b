"""The office's review of prospects on the live server: the duplicate check against every customer
(never told to the agent), accept as a customer, merge into one (of any agent: the scope follows),
two office users at once, and bad requests."""

from __future__ import annotations

import threading
import uuid

import pytest

from sfa_server.changes import upsert_rows
from sfa_server.models import Activity, Customer, ProspectReview, Quote
from tests.server.conftest import Env, apply_changes, command

VAT = "00743110157"  # a valid partita IVA


@pytest.fixture(scope="module", autouse=True)
def _a_customer_of_bruno_with_a_vat_number(env: Env) -> None:
    with env.sessions.begin() as s:
        upsert_rows(s, "customers", [{"id": env.world.customers["bruno"][0], "vat_number": VAT,
                                      "name": "Elettroforniture Rossi S.r.l."}])


def _prospect(env: Env, agent: str = "anna", *, name: str = "Elettroforniture Rossi Srl", vat: str | None = VAT,
              with_documents: bool = False) -> str:
    api = env.api(agent)
    cid = str(uuid.uuid4())
    payload = {"customer_id": cid, "name": name, "city": "Milano", "street": "Via Roma 2"}
    if vat:
        payload["vat_number"] = vat
    cmds = [command("prospect.create", **payload)]
    if with_documents:
        cmds.append(command("quote.save", quote_id=str(uuid.uuid4()), customer_id=cid,
                            lines=[{"product_id": "prod-2", "quantity": "3"}]))
        cmds.append(command("activity.log", activity_id=str(uuid.uuid4()), customer_id=cid, kind="visit",
                            subject="Prima visita"))
    results = api.push(*cmds)
    assert all(r["status"] == "applied" for r in results), results
    # the answer says nothing of what the office will see
    assert set(results[0]["server"]) == {"customer_id", "status"}
    api.close()
    return cid


def test_the_office_sees_the_duplicates_the_agent_never_does(env: Env) -> None:
    cid = _prospect(env)
    anna, olga = env.api("anna"), env.api("olga")
    _c, changes = anna.pull_all()
    review = next(c["row"] for c in changes if c["s"] == "prospect_reviews" and c["id"] == cid)
    assert review["status"] == "pending" and review["customer_id"] == cid
    assert "candidates" not in review and "decided_by" not in review  # wire fields only
    assert not any(c["id"] == env.world.customers["bruno"][0] for c in changes)
    listed = olga.get("/office/prospects").json()["prospects"]
    mine = next(p for p in listed if p["id"] == cid)
    assert mine["status"] == "pending" and mine["agent_username"] == "anna" and mine["street"] == "Via Roma 2"
    best = mine["candidates"][0]
    assert best["customer_id"] == env.world.customers["bruno"][0] and best["agent_username"] == "bruno"
    assert best["score"] >= 0.99 and "same VAT number" in best["reasons"]
    detail = olga.get(f"/office/prospects/{cid}")
    assert detail.status_code == 200 and detail.json()["candidates"] == mine["candidates"]
    anna.close()
    olga.close()


def test_accepted_as_a_customer_of_another_agent(env: Env) -> None:
    cid = _prospect(env, vat=None, name="Nuova Luce S.n.c.")
    anna, bruno, olga = env.api("anna"), env.api("bruno"), env.api("olga")
    replica_a: dict = {}
    ca, changes = anna.pull_all()
    apply_changes(replica_a, changes)
    cb, _ = bruno.pull_all()
    r = olga.post(f"/office/prospects/{cid}/accept", json={"erp_code": "C90001", "price_list_id": "pl-b",
                                                           "agent_id": env.world.users["bruno"], "note": "Benvenuto"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["customer_id"], body["agent_id"], body["decided_by"]) == (
        "accepted", cid, env.world.users["bruno"], "olga")
    ca, changes = anna.pull_all(ca)
    apply_changes(replica_a, changes)
    assert cid not in replica_a["customers"]  # bruno's now
    assert replica_a["prospect_reviews"][cid]["status"] == "accepted"
    assert replica_a["prospect_reviews"][cid]["note"] == "Benvenuto"
    cb, changes = bruno.pull_all(cb)
    got = {c["id"]: c for c in changes}
    assert got[cid]["row"]["status"] == "active" and got[cid]["row"]["erp_code"] == "C90001"
    assert got[cid]["row"]["price_list_id"] == "pl-b"
    assert olga.get("/office/prospects", params={"status": "accepted"}).json()["prospects"][-1]["erp_code"] == \
        "C90001"
    for api in (anna, bruno, olga):
        api.close()


def test_merged_into_a_customer_of_another_agent_moves_its_documents_and_the_scope(env: Env) -> None:
    cid = _prospect(env, with_documents=True)
    target = env.world.customers["bruno"][0]
    with env.sessions() as s:
        quote_id = s.query(Quote.id).filter(Quote.customer_id == cid).scalar()
        activity_id = s.query(Activity.id).filter(Activity.customer_id == cid).scalar()
    anna, bruno, olga = env.api("anna"), env.api("bruno"), env.api("olga")
    replica_a: dict = {}
    replica_b: dict = {}
    ca, changes = anna.pull_all()
    apply_changes(replica_a, changes)
    cb, changes = bruno.pull_all()
    apply_changes(replica_b, changes)
    assert quote_id in replica_a["quotes"] and quote_id not in replica_b.get("quotes", {})
    r = olga.post(f"/office/prospects/{cid}/merge", json={"customer_id": target, "note": "È Rossi"})
    assert r.status_code == 200, r.text
    assert r.json()["moved"] == {"quotes": 1, "activities": 1} and r.json()["customer_id"] == target
    ca, changes = anna.pull_all(ca)
    apply_changes(replica_a, changes)
    cb, changes = bruno.pull_all(cb)
    apply_changes(replica_b, changes)
    # anna: the prospect, its address, its quote (with its lines) and its visit are gone
    assert cid not in replica_a["customers"] and f"{cid}-billing" not in replica_a["addresses"]
    assert quote_id not in replica_a["quotes"] and activity_id not in replica_a["activities"]
    assert not any(line["quote_id"] == quote_id for line in replica_a["quote_lines"].values())
    review = replica_a["prospect_reviews"][cid]
    assert review["status"] == "merged" and review["customer_id"] is None  # anna is not told which customer
    # bruno: the quote, its lines and the visit, on his customer
    assert replica_b["quotes"][quote_id]["customer_id"] == target
    assert any(line["quote_id"] == quote_id for line in replica_b["quote_lines"].values())
    assert replica_b["activities"][activity_id]["customer_id"] == target
    with env.sessions() as s:
        assert s.get(Customer, cid) is None and s.get(ProspectReview, cid).merged_into == target
    for api in (anna, bruno, olga):
        api.close()


def test_merged_into_the_agents_own_customer_the_agent_learns_which(env: Env) -> None:
    cid = _prospect(env, vat=None, name="Cliente doppio", with_documents=True)
    target = env.world.customers["anna"][2]
    anna, olga = env.api("anna"), env.api("olga")
    replica_a: dict = {}
    ca, changes = anna.pull_all()
    apply_changes(replica_a, changes)
    r = olga.post(f"/office/prospects/{cid}/merge", json={"customer_id": target})
    assert r.status_code == 200, r.text
    ca, changes = anna.pull_all(ca)
    apply_changes(replica_a, changes)
    assert replica_a["prospect_reviews"][cid]["customer_id"] == target
    assert [a["customer_id"] for a in replica_a["activities"].values() if a["subject"] == "Prima visita"][-1] == target
    anna.close()
    olga.close()


def test_two_office_users_decide_at_once_one_wins(env: Env) -> None:
    cid = _prospect(env, vat=None, name="Ditta contesa")
    olga, otto = env.api("olga"), env.api("otto")
    barrier = threading.Barrier(2)
    answers: dict[str, object] = {}

    def accept() -> None:
        barrier.wait()
        answers["olga"] = olga.post(f"/office/prospects/{cid}/accept", json={"erp_code": "C90002"})

    def merge() -> None:
        barrier.wait()
        answers["otto"] = otto.post(f"/office/prospects/{cid}/merge",
                                    json={"customer_id": env.world.customers["anna"][0]})

    threads = [threading.Thread(target=accept), threading.Thread(target=merge)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r.status_code for r in answers.values())
    assert codes == [200, 409], [(r.status_code, r.text) for r in answers.values()]
    loser = next(r for r in answers.values() if r.status_code == 409)
    assert loser.json()["code"] == "already_decided"
    olga.close()
    otto.close()


def test_bad_requests(env: Env) -> None:
    cid = _prospect(env, vat=None, name="Ditta qualsiasi")
    olga, anna = env.api("olga"), env.api("anna")
    assert olga.get("/office/prospects/nobody").status_code == 404
    assert olga.post("/office/prospects/nobody/accept", json={"erp_code": "X1"}).status_code == 404
    assert olga.post(f"/office/prospects/{cid}/merge", json={"customer_id": "nobody"}).status_code == 422
    assert olga.post(f"/office/prospects/{cid}/merge", json={"customer_id": cid}).status_code == 422
    taken = olga.post(f"/office/prospects/{cid}/accept", json={"erp_code": "C90001"})  # accepted above
    assert taken.status_code == 409 and taken.json()["code"] == "erp_code_taken"
    assert olga.post(f"/office/prospects/{cid}/accept",
                     json={"erp_code": "C90003", "price_list_id": "nope"}).status_code == 422
    assert olga.post(f"/office/prospects/{cid}/accept",
                     json={"erp_code": "C90003", "agent_id": env.world.users["olga"]}).status_code == 422
    assert olga.post(f"/office/prospects/{cid}/accept", json={"erp_code": "C90003", "extra": 1}).status_code == 422
    assert olga.post(f"/office/prospects/{cid}/accept", json={"erp_code": "  "}).status_code == 422
    assert olga.get("/office/prospects", params={"status": "lost"}).status_code == 422
    assert anna.get("/office/prospects").status_code == 403  # agents do not review
    assert anna.post(f"/office/prospects/{cid}/accept", json={"erp_code": "C90003"}).status_code == 403
    # still pending after all that
    assert olga.get(f"/office/prospects/{cid}").json()["status"] == "pending"
    olga.close()
    anna.close()


def test_the_api_documents_its_answers(env: Env) -> None:
    olga = env.api("olga")
    spec = olga.http.get("/openapi.json").json()
    accept = spec["paths"]["/api/v1/office/prospects/{prospect_id}/accept"]["post"]
    assert set(accept["responses"]) >= {"200", "401", "403", "404", "409", "422"}
    assert accept["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ProspectDecisionPublic")
    listing = spec["paths"]["/api/v1/office/prospects"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ProspectListPublic")
    assert "DuplicateCandidatePublic" in spec["components"]["schemas"]
    olga.close()
