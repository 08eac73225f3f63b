"""The Pipeline page: a board (kanban) per pipeline, the same deals as a list, and the report."""
