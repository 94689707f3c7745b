"""The demo agents' CRM: their agenda (visits and calls done with outcomes, planned ones, a few overdue
follow-ups), their deals with a stage history and linked quotes, and the office's review of the
prospects they brought in.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sfa_desktop.domain import prospects
from sfa_desktop.domain.lifecycle import DealStage, deal_stage_entry
from sfa_server.demo_data.vocabulary import LOST_REASONS
from sfa_server.erp_import import ids

#: Streams this module fills that the base demo does not, in the order they are loaded (after customers).
CRM_LOAD_ORDER = ("sales_history", "targets", "prospect_reviews")

OUTCOMES = {
    "visit": ("Interessato al nuovo listino: preparare offerta", "Cantiere in partenza a fine mese",
              "Ordine confermato a voce, arriva via mail", "Lamenta i tempi di consegna dell'ultimo ordine",
              "Chiede campionatura dei nuovi LED"),
    "call": ("Non risponde, richiamare", "Richiede sconto quantità sui cavi", "Offerta ricevuta, decide la settimana "
             "prossima", "Pagamento in arrivo a fine mese"),
    "email": ("Inviato catalogo fotovoltaico", "Mandata conferma d'ordine"),
    "meeting": ("Riunione con l'ufficio tecnico: capitolato approvato",),
}
SUBJECTS = {
    "visit": ("Visita in cantiere", "Presentazione nuovo catalogo", "Visita periodica", "Consegna campionatura"),
    "call": ("Telefonata per offerta", "Sollecito pagamento", "Richiamare per l'ordine"),
    "email": ("Invio listino", "Conferma condizioni"),
    "meeting": ("Riunione tecnica",),
    "task": ("Preparare offerta quadro elettrico", "Verificare disponibilità inverter"),
}
NEXT_ACTIONS = ("Richiamare per conferma", "Inviare offerta", "Fissare visita in cantiere", "Portare campionatura")
DEAL_TITLES = ("Impianto elettrico capannone", "Fornitura cavi cantiere", "Quadri elettrici nuova sede",
               "Illuminazione LED magazzino", "Impianto fotovoltaico 20 kWp", "Videosorveglianza uffici",
               "Ristrutturazione impianti scuola", "Rifacimento quadro generale")


def _moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A time on `day` in Italian working hours (stored in UTC; Italy is UTC+1 in winter)."""
    return dt.datetime(day.year, day.month, day.day, hour - 1, minute, tzinfo=dt.UTC)


def _working(day: dt.date, forward: bool) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1 if forward else -1)
    return day


