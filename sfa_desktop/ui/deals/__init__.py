"""The deals screen's parts: the board by stage, the list's columns, a deal's detail, the dialogs."""
