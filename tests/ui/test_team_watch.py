"""Team mode: a change made on another computer reaches this one's pages (bus announcement) on
the light poll; on this computer's own file nothing polls."""
from __future__ import annotations

from wadesk.core.crm.customers import CustomerInput, create_customer
from wadesk.core.db import open_database
from wadesk.ui import events
from wadesk.ui.services import build_services
from wadesk.ui.team_watch import TeamWatch


def test_another_computers_change_is_announced(qtbot, qapp, pg_db, data_dir, clock):
    svc = build_services(pg_db, data_dir, clock=clock)
    try:
        watch = TeamWatch(svc).start()
        assert watch.timer.isActive()
        qtbot.waitUntil(lambda: watch.stamp is not None and not watch.checking, timeout=10000)
        other = open_database(url=pg_db.url)  # the other computer
        try:
            with other.session() as s:
                create_customer(s, CustomerInput(first_name="From the counter"), clock=clock)
        finally:
            other.dispose()
        with qtbot.waitSignal(svc.bus.changed, timeout=10000,
                              check_params_cb=lambda what: events.CUSTOMERS in what):
            watch.check()
    finally:
        svc.jobs.shutdown()


def test_nothing_polls_on_this_computers_file(qtbot, services):
    if services.db.path is None:
        return  # WADESK_TEST_DB=postgresql: the test above covers it
    watch = TeamWatch(services).start()
    assert not watch.timer.isActive() and watch.stamp is None
