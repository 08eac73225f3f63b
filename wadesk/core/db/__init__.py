"""Database: models, engine and session, Alembic migrations."""
from wadesk.core.db.engine import Database, DatabaseError, open_database

__all__ = ["Database", "DatabaseError", "open_database"]
