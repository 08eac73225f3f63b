"""The Import page: the import wizard (file → columns → check → import → result) and the history."""
