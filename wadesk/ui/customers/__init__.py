"""The Customers page: a lazy table over the whole customer base, a detail pane, dialogs."""
