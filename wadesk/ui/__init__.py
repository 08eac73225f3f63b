"""The screen: PySide6 main window, pages, dialogs, widgets, table models and the job runner.

Only this package imports Qt; it drives `wadesk.core`, which never does.
"""
