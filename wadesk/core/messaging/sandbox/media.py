"""The sandbox's media endpoint: `POST /{PHONE_NUMBER_ID}/media` (multipart form: messaging_product,
type, file) checked the way Meta checks it — the form fields, a supported type and the size limit
for that type — answering {"id": ...}. Only a summary of each file is kept, never its bytes."""
from __future__ import annotations

import hashlib
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from wadesk.core.messaging.media import ALLOWED, MB
from wadesk.core.messaging.sandbox.validate import MetaError


def parse_form(content_type: str, raw: bytes) -> dict[str, Any]:
    """A multipart/form-data body as {"_form_bytes", "fields": {name: text}, "files": {name: summary}}."""
    out: dict[str, Any] = {"_form_bytes": len(raw), "fields": {}, "files": {}}
    if not content_type.lower().startswith("multipart/form-data"):
        return out
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    if not message.is_multipart():
        return out
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            out["files"][name] = {"filename": part.get_filename(), "mime_type": part.get_content_type(),
                                  "file_size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        elif name:
            out["fields"][name] = data.decode("utf-8", "replace")
    return out


def accept_upload(form: Any) -> dict[str, Any]:
    """The stored summary of an accepted upload (with its new "id"), or MetaError as Meta answers."""
    fields = (form or {}).get("fields", {}) if isinstance(form, dict) else {}
    upload = (form or {}).get("files", {}).get("file") if isinstance(form, dict) else None
    if fields.get("messaging_product") != "whatsapp":
        raise MetaError(100, "Invalid parameter", "The parameter messaging_product is required.")
    if upload is None:
        raise MetaError(100, "Invalid parameter", "The parameter file is required.")
    mime = fields.get("type") or upload["mime_type"]
    limit = next((lim for types, lim in ALLOWED.values() if mime in types), None)
    if limit is None:
        raise MetaError(131053, "Media upload error", f"Unsupported media type {mime}.")
    if upload["file_size"] == 0:
        raise MetaError(131053, "Media upload error", "The uploaded file is empty.")
    if upload["file_size"] > limit:
        raise MetaError(131053, "Media upload error",
                        f"The file is {upload['file_size'] / MB:.1f} MB; {mime} is limited to {limit // MB} MB.")
    return {**upload, "mime_type": mime, "id": f"{uuid.uuid4().int % 10**15:015d}"}