def make_activities(rng: random.Random, customers: Sequence[Mapping[str, Any]], today: dt.date,
                    *, per_agent_done: int, per_agent_planned: int) -> list[dict[str, Any]]:
    """Per agent: activities done in the last 90 days (visits, calls, e-mails with outcomes, some with a
    next action and its follow-up), planned ones in the next two weeks, and a few overdue."""
    by_agent: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in customers:
        if c.get("agent_id"):
            by_agent[c["agent_id"]].append(c)
    rows: list[dict[str, Any]] = []
    n = 0
    for agent_id, mine in sorted(by_agent.items()):
        # the agent visits a part of the portfolio often and leaves some customers alone for months
        frequent = rng.sample(mine, max(1, len(mine) // 3))
        for _ in range(per_agent_done):
            n += 1
            customer = rng.choice(frequent if rng.random() < 0.7 else mine)
            kind = rng.choice(("visit", "visit", "visit", "call", "call", "email", "meeting"))
            day = _working(today - dt.timedelta(days=rng.randint(1, 90)), forward=False)
            done = _moment(day, rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
            aid = ids.erp_id("demo-activities", str(n))
            row = _activity(aid, customer, agent_id, kind, rng.choice(SUBJECTS[kind]), planned=done, done=done,
                            outcome=rng.choice(OUTCOMES[kind]), duration=rng.choice((15, 30, 45, 60, 90)))
            rows.append(row)
            if rng.random() < 0.25:  # a next action, and its follow-up in the agenda
                n += 1
                offset = rng.randint(2, 20)
                when = _moment(_working(day + dt.timedelta(days=offset), forward=True), rng.randint(9, 16))
                action = rng.choice(NEXT_ACTIONS)
                row["next_action"], row["next_action_at"] = action, when
                follow = ids.erp_id("demo-activities", str(n))
                state_done = when.date() < today - dt.timedelta(days=7)
                rows.append(_activity(follow, customer, agent_id, "call" if "Richiam" in action else "visit",
                                      action, planned=when, done=when if state_done else None,
                                      outcome="Fatto" if state_done else None, duration=30, follow_up_of=aid))
        for k in range(per_agent_planned):
            n += 1
            customer = rng.choice(mine)
            kind = rng.choice(("visit", "visit", "call", "task", "meeting"))
            # a few are overdue: planned in the last days and not done
            delta = -rng.randint(1, 5) if k % 8 == 0 else rng.randint(0, 14)
            day = _working(today + dt.timedelta(days=delta), forward=delta >= 0)
            when = _moment(day, rng.randint(8, 17), rng.choice((0, 30)))
            rows.append(_activity(ids.erp_id("demo-activities", str(n)), customer, agent_id, kind,
                                  rng.choice(SUBJECTS[kind]), planned=when, done=None, outcome=None,
                                  duration=rng.choice((30, 60, 90)) if kind in ("visit", "meeting") else 15))
    return rows


def _activity(aid: str, customer: Mapping[str, Any], agent_id: str, kind: str, subject: str, *,
              planned: dt.datetime | None, done: dt.datetime | None, outcome: str | None, duration: int | None,
              follow_up_of: str | None = None) -> dict[str, Any]:
    return {"id": aid, "customer_id": customer["id"], "agent_id": agent_id, "kind": kind, "subject": subject,
            "notes": None, "occurred_at": done or planned, "planned_at": planned, "duration_minutes": duration,
            "done_at": done, "outcome": outcome, "next_action": None, "next_action_at": None,
            "follow_up_of": follow_up_of}


_OPEN_PATHS = (
    (DealStage.CONTATTO,),
    (DealStage.CONTATTO, DealStage.OFFERTA),
    (DealStage.CONTATTO, DealStage.OFFERTA, DealStage.SOLLECITO),
    (DealStage.CONTATTO, DealStage.OFFERTA, DealStage.RILANCIO),
    (DealStage.CONTATTO, DealStage.OFFERTA, DealStage.RINVIO),
    (DealStage.CONTATTO, DealStage.OFFERTA, DealStage.SOSPENSIONE),
)


def make_deals(rng: random.Random, customers: Sequence[Mapping[str, Any]], quotes: list[dict[str, Any]],
               today: dt.date, *, per_agent: int) -> list[dict[str, Any]]:
    """Deals per agent with the path they took; sent, won and lost quotes get a deal of their own
    (quotes.deal_id is set on them), the rest are deals without a quote yet."""
    by_id = {c["id"]: c for c in customers}
    by_agent: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for c in customers:
        if c.get("agent_id"):
            by_agent[c["agent_id"]].append(c)
    rows: list[dict[str, Any]] = []
    n = 0
    for agent_id, mine in sorted(by_agent.items()):
        linked = [q for q in quotes if q["agent_id"] == agent_id and q["status"] in ("sent", "accepted", "lost")
                  and q["customer_id"] in by_id]
        for k in range(per_agent):
            n += 1
            quote = linked[k] if k < len(linked) else None
            customer = by_id[quote["customer_id"]] if quote else rng.choice(mine)
            if quote is None:
                path = list(rng.choice(_OPEN_PATHS[:2]))
                amount = Decimal(rng.randint(20, 400) * 100)
                started = today - dt.timedelta(days=rng.randint(3, 60))
            else:
                status = quote["status"]
                path = [DealStage.CONTATTO, DealStage.OFFERTA]
                if status == "accepted":
                    path.append(DealStage.CHIUSO_VINTO)
                elif status == "lost":
                    path.append(DealStage.CHIUSO_PERSO)
                else:
                    path = list(rng.choice(_OPEN_PATHS[1:]))
                amount = quote["taxable_total"]
                started = quote["created_at"].date() - dt.timedelta(days=rng.randint(3, 20))
            did = ids.erp_id("demo-deals", str(n))
            history = []
            at = _moment(_working(started, forward=False), 10)
            now = _moment(today, 7)
            for i, stage in enumerate(path):
                reason = None
                if stage is DealStage.CHIUSO_PERSO:
                    reason = (quote or {}).get("lost_reason") or rng.choice(LOST_REASONS)
                elif stage is DealStage.SOSPENSIONE:
                    reason = "Cantiere fermo in attesa dei permessi"
                history.append(deal_stage_entry(stage=stage, previous=path[i - 1] if i else None,
                                                at=min(at, now), reason=reason))
                at += dt.timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 6))
            final = path[-1]
            expected = today + dt.timedelta(days=rng.randint(10, 90))
            if final is DealStage.RINVIO:
                expected = today + dt.timedelta(days=rng.randint(45, 120))
            rows.append({"id": did, "customer_id": customer["id"], "agent_id": agent_id,
                         "title": rng.choice(DEAL_TITLES), "stage": final.value, "amount": amount,
                         "expected_close": None if final in (DealStage.CHIUSO_VINTO, DealStage.CHIUSO_PERSO)
                         else expected, "close_reason": history[-1]["reason"] if final in (
                             DealStage.CHIUSO_VINTO, DealStage.CHIUSO_PERSO) else None,
                         "updated_at": dt.datetime.fromisoformat(history[-1]["at"]), "stage_history": history})
            if quote is not None:
                quote["deal_id"] = did
    return rows


#: Prospects of each agent waiting for the office (the older ones came before the review existed).
PENDING_PER_AGENT = 20


def make_prospect_reviews(customers: Sequence[Mapping[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """The agents' latest prospects wait for the office's review, with the customers they may duplicate."""
    summaries = [prospects.CustomerSummary(c["id"], c["name"], c["vat_number"], c["tax_code"], c["phone"],
                                           c["email"], c["city"]) for c in customers]
    created = dt.datetime(today.year, today.month, today.day, 6, 0, tzinfo=dt.UTC) - dt.timedelta(days=2)
    rows = []
    waiting: dict[str, int] = defaultdict(int)
    for c, summary in zip(customers, summaries, strict=True):
        if c["status"] != "prospect" or not c.get("agent_id") or waiting[c["agent_id"]] >= PENDING_PER_AGENT:
            continue
        waiting[c["agent_id"]] += 1
        found = prospects.find_duplicates(summary, summaries)
        rows.append({"id": c["id"], "agent_id": c["agent_id"], "customer_id": c["id"], "name": c["name"],
                     "status": "pending", "note": None, "created_at": created, "decided_at": None,
                     "candidates": [{"customer_id": m.customer_id, "score": m.score, "reasons": list(m.reasons)}
                                    for m in found[:10]]})
    return rows


#: (activities done per agent in the last 90 days, planned per agent, deals per agent) by demo size.
VOLUMES = {"small": (40, 12, 8), "large": (500, 60, 150)}


def make_crm(rng: random.Random, catalog: Any, customers: Sequence[Mapping[str, Any]],
             agents: Sequence[Mapping[str, Any]], quotes: list[dict[str, Any]], today: dt.date,
             size: str) -> dict[str, list[dict[str, Any]]]:
    """Every CRM stream of the demo; sets deal_id on the quotes that belong to a deal."""
    from sfa_server.demo_data.history import make_sales_history, make_targets

    done, planned, deals = VOLUMES.get(size, VOLUMES["small"])
    sales = make_sales_history(random.Random(f"{rng.random()}:history"), catalog, customers, today)
    return {"sales_history": sales, "targets": make_targets(sales, customers, agents, today),
            "activities": make_activities(rng, customers, today, per_agent_done=done, per_agent_planned=planned),
            "deals": make_deals(rng, customers, quotes, today, per_agent=deals),
            "prospect_reviews": make_prospect_reviews(customers, today)}
