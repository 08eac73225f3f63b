"""Personalisation: which customer value fills each template variable, with a fallback and a format.

A `TemplateMapping` is what the mapping editor edits, what `--mapping FILE.json` holds and what a
campaign freezes. Values come from a per-recipient *context*: a flat dict with keys
"<source>.<name>" (see context.py) — "field.first_name", "attribute.size", "metric.aov",
"product.last_viewed", "recommendation.top_in_favourite_category", "discount_code.<pool>".
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from wadesk.core.messaging.formatting import FORMATS, format_value, utm_tag
from wadesk.core.messaging.render import Problem, clean_value
from wadesk.core.messaging.template_spec import TemplateSpec

SOURCES = {
    "field": "Customer field",
    "attribute": "Custom attribute",
    "metric": "Metric",
    "product": "Last viewed / carted product",
    "recommendation": "Recommendation",
    "discount_code": "Unique discount code",
    "fixed": "Fixed text",
}


@dataclass(frozen=True)
class VariableMapping:
    source: str  # a key of SOURCES
    name: str = ""  # field / attribute / metric / pool name; the text itself for "fixed"
    fallback: str | None = None  # used when the value is missing ("there" for a missing first name)
    format: str = "text"  # formatting.FORMATS
    utm: bool = True  # URL-button suffixes: add utm_source/medium/campaign

    @property
    def context_key(self) -> str:
        return f"{self.source}.{self.name}"


@dataclass
class TemplateMapping:
    template: str
    language: str
    variables: dict[str, VariableMapping] = field(default_factory=dict)  # variable key -> mapping
    utm_campaign: str | None = None  # slug source for utm_campaign (usually the campaign name)
    header_media: str | dict[str, str] | None = None  # link or local file; {"id": …} once uploaded

    # ---- JSON (the `--mapping FILE.json` format) ------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["variables"] = {k: {kk: vv for kk, vv in asdict(v).items() if vv not in (None, "", True) or kk == "source"}
                          for k, v in self.variables.items()}
        return d

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "TemplateMapping":
        try:
            variables = {str(k): VariableMapping(**v) for k, v in (data.get("variables") or {}).items()}
            return cls(str(data["template"]), str(data.get("language") or "en"), variables,
                       data.get("utm_campaign"), data.get("header_media"))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"The mapping file is not in WaDesk's format ({exc}).") from None

    @classmethod
    def load(cls, path: str | Path) -> "TemplateMapping":
        try:
            return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"Could not read the mapping file {path}: {exc}") from None

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")


def check_mapping(spec: TemplateSpec, mapping: TemplateMapping) -> list[Problem]:
    """Problems with the mapping itself (before any recipient): unmapped or unknown variables, bad
    sources or formats, a media header without media."""
    out: list[Problem] = []
    keys = {v.key: v for v in spec.variables()}
    for key, var in keys.items():
        m = mapping.variables.get(key)
        if m is None:
            out.append(Problem("unmapped", f"{var.label} has no value chosen.", key))
        elif m.source not in SOURCES:
            out.append(Problem("bad_source", f"{var.label}: unknown source '{m.source}'.", key))
        elif m.format not in FORMATS:
            out.append(Problem("bad_format", f"{var.label}: unknown format '{m.format}'.", key))
        elif m.source != "fixed" and not m.name:
            out.append(Problem("bad_source", f"{var.label}: choose which {SOURCES[m.source].lower()}.", key))
    for key in mapping.variables.keys() - keys.keys():
        out.append(Problem("unknown_variable", f"The template has no variable '{key}'.", key))
    if spec.media_header and not mapping.header_media:
        out.append(Problem("missing_media", f"Choose a header {spec.media_header.lower()} (a link or a file)."))
    return out


# What a template in this language says where the first name is missing: "Hi there", "नमस्ते ग्राहक".
NAME_FALLBACKS = {"en": "there", "hi": "ग्राहक"}


def name_fallback(language: str) -> str:
    return NAME_FALLBACKS.get(language.split("_")[0].lower(), "there")


def default_mapping(spec: TemplateSpec) -> TemplateMapping:
    """A starting point for the editor: first names where the example looks like one, else fixed
    text from Meta's example values (the owner then picks real sources)."""
    variables: dict[str, VariableMapping] = {}
    for v in spec.variables():
        if v.name in ("first_name", "name") or (v.component == "body" and v.name == "1"):
            variables[v.key] = VariableMapping("field", "first_name", fallback=name_fallback(spec.language))
        else:
            variables[v.key] = VariableMapping("fixed", v.example or "")
    return TemplateMapping(spec.name, spec.language, variables)


class ValueResolver:
    """A mapping compiled for one template: resolve() runs per recipient (pre-flight: 100,000)."""

    def __init__(self, spec: TemplateSpec, mapping: TemplateMapping):
        self._plan = []
        for var in spec.variables():
            m = mapping.variables.get(var.key)
            if m is None:
                continue  # check_mapping reports it once, not per recipient
            utm = mapping.utm_campaign if var.kind == "url_suffix" and m.utm else None
            code = "no_discount_code" if m.source == "discount_code" else "missing_value"
            what = "no discount code left" if m.source == "discount_code" else "no value and no fallback"
            self._plan.append((var.key, var.label, m.source == "fixed", m.name, m.context_key, m.format,
                               clean_value(m.fallback) if m.fallback else "", utm,
                               Problem(code, f"{var.label}: {what}.", var.key)))

    def resolve(self, context: Mapping[str, Any]) -> tuple[dict[str, str], list[Problem]]:
        values: dict[str, str] = {}
        problems: list[Problem] = []
        for key, label, fixed, name, ckey, fmt, fallback, utm, missing in self._plan:
            raw = name if fixed else context.get(ckey)
            text, bad = "", None
            if raw is not None and raw != "":
                try:
                    text = format_value(raw, fmt) if fmt != "text" or not isinstance(raw, str) else " ".join(raw.split())
                except (ValueError, ArithmeticError):
                    bad = Problem("bad_value", f"{label}: '{raw}' can't be shown as {fmt}.", key)
            if not text:
                text = fallback  # the fallback also covers a value that can't be formatted
            if not text:
                problems.append(bad or missing)
                continue
            values[key] = utm_tag(text, utm) if utm else text
        return values, problems


def resolve_values(spec: TemplateSpec, mapping: TemplateMapping,
                   context: Mapping[str, Any]) -> tuple[dict[str, str], list[Problem]]:
    """Values for one recipient, formatted, with fallbacks and UTM tags; plus what went wrong."""
    return ValueResolver(spec, mapping).resolve(context)
