"""The header image / video / document of a media-header template: paste an https:// link or choose a
file on this computer (checked with core's `check_media`: type and WhatsApp's size limit). A chosen
image shows as a small thumbnail. The file is uploaded to WhatsApp only when the campaign is sent
(core's `prepare_header_media`), once per campaign."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import QFileDialog, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from wadesk.core.messaging.media import check_media, is_link

THUMB = QSize(72, 48)
KIND_WORDS = {"IMAGE": "image", "VIDEO": "video", "DOCUMENT": "document"}
FILE_FILTERS = {
    "IMAGE": "Images (*.jpg *.jpeg *.png)",
    "VIDEO": "Videos (*.mp4 *.3gp)",
    "DOCUMENT": "Documents (*.pdf *.doc *.docx *.xls *.xlsx *.ppt *.pptx *.txt)",
}


def file_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def uploaded_words(media: Mapping[str, str]) -> str:
    return f"Uploaded to WhatsApp (media id {media.get('id')})"


def thumbnail(path: str) -> QPixmap:
    """A small picture of an image file, decoded at thumbnail size (a 5 MB photo stays cheap)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return QPixmap.fromImage(image) if not image.isNull() else QPixmap()


class HeaderMediaPicker(QWidget):
    """Emits `changed()` when the link or file changes; `source()` is what the mapping keeps."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("headerMediaPicker")
        self.kind = "IMAGE"
        self.uploaded: dict[str, str] | None = None  # a mapping that was prepared for sending already
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        self.title = QLabel(objectName="headerMediaTitle")
        self.title.setMaximumWidth(150)
        self.title.setWordWrap(True)
        self.edit = QLineEdit(objectName="headerMediaSource")
        self.edit.setClearButtonEnabled(True)
        self.browse = QPushButton("Choose file…", objectName="headerMediaBrowse")
        self.thumb = QLabel(objectName="headerMediaThumb")
        self.thumb.setFixedSize(THUMB)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setStyleSheet("QLabel#headerMediaThumb { background: #eef1f0; border-radius: 4px; }")
        self.note = QLabel(objectName="headerMediaNote")
        self.note.setWordWrap(True)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.edit, 0, 1)
        grid.addWidget(self.browse, 0, 2)
        grid.addWidget(self.thumb, 0, 3, 2, 1)
        grid.addWidget(self.note, 1, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        self.edit.textChanged.connect(self._edited)
        self.browse.clicked.connect(self.choose_file)

    def set_source(self, kind: str, source: str | Mapping[str, str] | None) -> None:
        self.kind = kind
        words = KIND_WORDS.get(kind, "file")
        self.title.setText(f"<b>Header {words}</b>")
        self.edit.setPlaceholderText(f"Paste an https:// link to the {words}, or choose a file")
        self.browse.setToolTip(f"Pick the {words} on this computer; WaDesk uploads it to WhatsApp when the "
                               "campaign is sent")
        self.uploaded = dict(source) if isinstance(source, Mapping) else None
        self.edit.blockSignals(True)
        self.edit.setText(uploaded_words(self.uploaded) if self.uploaded else (source or ""))
        self.edit.blockSignals(False)
        self._refresh()

    def source(self) -> str | dict[str, str] | None:
        text = self.edit.text().strip()
        if self.uploaded and text == uploaded_words(self.uploaded):
            return dict(self.uploaded)
        return text or None

    def problem(self) -> str:
        found = check_media(self.source(), self.kind)
        return found.message if found else ""

    def choose_file(self) -> None:
        start = self.edit.text().strip()
        folder = str(Path(start).expanduser().parent) if start and not is_link(start) else ""
        path, _chosen = QFileDialog.getOpenFileName(self, f"Choose the header {KIND_WORDS.get(self.kind, 'file')}",
                                                    folder, FILE_FILTERS.get(self.kind, ""))
        if path:
            self.edit.setText(path)

    def _edited(self, _text: str) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        source, problem = self.source(), self.problem()
        local = isinstance(source, str) and not is_link(source)
        pixmap = thumbnail(str(Path(source).expanduser())) if (local and not problem and self.kind == "IMAGE") \
            else QPixmap()
        self.thumb.setPixmap(pixmap)
        self.thumb.setText("" if not pixmap.isNull() else KIND_WORDS.get(self.kind, "").title())
        self.thumb.setVisible(self.kind == "IMAGE")
        if problem:
            words, colour = problem, "#b3261e"
        elif isinstance(source, dict):
            words, colour = "Sent as it is: already on WhatsApp's servers.", "#5b6b63"
        elif local:
            words = (f"{Path(source).name} · {file_size(Path(source).expanduser().stat().st_size)} · uploaded to "
                     "WhatsApp when the campaign is sent")
            colour = "#5b6b63"
        else:
            words, colour = "WhatsApp fetches the file from this link for each message.", "#5b6b63"
        self.note.setText(words)
        self.note.setStyleSheet(f"color: {colour};")
