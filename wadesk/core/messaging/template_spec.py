"""A WhatsApp template's components in a structured form, and the variables a mapping must fill.

Meta returns components as loose JSON (HEADER / BODY / FOOTER / BUTTONS); `TemplateSpec` is the
typed view the renderer, the mapping editor and the preview share. Variable keys are stable strings:
"header.1", "body.2", "body.first_name", "button.0" (URL suffix or coupon code of button 0).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

VAR_RE = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
POSITIONAL, NAMED = "POSITIONAL", "NAMED"
MEDIA_FORMATS = ("IMAGE", "VIDEO", "DOCUMENT")
STOP_PAYLOAD = "STOP_PROMOTIONS"
# Quick replies a customer taps to opt out (matched case-insensitively on the button text).
_STOP_TEXTS = ("stop promotions", "stop", "unsubscribe", "प्रमोशन बंद करें", "band karo")


def is_stop_button(text: str | None) -> bool:
    return bool(text) and text.strip().lower() in _STOP_TEXTS


def find_variables(text: str | None) -> tuple[str, ...]:
    """Variable names in order of first appearance: ("1", "2") or ("first_name", ...)."""
    seen: list[str] = []
    for m in VAR_RE.finditer(text or ""):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return tuple(seen)


@dataclass(frozen=True)
class Variable:
    key: str  # "header.1", "body.first_name", "button.0"
    component: str  # header | body | button
    name: str  # "1" or "first_name"
    label: str  # plain words for the mapping editor
    example: str | None = None
    button_index: int | None = None
    kind: str = "text"  # text | url_suffix | coupon_code


@dataclass(frozen=True)
class Header:
    format: str  # TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION
    text: str | None = None
    variables: tuple[str, ...] = ()
    example: str | None = None  # example text value, or example media URL

    @property
    def is_media(self) -> bool:
        return self.format in MEDIA_FORMATS


@dataclass(frozen=True)
class Button:
    index: int
    type: str  # URL, QUICK_REPLY, COPY_CODE, PHONE_NUMBER, ...
    text: str = ""
    url: str | None = None
    phone_number: str | None = None
    example: str | None = None

    @property
    def has_variable(self) -> bool:
        return (self.type == "URL" and bool(find_variables(self.url))) or self.type == "COPY_CODE"

    @property
    def is_stop(self) -> bool:
        return self.type == "QUICK_REPLY" and is_stop_button(self.text)


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    language: str
    category: str = "MARKETING"
    status: str = "APPROVED"
    parameter_format: str = POSITIONAL
    body: str = ""
    body_variables: tuple[str, ...] = ()
    header: Header | None = None
    footer: str | None = None
    buttons: tuple[Button, ...] = ()
    quality: str = "UNKNOWN"
    meta_id: str | None = None
    examples: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def sendable(self) -> bool:
        return self.status == "APPROVED"

    @property
    def named(self) -> bool:
        return self.parameter_format == NAMED

    def variables(self) -> list[Variable]:
        """Every value a send needs, in payload order: header, body, then buttons."""
        return list(self._variables)

    @cached_property
    def _variables(self) -> tuple[Variable, ...]:
        out: list[Variable] = []
        if self.header and self.header.format == "TEXT":
            for n in self.header.variables:
                out.append(Variable(f"header.{n}", "header", n, f"Header {{{{{n}}}}}", self.examples.get(f"header.{n}")))
        for n in self.body_variables:
            out.append(Variable(f"body.{n}", "body", n, f"Message {{{{{n}}}}}", self.examples.get(f"body.{n}")))
        for b in self.buttons:
            if b.type == "URL" and b.has_variable:
                out.append(Variable(f"button.{b.index}", "button", "1", f"Link ending of button '{b.text}'",
                                    b.example, b.index, "url_suffix"))
            elif b.type == "COPY_CODE":
                out.append(Variable(f"button.{b.index}", "button", "1", "Discount code (copy button)",
                                    b.example, b.index, "coupon_code"))
        return tuple(out)

    def variable_keys(self) -> list[str]:
        return [v.key for v in self.variables()]

    @property
    def media_header(self) -> str | None:
        """IMAGE / VIDEO / DOCUMENT when the header needs a media link or upload."""
        return self.header.format if self.header and self.header.is_media else None

    @classmethod
    def from_meta(cls, t: dict[str, Any]) -> "TemplateSpec":
        """Parse one template as returned by GET /{WABA_ID}/message_templates."""
        fmt = str(t.get("parameter_format") or POSITIONAL).upper()
        header, body, footer, buttons = None, "", None, []
        examples: dict[str, str] = {}
        for comp in t.get("components") or []:
            ctype = str(comp.get("type", "")).upper()
            ex = comp.get("example") or {}
            if ctype == "HEADER":
                hformat = str(comp.get("format", "TEXT")).upper()
                text = comp.get("text") if hformat == "TEXT" else None
                hvars = find_variables(text)
                examples.update(_examples("header", hvars, ex.get("header_text"), ex.get("header_text_named_params")))
                media_ex = (ex.get("header_handle") or [None])[0] if hformat in MEDIA_FORMATS else None
                text_ex = examples.get(f"header.{hvars[0]}") if hvars else None
                header = Header(hformat, text, hvars, media_ex or text_ex)
            elif ctype == "BODY":
                body = str(comp.get("text", ""))
                positional = (ex.get("body_text") or [[]])[0]
                examples.update(_examples("body", find_variables(body), positional, ex.get("body_text_named_params")))
            elif ctype == "FOOTER":
                footer = comp.get("text")
            elif ctype == "BUTTONS":
                for i, b in enumerate(comp.get("buttons") or []):
                    bex = b.get("example")
                    bex = bex[0] if isinstance(bex, list) and bex else bex
                    buttons.append(Button(i, str(b.get("type", "")).upper(), str(b.get("text", "")),
                                          b.get("url"), b.get("phone_number"), _suffix_example(b.get("url"), bex)))
        quality = t.get("quality_score")
        quality = quality.get("score", "UNKNOWN") if isinstance(quality, dict) else (quality or "UNKNOWN")
        return cls(
            name=str(t.get("name", "")), language=str(t.get("language", "")),
            category=str(t.get("category", "MARKETING")).upper(), status=str(t.get("status", "")).upper(),
            parameter_format=fmt, body=body, body_variables=find_variables(body), header=header,
            footer=footer, buttons=tuple(buttons), quality=str(quality), meta_id=t.get("id"), examples=examples,
        )


def _examples(comp: str, names: tuple[str, ...], positional: Any, named: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(named, list):
        for item in named:
            if isinstance(item, dict) and item.get("param_name"):
                out[f"{comp}.{item['param_name']}"] = str(item.get("example", ""))
    if isinstance(positional, list):
        for name, value in zip(names, positional):
            out.setdefault(f"{comp}.{name}", str(value))
    return out


def _suffix_example(url: str | None, example: Any) -> str | None:
    """Meta's URL example is the whole URL; the mapping editor wants only the variable suffix."""
    if example is None:
        return None
    example = str(example)
    prefix = VAR_RE.split(url or "")[0] if url else ""
    return example[len(prefix):] if prefix and example.startswith(prefix) else example
