"""Header media for templates: a public link is sent as is; a local file is checked against
WhatsApp's type and size limits and uploaded once through the media endpoint at send time.

Limits (Meta's supported-media table): image JPEG/PNG ≤ 5 MB; video MP4/3GPP ≤ 16 MB;
document PDF/Office/TXT ≤ 100 MB.
"""
from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.render import Problem

if TYPE_CHECKING:
    from wadesk.core.messaging.mapping import TemplateMapping

MB = 1024 * 1024
ALLOWED = {
    "IMAGE": ({"image/jpeg", "image/png"}, 5 * MB),
    "VIDEO": ({"video/mp4", "video/3gpp"}, 16 * MB),
    "DOCUMENT": ({"application/pdf", "text/plain", "application/msword", "application/vnd.ms-excel",
                  "application/vnd.ms-powerpoint",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "application/vnd.openxmlformats-officedocument.presentationml.presentation"}, 100 * MB),
}


def is_link(source: str) -> bool:
    return source.strip().lower().startswith("https://") or source.strip().lower().startswith("http://")


def header_kind(source: str) -> str:
    """IMAGE, VIDEO or DOCUMENT, from a file's (or link's) name: for callers without the template."""
    mime = _mime(Path(source.split("?")[0]))
    return next((kind for kind, (types, _limit) in ALLOWED.items() if mime in types), "DOCUMENT")


def _mime(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return {"video/3gp": "video/3gpp"}.get(mime, mime)


def check_media(source: str | Mapping[str, str] | None, header_format: str) -> Problem | None:
    """Pre-flight check of a header link or file; None when it looks sendable. An already uploaded
    {"id": ...} (see prepare_header_media) passes; {"link": ...} is checked as a link."""
    if isinstance(source, Mapping):
        if source.get("id"):
            return None
        source = source.get("link")
    if not source or not source.strip():
        return Problem("missing_media", f"The template needs a header {header_format.lower()}.")
    if is_link(source):
        if not source.strip().lower().startswith("https://"):
            return Problem("missing_media", "WhatsApp fetches header media only from https:// links.")
        return None
    path = Path(source).expanduser()
    if not path.is_file():
        return Problem("missing_media", f"The header file {path} does not exist.")
    types, limit = ALLOWED.get(header_format, (set(), 0))
    if _mime(path) not in types:
        kinds = ", ".join(sorted(t.split("/")[1] for t in types)) if header_format != "DOCUMENT" else "PDF, Office, TXT"
        return Problem("missing_media", f"WhatsApp does not accept {path.name} as a header {header_format.lower()} "
                                        f"({kinds}).")
    if path.stat().st_size > limit:
        return Problem("missing_media", f"{path.name} is {path.stat().st_size / MB:.1f} MB; WhatsApp allows "
                                        f"{limit // MB} MB for a {header_format.lower()}.")
    return None


class MediaUploader:
    """Turns a header source into the media object for the payload, uploading each file once."""

    def __init__(self, client: CloudClient):
        self.client = client
        self._ids: dict[str, str] = {}  # sha256 of the file -> media id

    def media_for(self, source: str, header_format: str) -> dict[str, str]:
        problem = check_media(source, header_format)
        if problem:
            raise ValueError(problem.message)
        if is_link(source):
            return {"link": source.strip()}
        path = Path(source).expanduser()
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self._ids:
            self._ids[digest] = self.client.upload_media(data, _mime(path), path.name)
        media = {"id": self._ids[digest]}
        if header_format == "DOCUMENT":
            media["filename"] = path.name
        return media


def prepare_header_media(client: CloudClient, mapping: "TemplateMapping", header_format: str | None = None,
                         uploader: MediaUploader | None = None) -> "TemplateMapping":
    """The mapping to send with: a local header file is checked, uploaded once through the media
    endpoint and replaced by {"id": ...} (+ "filename" for documents); a link or an id already
    uploaded is kept as it is. `header_format` is the template's (IMAGE/VIDEO/DOCUMENT); without it
    the kind is read from the file's name. Raises ValueError (plain words) for a file WhatsApp would
    refuse, and the client's errors for a failed upload. Meta keeps uploaded media for 30 days."""
    source = mapping.header_media
    if not source or isinstance(source, Mapping) or is_link(source):
        return mapping
    media = (uploader or MediaUploader(client)).media_for(source, header_format or header_kind(source))
    return replace(mapping, header_media=media)
