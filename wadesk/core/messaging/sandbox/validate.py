"""Check a send request the way Meta does, answering with Meta's codes and wording.

Written from the reference, independently of our renderer's logic, so a renderer bug shows up as a
sandbox rejection exactly as it would in production.
"""
from __future__ import annotations

import re
from typing import Any

from wadesk.core.messaging.template_spec import VAR_RE

_E164 = re.compile(r"\+?[1-9]\d{7,14}")


class MetaError(Exception):
    def __init__(self, code: int, message: str, details: str = "", http_status: int = 400,
                 type_: str = "OAuthException", subcode: int | None = None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details
        self.http_status, self.type, self.subcode = http_status, type_, subcode

    def body(self, trace: str) -> dict[str, Any]:
        err: dict[str, Any] = {"message": f"(#{self.code}) {self.message}", "type": self.type, "code": self.code,
                               "fbtrace_id": trace}
        if self.details:
            err["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.subcode is not None:
            err["error_subcode"] = self.subcode
        return {"error": err}


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def check_phone(to: Any) -> str:
    to = str(to or "").strip()
    if not _E164.fullmatch(to.replace(" ", "").replace("-", "")):
        raise MetaError(100, "Invalid parameter", f"Parameter 'to' ({to!r}) is not a valid phone number.")
    return digits(to)


def _count_vars(text: str | None) -> list[str]:
    names: list[str] = []
    for m in VAR_RE.finditer(text or ""):
        if m.group(1) not in names:
            names.append(m.group(1))
    return names


def _text_params(params: list[dict[str, Any]], expected: list[str], named: bool, where: str) -> list[str]:
    if len(params) != len(expected):
        raise MetaError(132000, "Number of parameters does not match the expected number of params",
                        f"{where}: number of localizable_params ({len(params)}) does not match the expected "
                        f"number of params ({len(expected)})")
    values = []
    for i, p in enumerate(params):
        if p.get("type") not in ("text", "currency", "date_time"):
            raise MetaError(132012, "Parameter format does not match format in the created template",
                            f"{where}: parameter {i + 1} must be text")
        if named and p.get("parameter_name") != expected[i] and p.get("parameter_name") not in expected:
            raise MetaError(132000, "Number of parameters does not match the expected number of params",
                            f"{where}: unknown parameter_name {p.get('parameter_name')!r}")
        text = str(p.get("text", ""))
        if not text.strip():
            raise MetaError(131008, "Required parameter is missing", f"{where}: parameter {i + 1} is empty")
        if "\n" in text or "\t" in text or "     " in text:
            raise MetaError(100, "Invalid parameter", "Param text cannot have new-line/tab characters or "
                                                      "more than 4 consecutive spaces")
        values.append(text)
    return values


def validate_template_send(body: dict[str, Any], templates: list[dict[str, Any]]) -> dict[str, Any]:
    """Validate a template send; return the matching template or raise MetaError."""
    tpl = body.get("template")
    if not isinstance(tpl, dict) or not tpl.get("name"):
        raise MetaError(131008, "Required parameter is missing", "Parameter 'template' is required.")
    code = (tpl.get("language") or {}).get("code")
    same_name = [t for t in templates if t["name"] == tpl["name"]]
    match = next((t for t in same_name if t["language"] == code), None)
    if match is None:
        detail = (f"template name ({tpl['name']}) does not exist in {code}" if same_name
                  else f"template name ({tpl['name']}) does not exist")
        raise MetaError(132001, "Template name does not exist in the translation", detail, http_status=404)
    if match["status"] == "PAUSED":
        raise MetaError(132015, "Template is Paused", "The template is paused due to low quality.")
    if match["status"] == "DISABLED":
        raise MetaError(132016, "Template is Disabled", "The template was disabled due to low quality.")
    if match["status"] != "APPROVED":
        raise MetaError(132001, "Template name does not exist in the translation",
                        f"template ({tpl['name']}) is {match['status']} and cannot be sent", http_status=404)

    named = match.get("parameter_format") == "NAMED"
    sent = {(c.get("type"), c.get("index")): c for c in tpl.get("components") or [] if isinstance(c, dict)}
    for comp in match["components"]:
        ctype = comp["type"]
        if ctype == "HEADER":
            fmt = comp.get("format", "TEXT")
            given = (sent.pop(("header", None), None) or {}).get("parameters") or []
            if fmt == "TEXT":
                _text_params(given, _count_vars(comp.get("text")), named, "header")
            elif fmt in ("IMAGE", "VIDEO", "DOCUMENT"):
                kind = fmt.lower()
                media = given[0].get(kind) if given and given[0].get("type") == kind else None
                if not isinstance(media, dict) or not (media.get("link") or media.get("id")):
                    raise MetaError(131008, "Required parameter is missing",
                                    f"header: a {kind} parameter with a link or id is required")
        elif ctype == "BODY":
            given = (sent.pop(("body", None), None) or {}).get("parameters") or []
            _text_params(given, _count_vars(comp.get("text")), named, "body")
        elif ctype == "BUTTONS":
            for i, b in enumerate(comp.get("buttons", [])):
                given_btn = sent.pop(("button", str(i)), None)
                needs = (b["type"] == "URL" and _count_vars(b.get("url"))) or b["type"] == "COPY_CODE"
                if needs and not given_btn:
                    raise MetaError(131008, "Required parameter is missing",
                                    f"button at index {i} ({b['type']}) needs a parameter")
                if given_btn and b["type"] == "URL":
                    _text_params(given_btn.get("parameters") or [], ["1"], False, f"button {i}")
    if sent:
        (ctype, index) = next(iter(sent))
        raise MetaError(132000, "Number of parameters does not match the expected number of params",
                        f"the template has no {ctype} {index if index is not None else ''} to fill".strip())
    return match
