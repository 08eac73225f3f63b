"""Template + values -> the exact Cloud API request and the text the customer will see.

One renderer serves the preview bubble, the "show JSON" toggle, pre-flight and the send ledger, so
what the owner previews is byte for byte what is sent. Build a `Renderer` once per template and call
`render()` per recipient (pre-flight renders 100,000 of them).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import quote

from wadesk.core.messaging.template_spec import VAR_RE, STOP_PAYLOAD, TemplateSpec

BODY_MAX, HEADER_MAX, FOOTER_MAX, BUTTON_TEXT_MAX = 1024, 60, 60, 25
MAX_BUTTONS, MAX_URL_BUTTONS, URL_MAX, CALLBACK_MAX = 10, 2, 2000, 512
# Characters kept as-is in a URL suffix: the URL's own structure and already-encoded escapes.
_URL_SAFE = "/?&=#:@!$'()*+,;-._~%"


@dataclass(frozen=True)
class Problem:
    code: str  # missing_value, body_too_long, header_too_long, invalid_url_suffix, missing_media, ...
    message: str  # plain words for the owner
    key: str | None = None  # the variable key, when one variable is at fault


@dataclass(frozen=True)
class RenderedButton:
    type: str
    text: str
    url: str | None = None  # full URL with the suffix, for the preview
    payload: str | None = None  # quick-reply payload echoed back in the reply webhook


@dataclass
class Rendered:
    payload: dict[str, Any]  # the exact JSON body for POST /{phone_number_id}/messages
    body: str
    header_text: str | None = None
    header_media: dict[str, str] | None = None  # {"link": ...} or {"id": ...}
    footer: str | None = None
    buttons: list[RenderedButton] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def clean_value(value: Any) -> str:
    """Meta rejects parameters with new lines, tabs or more than 4 spaces in a row: fold them."""
    return " ".join(str(value).split()) if value is not None else ""


def template_problems(spec: TemplateSpec) -> list[Problem]:
    """Problems of the template itself (not of one recipient's values)."""
    out = []
    if not spec.sendable:
        out.append(Problem("not_approved", f"Template '{spec.name}' is {spec.status.lower()}; only approved "
                                           "templates can be sent."))
    if len(spec.buttons) > MAX_BUTTONS:
        out.append(Problem("too_many_buttons", f"A template can have at most {MAX_BUTTONS} buttons."))
    if sum(b.type == "URL" for b in spec.buttons) > MAX_URL_BUTTONS:
        out.append(Problem("too_many_buttons", f"A template can have at most {MAX_URL_BUTTONS} link buttons."))
    for b in spec.buttons:
        if len(b.text) > BUTTON_TEXT_MAX:
            out.append(Problem("button_too_long", f"Button '{b.text}' is over {BUTTON_TEXT_MAX} characters."))
    if spec.footer and len(spec.footer) > FOOTER_MAX:
        out.append(Problem("footer_too_long", f"The footer is over {FOOTER_MAX} characters."))
    return out


def _compile(text: str | None, comp: str) -> list[tuple[str, str]]:
    """"Hi {{1}}!" -> [("Hi ", "body.1"), ("!", "")]: literal text, then the variable after it."""
    parts = VAR_RE.split(text or "")
    return [(parts[i], f"{comp}.{parts[i + 1]}" if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]


def _fill(plan: list[tuple[str, str]], vals: Mapping[str, str]) -> str:
    out = []
    for literal, key in plan:
        out.append(literal)
        if key:
            out.append(vals.get(key) or "{{" + key.split(".", 1)[1] + "}}")  # missing: keep the marker
    return "".join(out)


class Renderer:
    """Compiled once per template: the per-recipient work is string joins and small dicts."""

    def __init__(self, spec: TemplateSpec):
        self.spec = spec
        self.variables = spec.variables()
        self.static_problems = template_problems(spec)
        self._keys = [(v.key, v.label) for v in self.variables]
        self._body = _compile(spec.body, "body")
        h = spec.header
        self._header = _compile(h.text, "header") if h and h.format == "TEXT" else None
        self._header_vars = [(f"header.{n}", n) for n in h.variables] if h and h.format == "TEXT" else []
        self._body_vars = [(f"body.{n}", n) for n in spec.body_variables]
        # Buttons: (button, key, URL before / after the variable).
        self._buttons = []
        for b in spec.buttons:
            parts = VAR_RE.split(b.url or "", maxsplit=1)  # [before, name, after] when it has a variable
            before, after = (parts[0], parts[2]) if len(parts) == 3 else (b.url or "", "")
            self._buttons.append((b, f"button.{b.index}", b.has_variable, before, after))

    def render(
        self,
        values: Mapping[str, Any],
        *,
        to: str,
        header_media: Mapping[str, str] | str | None = None,
        callback_data: str | None = None,
        quick_reply_payloads: Mapping[int, str] | None = None,
    ) -> Rendered:
        """`values` maps variable keys ("body.1", "body.first_name", "button.0") to already formatted
        text. `header_media` is a link, or {"link": ...} / {"id": ...} (+ "filename" for documents).
        Quick replies that mean "stop promotions" get the STOP_PROMOTIONS payload by default."""
        spec, named = self.spec, self.spec.named
        vals = {k: clean_value(values.get(k)) for k, _ in self._keys}
        problems = list(self.static_problems)
        for key, label in self._keys:
            if not vals[key]:
                problems.append(Problem("missing_value", f"No value for {label}.", key))
        components: list[dict[str, Any]] = []
        rendered = Rendered(payload={}, body=_fill(self._body, vals), footer=spec.footer)

        header = spec.header
        if self._header is not None:
            rendered.header_text = _fill(self._header, vals)
            if len(rendered.header_text) > HEADER_MAX:
                problems.append(Problem("header_too_long", f"The header is {len(rendered.header_text)} characters; "
                                                           f"WhatsApp allows {HEADER_MAX}."))
            if self._header_vars:
                components.append({"type": "header", "parameters": [
                    self._text_param(vals[k], n, named) for k, n in self._header_vars]})
        elif header and header.is_media:
            media = {"link": header_media} if isinstance(header_media, str) else dict(header_media or {})
            if not (media.get("link") or media.get("id")):
                problems.append(Problem("missing_media", f"The template needs a header {header.format.lower()}."))
            else:
                if "filename" in media and header.format != "DOCUMENT":
                    media.pop("filename")
                rendered.header_media = media
                kind = header.format.lower()
                components.append({"type": "header", "parameters": [{"type": kind, kind: media}]})

        if len(rendered.body) > BODY_MAX:
            problems.append(Problem("body_too_long", f"The message is {len(rendered.body)} characters; "
                                                     f"WhatsApp allows {BODY_MAX}."))
        if self._body_vars:
            components.append({"type": "body", "parameters": [
                self._text_param(vals[k], n, named) for k, n in self._body_vars]})

        for b, key, has_var, before, after in self._buttons:
            if b.type == "URL":
                url = b.url
                if has_var:
                    suffix = quote(vals[key], safe=_URL_SAFE)
                    url = before + suffix + after
                    if vals[key] and (suffix.lower().startswith(("http:", "https:", "www.")) or len(url) > URL_MAX):
                        problems.append(Problem("invalid_url_suffix", f"The link ending for button '{b.text}' "
                                                "must be the part after the template's address, not a full link.", key))
                    components.append(self._button("url", b.index, {"type": "text", "text": suffix}))
                rendered.buttons.append(RenderedButton("URL", b.text, url))
            elif b.type == "COPY_CODE":
                components.append(self._button("copy_code", b.index, {"type": "coupon_code", "coupon_code": vals[key]}))
                rendered.buttons.append(RenderedButton("COPY_CODE", b.text or "Copy code", payload=vals[key]))
            elif b.type == "QUICK_REPLY":
                payload = (quick_reply_payloads or {}).get(b.index) or (STOP_PAYLOAD if b.is_stop else None)
                if payload:
                    components.append(self._button("quick_reply", b.index, {"type": "payload", "payload": payload}))
                rendered.buttons.append(RenderedButton("QUICK_REPLY", b.text, payload=payload))
            else:
                rendered.buttons.append(RenderedButton(b.type, b.text, b.url or b.phone_number))

        message: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                                   "type": "template"}
        if callback_data:
            if len(callback_data) > CALLBACK_MAX:
                raise ValueError("callback data is over 512 characters")
            message["biz_opaque_callback_data"] = callback_data
        template: dict[str, Any] = {"name": spec.name, "language": {"code": spec.language}}
        if components:
            template["components"] = components
        message["template"] = template
        rendered.payload, rendered.problems = message, problems
        return rendered

    def check(self, values: Mapping[str, str]) -> set[str]:
        """Just the problem codes render() would report for these (already clean) values, without
        building the request: pre-flight's per-recipient path."""
        codes: set[str] = set()
        for key, _label in self._keys:
            if not values.get(key):
                codes.add("missing_value")
                break
        for plan, limit, code in ((self._body, BODY_MAX, "body_too_long"), (self._header, HEADER_MAX, "header_too_long")):
            if plan is not None and sum(len(lit) + (len(values.get(k) or k) + 4 if k else 0) for lit, k in plan) > limit:
                codes.add(code)
        for b, key, has_var, before, after in self._buttons:
            if has_var and b.type == "URL" and values.get(key):
                suffix = quote(values[key], safe=_URL_SAFE)
                if suffix.lower().startswith(("http:", "https:", "www.")) or len(before) + len(suffix) + len(after) > URL_MAX:
                    codes.add("invalid_url_suffix")
        return codes

    @staticmethod
    def _text_param(value: str, name: str, named: bool) -> dict[str, str]:
        return {"type": "text", "parameter_name": name, "text": value} if named else {"type": "text", "text": value}

    @staticmethod
    def _button(sub_type: str, index: int, param: dict[str, Any]) -> dict[str, Any]:
        return {"type": "button", "sub_type": sub_type, "index": str(index), "parameters": [param]}


def render_message(spec: TemplateSpec, values: Mapping[str, Any], *, to: str, **kw: Any) -> Rendered:
    """One-off render (the preview); use a Renderer for many recipients."""
    return Renderer(spec).render(values, to=to, **kw)


def example_values(spec: TemplateSpec) -> dict[str, str]:
    """Meta's example values per variable: what the Templates page previews before any mapping."""
    return {v.key: v.example or f"{{{{{v.name}}}}}" for v in spec.variables()}


def send_endpoint(spec: TemplateSpec, marketing_endpoint: bool = False) -> str:
    """Meta is moving marketing templates to /marketing_messages: switchable per category."""
    return "marketing_messages" if marketing_endpoint and spec.category == "MARKETING" else "messages"
