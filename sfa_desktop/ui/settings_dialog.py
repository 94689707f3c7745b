"""The settings dialog (language, auto-lock, sync interval, server address, log folder) and the About box.

Stored with QSettings through `Preferences`; no secret is ever asked or kept here. The language
applies at the next start (the open windows keep theirs); the other settings apply at once.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop.i18n import _, tr
from sfa_desktop.ui.preferences import Preferences
from sfa_desktop.ui.sign_in import check_server_address
from sfa_desktop.ui.widgets.banner import MessageBanner


class SettingsDialog(QDialog):
    """Edits a copy of the preferences; `preferences` holds the saved ones after `accept()`."""

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preferences = preferences
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self.setMinimumWidth(520)
        self.banner = MessageBanner(self)
        self.language = QComboBox(self)
        self.language.setObjectName("languageChoice")
        self.language.setAccessibleName(_("Language"))
        for code, label in (("", _("As the operating system")), ("it", "Italiano"), ("en", "English")):
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(preferences.language)))
        self.autolock = QSpinBox(self)
        self.autolock.setObjectName("autolockMinutes")
        self.autolock.setAccessibleName(_("Lock after minutes without use"))
        self.autolock.setRange(0, 240)
        self.autolock.setSuffix(_(" min"))
        self.autolock.setSpecialValueText(_("Never"))
        self.autolock.setValue(preferences.autolock_minutes)
        self.sync_minutes = QSpinBox(self)
        self.sync_minutes.setObjectName("syncMinutes")
        self.sync_minutes.setAccessibleName(_("Sync every minutes"))
        self.sync_minutes.setRange(0, 480)
        self.sync_minutes.setSuffix(_(" min"))
        self.sync_minutes.setSpecialValueText(_("Only when I ask (F5)"))
        self.sync_minutes.setValue(preferences.sync_minutes)
        self.server = QLineEdit(preferences.server_url, self)
        self.server.setObjectName("serverAddress")
        self.server.setAccessibleName(_("Server address"))
        self.log_dir = QLineEdit(preferences.log_dir, self)
        self.log_dir.setObjectName("logFolder")
        self.log_dir.setAccessibleName(_("Log folder"))
        self.log_dir.setPlaceholderText(str(preferences.log_folder))
        form = QFormLayout()
        form.addRow(_("&Language (at the next start)"), self.language)
        form.addRow(_("Lock &after"), self.autolock)
        form.addRow(_("S&ync every"), self.sync_minutes)
        form.addRow(_("Server a&ddress"), self.server)
        form.addRow(_("Log &folder"), self.log_dir)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            if isinstance(label, QLabel):
                label.setBuddy(form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())
        note = QLabel(_("The server address is used for the next sign-in; your data stays tied to the server "
                        "it came from."), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def accept(self) -> None:
        server = self.server.text().strip()
        problem = check_server_address(server) if server else None
        if problem:
            self.banner.show_message(problem, "error")
            self.server.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.preferences.language = self.language.currentData() or ""
        self.preferences.autolock_minutes = self.autolock.value()
        self.preferences.sync_minutes = self.sync_minutes.value()
        self.preferences.server_url = server
        self.preferences.log_dir = self.log_dir.text().strip()
        self.preferences.save()
        super().accept()


def about_text(preferences: Preferences, replica_path: Path | None = None) -> str:
    from PySide6 import __version__ as qt_version

    lines = [
        tr("Version {version}", version=version("sfa-desktop")),
        tr("Python {py}, Qt for Python {qt}", py=sys.version.split()[0], qt=qt_version),
        "",
        tr("Local data: {path}", path=str(replica_path or preferences.replica_path)),
        tr("Settings: {path}", path=str(preferences.file)),
        tr("Log files: {path}", path=str(preferences.log_folder)),
    ]
    return "\n".join(lines)


def about_box(preferences: Preferences, replica_path: Path | None, parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle(_("About SFA Desktop"))
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(_("SFA Desktop: customers, catalog, quotes and orders, also without a connection."))
    box.setInformativeText(about_text(preferences, replica_path))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.button(QMessageBox.StandardButton.Close).setText(_("Close"))
    return box
