"""What goes into the frozen bundle beyond PyInstaller's import analysis, and what is taken out.

Used by wadesk.spec; kept apart so tests can check the rules without running PyInstaller.
"""
from __future__ import annotations

import importlib.util
import re

# Keyring finds its backends through entry points at run time: name the ones each OS needs
# (Windows Credential Manager, macOS Keychain, Secret Service / KWallet on Linux).
KEYRING_BACKENDS = ["keyring.backends.Windows", "keyring.backends.macOS",
                    "keyring.backends.SecretService", "keyring.backends.kwallet",
                    "keyring.backends.chainer", "keyring.backends.fail", "keyring.backends.null"]
WINDOWS_ONLY = ["win32ctypes.core", "win32ctypes.pywin32.win32cred"]  # what the Windows backend calls
# Alembic migration scripts are loaded from files at run time; what they import must be bundled.
MIGRATION_IMPORTS = ["alembic.op", "alembic.context", "alembic.runtime.migration", "alembic.ddl.sqlite",
                     "alembic.ddl.postgresql", "sqlalchemy.dialects.sqlite"]
# SQLAlchemy loads a database driver by the URL's name: the team database's (postgresql+psycopg).
TEAM_DATABASE = ["sqlalchemy.dialects.postgresql.psycopg", "psycopg"]

EXCLUDES = [
    # Qt modules WaDesk never uses; WebEngine alone is hundreds of MB.
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets", "PySide6.QtQml", "PySide6.QtQuick",
    "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2", "PySide6.QtQuickTest",
    "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtTest",
    "PySide6.QtMultimedia", "PySide6.QtPdf", "PySide6.Qt3DCore",
    "PyQt5", "PyQt6", "PySide2",
    # Test and development packages (the test extra is installed where the bundle is built).
    "pytest", "_pytest", "pytestqt", "hypothesis", "psutil", "tests", "pandas.tests",
    "numpy.tests", "sqlalchemy.testing", "IPython", "matplotlib", "tkinter", "pip", "setuptools",
]

# Qt plugins: one desktop platform per OS plus offscreen (smoke tests) and minimal. Dropped: embedded
# devices (eglfs, evdev), PDF thumbnails, and the QML virtual keyboard, which drags in QtQuick/QtQml.
PLATFORMS = {"qoffscreen", "qminimal", "qxcb", "qwayland", "qwindows", "qcocoa"}
DROPPED_PLUGINS: dict[str, set[str] | None] = {  # folder -> plugin names (None = the whole folder)
    "egldeviceintegrations": None, "generic": None,
    "platforminputcontexts": {"qtvirtualkeyboardplugin"}, "imageformats": {"qpdf"}}
# Qt libraries only those plugins (or nothing WaDesk uses) need: Linux/Windows names, macOS frameworks.
DROPPED_QT_LIBS = re.compile(r"(^|/)(lib)?qt6(quick|qml|virtualkeyboard|pdf|eglfs|webengine)[^/]*$"
                             r"|/qt(quick|qml|virtualkeyboard|pdf|webengine)[^/]*\.framework/")


def hidden_imports(wadesk_modules: list[str], platform: str) -> list[str]:
    """Every wadesk module (pages and commands are imported inside functions, so import analysis
    can miss them), the keyring backends, what migrations import, the team database driver, and
    QtCharts when installed."""
    names = list(wadesk_modules) + KEYRING_BACKENDS + MIGRATION_IMPORTS + TEAM_DATABASE
    if platform == "win32":
        names += WINDOWS_ONLY
    if importlib.util.find_spec("PySide6.QtCharts") is not None:  # PySide6-Addons, for charts
        names.append("PySide6.QtCharts")
    return names


def unused(dest: str) -> bool:
    """True for a file (its path inside the bundle) that import analysis brings but WaDesk never loads."""
    low = dest.replace("\\", "/").lower()
    if "/qt/translations/" in low or low.startswith("pyside6/translations/") or "__pycache__/" in low:
        return True  # Qt's own UI translations: the app installs no QTranslator (English only)
    folders = low.split("/")
    if "plugins" in folders[:-1]:
        folder = folders[folders.index("plugins") + 1]
        stem = re.sub(r"^lib|\.(so|dll|dylib)$", "", folders[-1])
        if folder == "platforms":
            return stem not in PLATFORMS
        names = DROPPED_PLUGINS.get(folder, set())
        return names is None or stem in names
    return bool(DROPPED_QT_LIBS.search(low))
