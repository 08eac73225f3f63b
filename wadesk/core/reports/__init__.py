"""Campaign reports (issue 7): attribution of imported orders, uplift against the holdout, the
campaign report and its customers, comparisons across campaigns, the Home dashboard figures and
the exports. No Qt here; the PDF is drawn by the ui layer (`wadesk/ui/reports/pdf.py`)."""
