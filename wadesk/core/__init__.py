"""The product without a screen. Nothing under wadesk.core may import Qt (a test enforces it)."""
