"""Draw the installer icons in resources/ from the app's own icon (wadesk/resources/icons/wadesk.svg).

    python installers/make_icons.py

Writes resources/icons/wadesk-<N>.png (16 … 1024 px), resources/wadesk.ico (Windows: 16–256 px)
and resources/wadesk.icns (macOS: 16–1024 px). The files are committed; run this again only when
the SVG changes. Qt renders the SVG (no extra dependency); the .ico and .icns containers are
written here because both are a small header plus the images.
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "wadesk" / "resources" / "icons" / "wadesk.svg"
OUT = ROOT / "resources"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)  # Explorer's list, taskbar, desktop and tile sizes
# macOS icon types carrying PNG data: type -> pixel size (iconutil's set, incl. the @2x ones).
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("ic11", 32), ("ic12", 64), ("ic07", 128),
              ("ic13", 256), ("ic08", 256), ("ic14", 512), ("ic09", 512), ("ic10", 1024))


def render(size: int):
    """The SVG drawn at `size` x `size` pixels as a premultiplied-free ARGB32 QImage."""
    from PySide6.QtCore import QByteArray, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(SVG.read_bytes()))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def dib_bytes(image) -> bytes:
    """An ICO entry as a 32-bit bottom-up bitmap with its (empty) AND mask: what every Windows
    version reads at small sizes (PNG entries are only for 256 px)."""
    size = image.width()
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in range(size - 1, -1, -1):  # bottom-up
        line = image.constScanLine(y)
        rows.append(bytes(line)[: size * 4])  # ARGB32 in memory on little-endian = B, G, R, A
    mask_row = ((size + 31) // 32) * 4
    return header + b"".join(rows) + b"\0" * (mask_row * size)


def ico_bytes(images: dict[int, object]) -> bytes:
    entries, blobs = [], []
    offset = 6 + 16 * len(images)
    for size, image in sorted(images.items()):
        blob = png_bytes(image) if size >= 256 else dib_bytes(image)
        dim = 0 if size >= 256 else size  # 0 means 256
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return struct.pack("<HHH", 0, 1, len(images)) + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                    for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (keeps Qt alive)
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | {s for _k, s in ICNS_TYPES})
    images = {size: render(size) for size in sizes}
    pngs = {size: png_bytes(images[size]) for size in sizes}
    (OUT / "icons").mkdir(parents=True, exist_ok=True)
    for size in PNG_SIZES:
        (OUT / "icons" / f"wadesk-{size}.png").write_bytes(pngs[size])
    (OUT / "wadesk.ico").write_bytes(ico_bytes({s: images[s] for s in ICO_SIZES}))
    (OUT / "wadesk.icns").write_bytes(icns_bytes(pngs))
    print(f"wrote {len(PNG_SIZES)} PNGs, wadesk.ico and wadesk.icns in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
