"""The main window's pages: Home, placeholders for pages still to come, and the page registry."""
