"""The PySide6 desktop app: windows, dialogs, table models and the background-operation helper.

Only this package (and app.py) imports PySide6. Screens read through `sfa_desktop.operations.read`
and write through the operations, always off the GUI thread (`background.ReplicaOp`), and redraw
when the core's events (re-emitted on the GUI thread by `bridge.EventBridge`) say their rows changed.
"""
