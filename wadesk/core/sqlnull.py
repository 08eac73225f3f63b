"""What to bind for NULL on SQLite (a module of its own: the import's parse worker needs it without
SQLAlchemy or pandas)."""

# A float NaN, which SQLite stores as NULL. Python's sqlite3 binds an exact int, float or str
# directly, but runs None through its adapter lookup first: 1M rows of 29 NULLs took 10.5 s as None
# and 2.3 s as NaN (tests/unit/test_sqlio.py checks it stays NULL).
NULL = float("nan")
