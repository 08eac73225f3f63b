"""Icons, the stylesheet and other files the app loads with importlib.resources (works frozen too)."""
