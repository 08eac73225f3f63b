"""Where a shop profile lives: the database, logs and backups in one data folder."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "WaDesk"


def default_data_dir() -> Path:
    env = os.environ.get("WADESK_DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class DataDir:
    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @classmethod
    def resolve(cls, path: str | os.PathLike | None) -> "DataDir":
        root = Path(path).expanduser() if path else default_data_dir()
        return cls(root.resolve())

    @property
    def db_path(self) -> Path:
        return self.root / "wadesk.sqlite3"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    def ensure(self) -> "DataDir":
        for d in (self.root, self.logs_dir, self.backups_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self
