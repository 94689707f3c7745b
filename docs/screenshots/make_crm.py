"""Screenshots of the CRM screens (agenda, deals, the agent's figures) in Italian and English.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_crm.py [--workdir DIR]

An embedded server with the small demo company, agent ag01 after a first sync (the pyramid ranked),
a few activities planned this week (one overdue, one done with its next action) and deals moved
through their stages, so every screen shows what an agent's week looks like. Each screen is drawn at
1280x800; a dialog is drawn over its screen. Writes docs/screenshots/{it,en}/crm-*.png.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QPainter, QPen, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from sfa_desktop import i18n  # noqa: E402
from sfa_desktop.demo import AGENT, EmbeddedServer, _load_server  # noqa: E402
from sfa_desktop.domain.lifecycle import DealStage  # noqa: E402
from sfa_desktop.operations import complete_activity, move_deal, plan_activity, save_deal  # noqa: E402
from sfa_desktop.operations.pyramid import refresh_crm  # noqa: E402
from sfa_desktop.operations.read.customers import customer_ids  # noqa: E402
from sfa_desktop.session import AgentSession  # noqa: E402

SIZE = (1280, 800)
OUT = ROOT / "docs" / "screenshots"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute).astimezone()


def prepare(session: AgentSession) -> dict[str, str]:
    """A week of work: visits and calls planned, one overdue, one done with its next action; deals."""
    session.write(lambda s: refresh_crm(s))
    customers = session.read(lambda s: customer_ids(s, sort="name"))
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    plans = [
        (0, 0, 9, "visit", "Presentazione catalogo primavera", 60),
        (1, 0, 15, "call", "Conferma consegna cavi", 15),
        (2, 1, 10, "visit", "Sopralluogo nuovo magazzino", 90),
        (3, 2, 11, "meeting", "Riunione con l'ufficio tecnico", 60),
        (4, 3, 9, "visit", "Rinnovo listino 2027", 45),
        (5, 4, 14, "call", "Richiamo per l'offerta quadri elettrici", 20),
        (6, 4, 16, "visit", "Visita di cortesia", 30),
    ]
    ids: dict[str, str] = {}
    for n, (customer, weekday, hour, kind, subject, minutes) in enumerate(plans):
        day = monday + dt.timedelta(days=weekday)
        ids[f"plan{n}"] = session.write(lambda s, c=customers[customer], d=day, h=hour, k=kind, t=subject, m=minutes:
                                        plan_activity(s, customer_id=c, kind=k, subject=t, planned_at=_at(d, h),
                                                      duration_minutes=m)).created
    overdue_day = today - dt.timedelta(days=2)
    ids["overdue"] = session.write(lambda s: plan_activity(
        s, customer_id=customers[5], kind="call", subject="Sollecito pagamento fattura di ottobre",
        planned_at=_at(overdue_day, 10), duration_minutes=15)).created
    # a visit of this morning already done, with its next action (earlier today than now, whenever it runs)
    local_now = dt.datetime.now().astimezone()
    visit_at = max(_at(today, 0, 5), (local_now - dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0))
    done = session.write(lambda s: plan_activity(
        s, customer_id=customers[6], kind="visit", subject="Visita per il nuovo cantiere",
        planned_at=visit_at, duration_minutes=45)).created
    if visit_at + dt.timedelta(minutes=30) < local_now:
        session.write(lambda s: complete_activity(
            s, activity_id=done, outcome="Interessato ai corpi illuminanti LED; vuole il listino aggiornato",
            done_at=visit_at + dt.timedelta(minutes=30), next_action="Inviare il listino aggiornato",
            next_action_at=_at(today + dt.timedelta(days=2), 9)))
    ids["done"] = done
    deals = [
        (0, "Illuminazione nuovo magazzino", "contatto", "18500"),
        (1, "Quadri elettrici capannone B", "offerta", "42000"),
        (2, "Fornitura cavi cantiere Via Roma", "offerta", "7800"),
        (3, "Impianto domotica uffici", "contatto", "12500"),
        (4, "Rinnovo illuminazione negozio", "contatto", "5600"),
        (7, "Gruppo di continuità sala server", "contatto", "9300"),
        (8, "Automazione cancelli", "contatto", "3900"),
    ]
    for customer, title, stage, amount in deals:
        ids[title] = session.write(lambda s, c=customers[customer], t=title, st=stage, a=amount: save_deal(
            s, customer_id=c, title=t, stage=st, amount=Decimal(a),
            expected_close=today + dt.timedelta(days=45))).created
    session.write(lambda s: move_deal(s, deal_id=ids["Quadri elettrici capannone B"], stage="rilancio",
                                      reason="Il cliente chiede il 5% in più di sconto"))
    session.write(lambda s: move_deal(s, deal_id=ids["Quadri elettrici capannone B"], stage="sollecito"))
    session.write(lambda s: move_deal(s, deal_id=ids["Impianto domotica uffici"], stage="rinvio",
                                      expected_close=today + dt.timedelta(days=90), reason="Budget slittato"))
    session.write(lambda s: move_deal(s, deal_id=ids["Gruppo di continuità sala server"], stage="sospensione"))
    session.write(lambda s: move_deal(s, deal_id=ids["Automazione cancelli"], stage="chiuso_vinto"))
    session.write(lambda s: move_deal(s, deal_id=ids["Rinnovo illuminazione negozio"], stage="chiuso_perso",
                                      reason="Concorrente più economico dell'8%"))
    return ids


def settle(app: QApplication, ctx, rounds: int = 30) -> None:
    """The reads answered and the views laid out (a list lays its items out again on a short timer)."""
    for _ in range(rounds):
        ctx.runner.wait_idle()
        ctx.bridge.flush()
        app.processEvents()
        time.sleep(0.01)


def shot(widget: QWidget, name: str, lang: str, dialog: QWidget | None = None) -> Path:
    widget.resize(*SIZE)
    picture = widget.grab()
    if dialog is not None:
        dialog.adjustSize()
        over = dialog.grab()
        canvas = QPixmap(picture)
        painter = QPainter(canvas)
        painter.fillRect(canvas.rect(), Qt.GlobalColor.transparent)
        painter.setOpacity(0.45)
        painter.fillRect(canvas.rect(), Qt.GlobalColor.black)
        painter.setOpacity(1)
        at = QPoint((SIZE[0] - over.width()) // 2, (SIZE[1] - over.height()) // 3)
        painter.drawPixmap(at, over)
        painter.setPen(QPen(widget.palette().color(widget.palette().ColorRole.Mid), 1))
        painter.drawRect(at.x() - 1, at.y() - 1, over.width() + 1, over.height() + 1)
        painter.end()
        picture = canvas
    path = OUT / lang / f"crm-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(str(path))
    return path


def screens(app: QApplication, ctx, ids: dict[str, str], lang: str) -> list[Path]:
    from sfa_desktop.ui.agenda.dialogs import OutcomeDialog
    from sfa_desktop.ui.deals.dialogs import MoveDialog
    from sfa_desktop.ui.pages.agenda import AgendaPage
    from sfa_desktop.ui.pages.deals import DealsPage
    from sfa_desktop.ui.pages.figures import FiguresPage

    i18n.set_language(lang)
    out = []
    agenda = AgendaPage(ctx)
    agenda.resize(*SIZE)
    agenda.show()
    settle(app, ctx)
    out.append(shot(agenda, "agenda-day", lang))
    agenda.set_view("week")
    settle(app, ctx)
    out.append(shot(agenda, "agenda-week", lang))
    agenda.set_view("day")
    agenda.show_target(ids["plan0"] if dt.date.today().weekday() != 0 else ids["plan1"])
    settle(app, ctx)
    item = agenda.current_item() or agenda.day_items.record(0)
    if item is None:
        agenda.show_target(ids["overdue"])
        settle(app, ctx)
        item = agenda.current_item()
    dialog = OutcomeDialog(ctx, item, agenda)
    dialog.outcome.setPlainText("Ordine di 40 plafoniere LED confermato a voce; attende il preventivo firmato"
                                if lang == "it" else "Order of 40 LED ceiling lights agreed; waits for the signed "
                                                     "quote")
    dialog.next_action.setText("Richiamare per la firma" if lang == "it" else "Call back for the signature")
    settle(app, ctx, 5)
    out.append(shot(agenda, "outcome-dialog", lang, dialog))
    dialog.reject()
    agenda.close()

    deals = DealsPage(ctx)
    deals.resize(*SIZE)
    deals.show()
    settle(app, ctx)
    out.append(shot(deals, "deals-board", lang))
    deals.show_target(ids["Quadri elettrici capannone B"])
    settle(app, ctx)
    out.append(shot(deals, "deal-history", lang))
    card = deals.board.card(ids["Fornitura cavi cantiere Via Roma"])
    move = MoveDialog(ctx, card, DealStage.CHIUSO_PERSO, deals)
    move.save()  # empty: the reason is required, said in place
    settle(app, ctx, 5)
    out.append(shot(deals, "lost-reason-dialog", lang, move))
    move.reject()
    deals.close()

    figures = FiguresPage(ctx)
    figures.resize(*SIZE)
    figures.show()
    settle(app, ctx)
    out.append(shot(figures, "figures", lang))
    figures.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="sfa-shots-crm-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("*"):
        if old.is_file():
            old.unlink()
    database_url = f"sqlite:///{workdir / 'server.sqlite'}"
    _load_server(database_url, "small", 1)
    server = EmbeddedServer(database_url)
    server.start()
    app = QApplication.instance() or QApplication(sys.argv)
    from sfa_desktop.ui.background import Runner
    from sfa_desktop.ui.bridge import EventBridge
    from sfa_desktop.ui.context import AppContext

    session = AgentSession(workdir / "agent.sfadb", device_name="screenshots")
    try:
        session.sign_in_first_time(server_url=server.url, username=AGENT[0], password=AGENT[1])
        session.sync()
        ids = prepare(session)
        runner, bridge = Runner(session), EventBridge(session.events)
        ctx = AppContext(session=session, runner=runner, bridge=bridge)
        for lang in ("it", "en"):
            for path in screens(app, ctx, ids, lang):
                print(path.relative_to(ROOT))
        runner.close()
        bridge.close()
    finally:
        session.close()
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
