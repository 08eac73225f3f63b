"""Segments: rule trees, the field catalogue, the one evaluation engine, presets, saved segments.

For the builder UI: `catalogue()` (fields, types, operators, choices), `problems(rules)`
(validation), `SegmentEngine.count / sample / explain / ids / choices`, `PRESETS`, and the saved
segment functions. Never imports Qt.
"""
from wadesk.core.segments.changes import MemberChange, entered_left, remember_members
from wadesk.core.segments.engine import STAGES, Counts, Explanation, ReachPolicy, SegmentEngine, describe
from wadesk.core.segments.export import export_segment
from wadesk.core.segments.fields import CATEGORIES, FIELDS, catalogue
from wadesk.core.segments.presets import PRESETS, Preset, find_preset
from wadesk.core.segments.rules import RuleError, RuleProblem, problems, validate
from wadesk.core.segments.saved import (
    SavedSegment, SegmentNotFound, delete_segment, duplicate_segment, find_segment, list_segments,
    rename_segment, save_segment,
)

__all__ = [
    "CATEGORIES", "Counts", "MemberChange", "entered_left", "remember_members", "Explanation", "FIELDS", "PRESETS", "Preset", "ReachPolicy", "RuleError",
    "RuleProblem", "STAGES", "SavedSegment", "SegmentEngine", "SegmentNotFound", "catalogue",
    "delete_segment", "describe", "duplicate_segment", "export_segment", "find_preset", "find_segment",
    "list_segments", "problems", "rename_segment", "save_segment", "validate",
]
