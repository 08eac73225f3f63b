"""The Reports page: one campaign's report with charts, campaigns side by side, the customers behind
every number (and "make this a segment"), exports to Excel and PDF. See docs/REPORTS.md."""
