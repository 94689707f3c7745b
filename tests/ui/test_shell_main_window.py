"""The main window on a real, synced replica: sections and their shortcuts, pages not built yet,
navigate(), the global search, the status bar, the crash dialog, settings and the about box."""

from __future__ import annotations

import importlib.util
import types

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shell_support import locked_prefs, make_shell, open_shell, prefs

from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.main_window import LaterPage
from sfa_desktop.ui.pages import SECTIONS, module_name
from sfa_desktop.ui.search import SearchResultsModel


class RecordingPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def show_target(self, target: str) -> None:
        self.targets.append(target)


def _fake_section(monkeypatch, key: str) -> RecordingPage:
    page = RecordingPage()
    module = types.ModuleType(module_name(key))
    module.create = lambda ctx: page  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, module_name(key), module)
    return page


def test_ctrl_1_to_8_open_each_section_and_unbuilt_ones_say_so(open_shell, qtbot):
    window = open_shell.window
    for number, section in enumerate(SECTIONS, start=1):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        assert window.current_key() == section.key
        page = window.stack.currentWidget()
        exists = importlib.util.find_spec(module_name(section.key)) is not None
        assert isinstance(page, LaterPage) != exists, section.key
        if not exists:
            assert "versione successiva" in page.title.text()
    assert window.pages["sync"].objectName() == "syncPage"


def test_a_missing_dependency_of_a_page_is_a_bug_not_a_later_section(open_shell, monkeypatch):
    window = open_shell.window

    def broken(name):
        raise ModuleNotFoundError("No module named 'reportlab_charts'", name="reportlab_charts")

    monkeypatch.setattr("sfa_desktop.ui.main_window.importlib.import_module", broken)
    with pytest.raises(ModuleNotFoundError):
        window.page("deals")


def test_navigate_shows_the_section_and_opens_the_target(open_shell, monkeypatch):
    page = _fake_section(monkeypatch, "figures")
    open_shell.window.ctx.navigate("figures", "row-42")
    assert open_shell.window.current_key() == "figures" and page.targets == ["row-42"]


def test_global_search_groups_hits_and_enter_opens_the_first(open_shell, monkeypatch, qtbot, qtmodeltester):
    shell = open_shell
    page = _fake_section(monkeypatch, "customers")
    shell.window.pages.pop("customers", None)  # built at start, before the stand-in was installed
    from sfa_desktop.operations.read.customers import customer_ids, customer_rows

    name = shell.session.read(lambda s: customer_rows(s, customer_ids(s)[:1])[0].name)
    qtbot.keyClick(shell.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = shell.window.search
    assert search.isVisible() and search.focusWidget() is search.field
    with qtbot.wait_signal(search.answered, timeout=5000) as answer:
        qtbot.keyClicks(search.field, name.split()[0])
    assert answer.args[0] > 0
    headings = [h.title for h in search.model.hits if h.target_id is None]
    assert headings[0] == "Customers" and search.model.data(search.model.index(0)) == "Clienti"
    qtmodeltester.check(search.model, force_py=True)
    first = search.model.hits[search.view.currentIndex().row()]
    qtbot.keyClick(search.field, Qt.Key.Key_Return)
    assert not search.isVisible() and shell.window.current_key() == "customers"
    assert page.targets == [first.target_id]


def test_search_for_nothing_says_so(open_shell, qtbot):
    search = open_shell.window.search
    search.open_search()
    with qtbot.wait_signal(search.answered, timeout=5000) as answer:
        qtbot.keyClicks(search.field, "zzqxwv")
    assert answer.args[0] == 0 and "Nessun risultato" in search.hint.text()


def test_search_model_passes_the_model_tester_empty_and_full(qtmodeltester):
    from sfa_desktop.ui.search import Hit

    model = SearchResultsModel()
    qtmodeltester.check(model, force_py=True)
    model.set_hits([Hit("customers", None, "Customers"), Hit("customers", "c1", "Rossi S.r.l.", "Milano")])
    qtmodeltester.check(model, force_py=True)
    assert not model.flags(model.index(0)) & Qt.ItemFlag.ItemIsSelectable


def test_status_bar_shows_last_sync_waiting_changes_and_offline(open_shell, server, qtbot):
    from integration.helpers import place_order, some_customer_and_products

    shell = open_shell
    status = shell.window.status
    qtbot.wait_until(lambda: "Ultima sincronizzazione" in status.last_sync.text(), timeout=5000)
    assert status.connection.text() == "Connesso"
    customer, products = some_customer_and_products(shell.session.replica)
    place_order(shell.session.replica, customer_id=customer, lines=[(products[0], "1")])
    shell.session.announce(__import__("sfa_desktop.local_db.changes", fromlist=["Changes"]).Changes(outbox=True))
    qtbot.wait_until(lambda: status.waiting.text() == "1 modifica in attesa di invio", timeout=5000)
    server.stop()
    with qtbot.wait_signal(shell.sync.online_changed, timeout=20000):
        qtbot.keyClick(shell.window, Qt.Key.Key_F5)
    assert status.connection.text().startswith("Non connesso")
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert not shell.crash.shown
    server.start()
    with qtbot.wait_signal(shell.sync.synced, timeout=20000):
        qtbot.keyClick(shell.window, Qt.Key.Key_F5)
    qtbot.wait_until(lambda: status.connection.text() == "Connesso" and
                     status.waiting.text() == "Nulla in attesa di invio", timeout=5000)


def test_a_bug_is_logged_with_its_traceback_and_shown_once(open_shell, qtbot):
    shell = open_shell

    def broken(_agent):
        raise ZeroDivisionError("a bug in a screen")

    with qtbot.wait_signal(shell.crash.reported, timeout=5000) as first:
        ReplicaOp(None, broken).success(lambda _r: None).run(shell.runner)
    box = shell.crash.dialog
    assert box is not None and box.isVisible() and str(first.args[0]) in box.informativeText()
    text = first.args[0].read_text()
    assert "ZeroDivisionError: a bug in a screen" in text and "Traceback" in text
    box.close()
    with qtbot.wait_signal(shell.crash.reported, timeout=5000) as second:
        ReplicaOp(None, broken).success(lambda _r: None).run(shell.runner)
    assert second.args[0] != first.args[0] and second.args[0].exists()
    assert shell.crash.dialog is box and not box.isVisible()  # shown once


def test_settings_are_saved_and_applied(open_shell, qtbot):
    from sfa_desktop.ui.preferences import Preferences

    shell = open_shell
    shell.open_settings()
    dialog = shell.dialog
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.autolock.setValue(5)
    dialog.sync_minutes.setValue(30)
    dialog.server.setText("sfa.example.com")
    dialog.accept()
    assert "https://" in dialog.banner.text() and dialog.isVisible()
    dialog.server.setText("https://sfa.example.com")
    dialog.accept()
    saved = Preferences.load(shell.preferences.data_dir)
    assert (saved.language, saved.autolock_minutes, saved.sync_minutes, saved.server_url) == \
        ("en", 5, 30, "https://sfa.example.com")
    assert shell.idle.minutes == 5 and shell.session.auto_sync.policy.interval_minutes == 30


def test_about_box_names_the_version_and_where_files_are(open_shell):
    from importlib.metadata import version

    open_shell.open_about()
    text = open_shell.dialog.informativeText()
    assert version("sfa-desktop") in text and str(open_shell.session.replica_path) in text
    assert str(open_shell.preferences.log_folder) in text
