"""The Campaigns page (issue 6): list, new-campaign wizard, sending view, app-level send hooks."""
