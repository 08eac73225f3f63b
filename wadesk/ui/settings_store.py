"""The shop settings as the UI sees them: a cached copy, read once, written on the database lane.

Reads are instant (from the cache); `set` validates at once (SettingError in plain words), updates
the cache, writes in a job and then broadcasts "settings". When anything else broadcasts "settings"
(or "*"), the cache is re-read in a job and `updated` fires.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from wadesk.core.settings import SETTINGS, SettingError, all_settings, set_setting
from wadesk.ui.events import SETTINGS as SETTINGS_TOPIC, DataBus, touches


class SettingsStore(QObject):
    updated = Signal()  # the cached values changed

    def __init__(self, db: Any, bus: DataBus, jobs: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.db, self.bus, self.jobs = db, bus, jobs
        self._values: dict[str, Any] = {k: d.default for k, d in SETTINGS.items()}
        bus.changed.connect(self._on_changed)

    def load(self) -> dict[str, Any]:
        """Read every setting now (one small query; done once at start-up)."""
        with self.db.session() as s:
            self._values = all_settings(s)
        self.updated.emit()
        return dict(self._values)

    def get(self, key: str) -> Any:
        if key not in SETTINGS:
            raise SettingError(f"There is no setting called '{key}'.")
        return self._values[key]

    @property
    def shop_name(self) -> str:
        return str(self._values.get("shop_name") or "").strip()

    @property
    def is_sample(self) -> bool:
        return bool(self._values.get("sample_shop"))

    def set(self, key: str, value: Any, on_saved: Callable[[], None] | None = None) -> Any:
        """Validate and remember a setting; it is written on the database lane."""
        if key not in SETTINGS:
            raise SettingError(f"There is no setting called '{key}'.")
        parsed = SETTINGS[key].parse(value)
        self._values[key] = parsed
        self.updated.emit()

        def write(session, _ctx) -> None:
            set_setting(session, key, parsed)

        def saved(_result: Any) -> None:
            self.bus.notify(SETTINGS_TOPIC)
            if on_saved:
                on_saved()

        self.jobs.run_in_session(write, title="Saving a setting", on_result=saved,
                                 progress_dialog=False, cancellable=False)
        return parsed

    def reload(self) -> None:
        """Re-read the settings in a job (after other code changed them)."""
        self.jobs.run_in_session(lambda s, _ctx: all_settings(s), title="Reading settings",
                                 on_result=self._loaded, progress_dialog=False)

    def _loaded(self, values: dict[str, Any]) -> None:
        if values != self._values:
            self._values = values
            self.updated.emit()

    def _on_changed(self, what: frozenset[str]) -> None:
        if touches(what, SETTINGS_TOPIC):
            self.reload()
