"""The main window's sections, in the order of its navigation, each built by its own module.

A section's module (`sfa_desktop.ui.pages.<key>`) exposes `create(ctx: AppContext) -> QWidget`.
The window imports it when the section is first shown; a section whose module does not exist
yet is shown as a plain page saying that it comes in a later version. A page widget may also
define:
  show_target(target_id: str) -> None   open one of its rows (from search, a link, navigate())
  focus_search() -> None                put the cursor in its search field (Ctrl+F)
  can_close() -> bool                   False while it holds unsaved input (asked before sign-out)
"""

from __future__ import annotations

from dataclasses import dataclass

from sfa_desktop.i18n import N_


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # English msgid, translated where shown
    shortcut: str  # the key that opens it from anywhere in the main window
    icon: str  # a freedesktop theme icon name (QIcon.fromTheme), with a drawn fallback


SECTIONS: tuple[Section, ...] = (
    Section("customers", N_("Customers"), "Ctrl+1", "system-users"),
    Section("catalog", N_("Catalog"), "Ctrl+2", "package-x-generic"),
    Section("quotes", N_("Quotes"), "Ctrl+3", "document-edit"),
    Section("orders", N_("Orders"), "Ctrl+4", "document-send"),
    Section("agenda", N_("Agenda"), "Ctrl+5", "x-office-calendar"),
    Section("deals", N_("Deals"), "Ctrl+6", "view-list-details"),
    Section("figures", N_("My figures"), "Ctrl+7", "office-chart-bar"),
    Section("sync", N_("Sync"), "Ctrl+8", "view-refresh"),
)


def module_name(key: str) -> str:
    return f"{__name__}.{key}"
