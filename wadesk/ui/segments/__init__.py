"""The Segments page: saved segments and presets, the rule builder, live reachability counts."""
