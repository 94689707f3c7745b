"""The agent's preferences (language, auto-lock, sync interval, server address, log folder) in QSettings.

Stored as an INI file in the app's data folder, so a `--data-dir` (the demo, a test) is
self-contained. No secret is ever written here: passwords and keys live elsewhere (keys.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from sfa_desktop import i18n

DEFAULT_AUTOLOCK_MINUTES = 10
DEFAULT_SYNC_MINUTES = 15
REPLICA_NAME = "replica.sfadb"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("sfa-desktop", appauthor=False))


def default_log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("sfa-desktop", appauthor=False))


@dataclass
class Preferences:
    """What the settings dialog edits; `load`/`save` read and write the INI file."""

    data_dir: Path
    language: str = ""  # "" = follow the operating system
    autolock_minutes: int = DEFAULT_AUTOLOCK_MINUTES  # 0 = never
    sync_minutes: int = DEFAULT_SYNC_MINUTES  # 0 = only by hand
    server_url: str = ""
    username: str = ""  # who signed in on this computer (to rebuild damaged data)
    log_dir: str = ""  # "" = the per-user log folder

    @property
    def file(self) -> Path:
        return self.data_dir / "settings.ini"

    @property
    def replica_path(self) -> Path:
        return self.data_dir / REPLICA_NAME

    @property
    def log_folder(self) -> Path:
        return Path(self.log_dir) if self.log_dir else default_log_dir()

    @property
    def effective_language(self) -> str:
        return self.language if self.language in i18n.LANGUAGES else i18n.system_language()

    def _settings(self) -> QSettings:
        return QSettings(str(self.file), QSettings.Format.IniFormat)

    @classmethod
    def load(cls, data_dir: Path) -> Preferences:
        prefs = cls(Path(data_dir))
        store = prefs._settings()
        prefs.language = str(store.value("language", "") or "")
        prefs.autolock_minutes = _int(store.value("autolock_minutes"), DEFAULT_AUTOLOCK_MINUTES)
        prefs.sync_minutes = _int(store.value("sync_minutes"), DEFAULT_SYNC_MINUTES)
        prefs.server_url = str(store.value("server_url", "") or "")
        prefs.log_dir = str(store.value("log_dir", "") or "")
        prefs.username = str(store.value("username", "") or "")
        return prefs

    def save(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        store = self._settings()
        store.setValue("language", self.language)
        store.setValue("autolock_minutes", int(self.autolock_minutes))
        store.setValue("sync_minutes", int(self.sync_minutes))
        store.setValue("server_url", self.server_url)
        store.setValue("log_dir", self.log_dir)
        store.setValue("username", self.username)
        store.sync()


def _int(value: object, default: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    return number if number >= 0 else default
