"""installers/: the bundle rules the PyInstaller spec uses, the icons, the version, the installer
scripts. The real proof is the frozen build in CI (installers/ci_frozen_smoke.sh)."""
from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installers"))

import bundle_rules as rules  # noqa: E402
import make_icons  # noqa: E402
import release_info  # noqa: E402

from wadesk import __version__  # noqa: E402


def test_spec_uses_the_rules_and_builds_a_windowed_app_and_a_console_twin():
    spec = (ROOT / "installers" / "wadesk.spec").read_text(encoding="utf-8")
    assert "rules.hidden_imports(" in spec and "excludes=EXCLUDES" in spec
    assert "rules.unused(entry[0])" in spec
    assert "console=False" in spec and "console=True" in spec and "COLLECT(" in spec and "BUNDLE(" in spec


def test_hidden_imports_take_every_module_and_the_keychains_of_each_os():
    win = rules.hidden_imports(["wadesk", "wadesk.ui.campaigns.page"], "win32")
    mac = rules.hidden_imports([], "darwin")
    assert "wadesk.ui.campaigns.page" in win
    for names in (win, mac):
        assert {"keyring.backends.Windows", "keyring.backends.macOS", "alembic.op",
                "sqlalchemy.dialects.postgresql.psycopg"} <= set(names)
    assert "win32ctypes.pywin32.win32cred" in win and "win32ctypes.pywin32.win32cred" not in mac


def test_excludes_keep_webengine_and_test_tools_out():
    assert {"PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "pytest", "pytestqt",
            "hypothesis"} <= set(rules.EXCLUDES)
    assert not {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg"} & set(rules.EXCLUDES)


@pytest.mark.parametrize("dest, unused", [
    ("PySide6/Qt/translations/qtbase_de.qm", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
    ("PySide6\\plugins\\platforms\\qwindows.dll", False),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", False),
    ("PySide6/Qt/plugins/platforms/libqminimalegl.so", True),
    ("PySide6\\plugins\\platforms\\qdirect2d.dll", True),
    ("PySide6/Qt/plugins/styles/qmodernwindowsstyle.dll", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),
    ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", True),
    ("PySide6/Qt/lib/libQt6Quick.so.6", True),
    ("PySide6\\Qt6Qml.dll", True),
    ("PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick", True),
    ("PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", False),
    ("PySide6/Qt/lib/libQt6Charts.so.6", False),
    ("PySide6/QtQml.abi3.so", False),  # a binding module, not a Qt library (kept if ever imported)
    ("wadesk/resources/icons/wadesk.svg", False),
])
def test_unused_files_are_dropped_and_needed_ones_kept(dest, unused):
    assert rules.unused(dest) is unused


def test_version_comes_from_the_package():
    assert release_info.version() == __version__
    assert len(release_info.version_tuple()) == 4


def test_ico_holds_every_size_and_reads_back(qapp):
    from PySide6.QtGui import QImageReader

    data = (ROOT / "resources" / "wadesk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    reader = QImageReader(str(ROOT / "resources" / "wadesk.ico"))
    sizes = []
    for i in range(reader.imageCount()):
        reader.jumpToImage(i)
        image = reader.read()
        assert not image.isNull()
        sizes.append(image.width())
    assert sorted(sizes) == sorted(make_icons.ICO_SIZES)


def test_icns_is_a_well_formed_container_of_pngs():
    data = (ROOT / "resources" / "wadesk.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    kinds, offset = [], 8
    while offset < len(data):
        kind, length = data[offset:offset + 4].decode(), struct.unpack(">I", data[offset + 4:offset + 8])[0]
        assert data[offset + 8:offset + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind)
        offset += length
    assert offset == len(data) and kinds == [k for k, _ in make_icons.ICNS_TYPES]


def test_icons_match_the_app_icon(qapp):
    """The committed icons are the app's SVG as drawn now (run installers/make_icons.py after editing it)."""
    from PySide6.QtGui import QImage

    committed = QImage(str(ROOT / "resources" / "icons" / "wadesk-64.png")).convertToFormat(
        QImage.Format.Format_ARGB32)
    drawn = make_icons.render(64)
    a, b = bytes(committed.constBits()), bytes(drawn.constBits())
    assert len(a) == len(b)
    # Within a little antialiasing difference (another Qt version may round edges differently).
    assert sum(abs(x - y) for x, y in zip(a, b)) / len(a) < 2
    assert committed.pixelColor(32, 60).alpha() == 0 and committed.pixelColor(32, 20).green() > 150


def test_windows_installer_is_per_user_and_keeps_the_shop_unless_asked():
    iss = (ROOT / "installers" / "windows" / "wadesk.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in iss and "{autoprograms}" in iss
    assert 'Tasks: desktopicon' in iss and "Flags: unchecked" in iss
    assert "MB_DEFBUTTON2" in iss  # "No" (keep the data) is the default answer
    # The folder the uninstaller offers to delete is the app's own data folder on Windows.
    from wadesk.core.paths import APP_NAME

    assert f"{{localappdata}}\\{APP_NAME}" in iss
