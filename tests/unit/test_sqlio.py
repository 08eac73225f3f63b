"""The bulk writers bind a float NaN where they mean NULL on SQLite (sqlnull.NULL): it must be
stored as NULL in a column of every affinity, and read back as None."""
import sqlite3

from wadesk.core.sqlnull import NULL


def test_nan_binds_as_null_in_every_column_type():
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL, d DATETIME, e BOOLEAN, f)")
        con.execute("INSERT INTO t VALUES (1, ?, ?, ?, ?, ?, ?)", (NULL,) * 6)
        assert con.execute("SELECT a, b, c, d, e, f, typeof(a), typeof(f) FROM t").fetchone() == (
            None, None, None, None, None, None, "null", "null")
        assert con.execute("SELECT count(*) FROM t WHERE a IS NULL AND f IS NULL").fetchone() == (1,)
    finally:
        con.close()
