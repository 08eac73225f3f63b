"""A plain customer list merged set-wise on SQLite: the rows that no other row of the file touches.

A weekly list is mostly rows that each name one customer: a stored one whose blanks they fill, or a
new one. For such a row identity.merge comes down to "fill the blanks, add the tags, record the
consent", which SQLite does for all of them in a few statements over a temporary table (one
UPDATE ... FROM, one INSERT ... SELECT) instead of a Python draft loaded, merged and written per
customer.

A row goes this way only when its result cannot depend on the order of the rows and identity.merge
would do nothing more with it:
- solo: no other row of the file has its phone or its email, or could reach a stored customer it
  could reach (by phone, email or store id);
- plain: no date (newer-wins rules), no store id, no custom attributes or flags, one phone;
- its stored customer has a name and no other phone or email than the row's (identity.merge would
  build the name, or keep the row's phone or email in attributes).
Every other row goes through ImportWriter's Python path, in file order. The two paths' customers
are disjoint, so which runs first does not matter. tests/unit/test_list_merge.py compares the
databases the two paths leave, change log included.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import partial
from operator import attrgetter
from typing import Any

from wadesk.core.crm.totals import FIGURES, NO_ORDERS
from wadesk.core.db.import_models import ImportChange
from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT, ConsentEvent, Customer
from wadesk.core.importing.beside import beside
from wadesk.core.importing.bulk import BulkWriter
from wadesk.core.importing.changelog import ChangeLog
from wadesk.core.importing.identity import LIMITS, SIMPLE, CustomerIndex, field_text, full_name, name_keys, tag_list
from wadesk.core.importing.stored import datetime_text
from wadesk.core.importing.tagging import tag_ids

IN, OUT = CONSENT_OPTED_IN, CONSENT_OPTED_OUT
# Columns a row may fill on its stored customer (blank -> the row's value).
FILLED = ("first_name", "last_name", "city", "state", "pincode", "country", "channel", "email")
WRITTEN = (*FILLED, "phone", "phone_national", "consent_state", "consent_source", "consent_at")
_LIST = ("id", "phone", "phone_national", "email", *SIMPLE, "channel", "consent", "consent_at",
         "name", "name_key", "last_name_key", "tag_list")  # the last four: new customers only
_texts = attrgetter(*SIMPLE)
assert SIMPLE == ("first_name", "last_name", "city", "state", "pincode", "country"), "ListMerge.load reads them so"
NEW_STEP = 10_000  # new customers inserted per statement (the next step's rows are made meanwhile)
# The statements join the temp rows to customers with CROSS JOIN: SQLite then walks the rows and
# looks each customer up, instead of scanning every stored customer (which `l.id < ?` invites).


def _before(f: str) -> str:
    """A column's value before, as ChangeLog.to_json keeps it: a datetime as {"__dt": its text}."""
    if f in ("consent_at", "updated_at"):
        return f"CASE WHEN c.{f} IS NULL THEN NULL ELSE json_object('__dt', c.{f}) END"
    return f"c.{f}"


def plain(rec, ident) -> bool:
    """A row identity.merge would only fill blanks, tags and consent from (see the module docstring)."""
    c = rec.customer
    return (c is not None and ident is not None and rec.order is None and rec.shipment is None
            and not rec.events and c.as_of is None and not c.external_id and not c.attributes and not ident[1])


def plan(held: list[tuple[Any, Any]], index: CustomerIndex, source: str) -> tuple[list[tuple[int, int | None]], list[int]]:
    """-> ([(position, stored customer id or None)] of the solo plain rows, positions of the others)."""
    idents = [ident for _rec, ident in held]
    phones = [i[0].e164 if i and i[0] else None for i in idents]
    emails = [i[2] if i else None for i in idents]
    by_phone = list(map(index.phone.get, phones))  # the stored customer each could reach (no None keys)
    by_email = list(map(index.email.get, emails))
    by_ext = [index.ext.get((source, rec.customer.external_id)) for rec, ident in held
              if ident and rec.customer.external_id]  # rows with a store id are never solo: only counted
    # Counted at once (Counter of a list runs in C); then only the few keys seen twice are looked at.
    # A row reaching one customer by phone and email reaches it once.
    reached = by_phone + [e if e != p else None for p, e in zip(by_phone, by_email)] + by_ext
    dup_phones, dup_emails, dup_ids = ({k for k, n in Counter(keys).items() if n > 1 and k is not None}
                                       for keys in (phones, emails, reached))
    solo, rest = [], []
    for i, (rec, ident) in enumerate(held):
        if plain(rec, ident):
            a, b = by_phone[i], by_email[i]
            if not (phones[i] in dup_phones or emails[i] in dup_emails or (dup_ids and (a in dup_ids or b in dup_ids))):
                solo.append((i, a or b))  # identity.CustomerIndex.find without a store id: phone, then email
                continue
        rest.append(i)
    return solo, rest


class ListMerge:
    """The solo rows written in a few statements: load (temp tables, the new customers), then write
    (the stored customers, tags, consent, the change log), then close."""

    def __init__(self, bulk: BulkWriter, now: datetime, consent_source: str, channel: str):
        self.bulk, self.now, self.source, self.channel = bulk, now, consent_source, channel
        self.cur = bulk._cursor()
        self.temp_cache: int | None = None  # the connection's temp page cache, while load's is in use
        self.ids: list[int] = []  # every customer the set-wise rows matched or created

    def load(self, held: list[tuple[Any, Any]], solo: list[tuple[int, int | None]]) -> list[int]:
        """Put the solo rows in temp.wadesk_list (and their tags in temp.wadesk_tags) and insert the
        new customers; -> positions of the rows their stored customer sends back to the Python path
        (no name, another phone or email)."""
        self.created = self.bulk.new_ids(Customer.__table__, sum(1 for _i, cid in solo if cid is None))
        self.first_new = self.created[0] if self.created else 1 << 62  # ids from here on are new customers
        now_text = datetime_text(self.now)
        l_first, l_last, l_city, l_state, l_pin = (LIMITS[f] for f in SIMPLE[:5])

        def row(c, p, email) -> tuple:
            first, last, city, state, pin, country = _texts(c)
            consent = c.consent if c.consent in ("in", "out") else None
            return (p.e164 if p else None, p.national if p else None, email, first and first[:l_first] or None,
                    last and last[:l_last] or None, city and city[:l_city] or None, state and state[:l_state] or None,
                    pin and pin[:l_pin] or None, country and field_text("country", country) or None,
                    c.channel or None, consent,
                    (now_text if c.consent_at is None else datetime_text(c.consent_at)) if consent else None)
        new_solo = [pos for pos, cid in solo if cid is None]

        def new_rows(k: int) -> list[tuple]:
            """The k-th NEW_STEP of the new customers' rows, names and tag_list included."""
            rows = []
            for pos, cid in zip(new_solo[k * NEW_STEP:(k + 1) * NEW_STEP], self.created[k * NEW_STEP:]):
                rec, (p, _others, email) = held[pos]
                r = row(rec.customer, p, email)
                first, last = r[3], r[4]
                names = name_keys(full_name(first or "", last or ""), last) if first or last else ("", "", None)
                rows.append((cid, *r, *names, tag_list(set(rec.customer.tags)) if rec.customer.tags else None))
            return rows

        def stored_rows() -> None:  # (a stored customer's row leaves out the names and tag_list)
            new = iter(self.created)
            for pos, cid in solo:
                rec, (p, _others, email) = held[pos]
                c = rec.customer
                if cid is None:
                    cid = next(new)
                else:
                    stored.append((cid, *row(c, p, email)))
                if c.tags:
                    tags.extend((cid, t) for t in set(c.tags))
            stored.sort()  # in id order: appended to the temp table's b-tree, not inserted all over it
        cur = self.cur
        self.close()
        # 100,000 rows outgrow the temp tables' default 2 MB page cache (SQLite then pages them to a file).
        self.temp_cache = cur.execute("PRAGMA temp.cache_size").fetchone()[0]
        cur.execute("PRAGMA temp.cache_size = -65536")
        cur.execute(f"CREATE TEMP TABLE wadesk_list ({_LIST[0]} INTEGER PRIMARY KEY, {', '.join(_LIST[1:])})")
        cur.execute("CREATE TEMP TABLE wadesk_tags (id INTEGER, name TEXT)")
        # The new customers, a step at a time: each step is inserted (SQLite, without the interpreter
        # lock) while the next step's rows are made, and the last while the stored customers' are.
        stored: list[tuple] = []
        tags: list[tuple[int, str]] = []
        steps = -(-len(new_solo) // NEW_STEP)
        rows = new_rows(0)
        for k in range(steps):
            cur.executemany(f"INSERT INTO temp.wadesk_list ({', '.join(_LIST)}) VALUES ({', '.join('?' * len(_LIST))})",
                            rows)
            first, last = self.created[k * NEW_STEP], self.created[k * NEW_STEP + len(rows) - 1]
            with beside(partial(cur.execute, *self._insert_new(first, last)), "wadesk-import-customers"):
                if k + 1 < steps:
                    rows = new_rows(k + 1)
                else:
                    stored_rows()
        if not steps:
            stored_rows()
        few = _LIST[:-4]
        cur.executemany(f"INSERT INTO temp.wadesk_list ({', '.join(few)}) VALUES ({', '.join('?' * len(few))})",
                        stored)
        cur.executemany("INSERT INTO temp.wadesk_tags VALUES (?, ?)", tags)
        back = [i for (i,) in cur.execute(
            "SELECT l.id FROM temp.wadesk_list l CROSS JOIN customers c ON c.id = l.id WHERE l.id < ? AND ("
            " coalesce(c.name, '') = ''"
            " OR (l.email IS NOT NULL AND coalesce(c.email, '') NOT IN ('', l.email))"
            " OR (l.phone IS NOT NULL AND coalesce(c.phone, '') NOT IN ('', l.phone)))", (self.first_new,))]
        if not back:
            return []
        cur.executemany("DELETE FROM temp.wadesk_list WHERE id = ?", [(i,) for i in back])
        cur.execute("DELETE FROM temp.wadesk_tags WHERE id NOT IN (SELECT id FROM temp.wadesk_list)")
        where = {cid: pos for pos, cid in solo if cid is not None}  # only stored customers send rows back
        return [where[i] for i in back]

    def write(self, import_id: int | None, log: ChangeLog, counts: Counter, warnings: Counter) -> None:
        """Tag, fill the stored customers' blanks, record consent; log it all (the new customers, written
        by load, too) as ImportWriter logs its own: the same entries, counts and warnings."""
        cur, now = self.cur, datetime_text(self.now)
        self.ids = [i for (i,) in cur.execute("SELECT id FROM temp.wadesk_list")]
        refused = cur.execute("SELECT count(*) FROM temp.wadesk_list l CROSS JOIN customers c ON c.id = l.id"
                              f" WHERE l.id < ? AND l.consent = 'in' AND c.consent_state = {OUT}",
                              (self.first_new,)).fetchone()[0]
        if refused:
            warnings["opt-ins ignored because the customer had opted out"] += refused
        self._link_tags(log)
        self._update_stored(import_id, log, counts, now)
        if self.created:
            log.add_created("customer", self.created)
            counts["customers_created"] += len(self.created)
        # Consent events: a stored customer's whose state changed, a new customer's with a word.
        events = ("SELECT id, CASE consent WHEN 'out' THEN 'opt_out' ELSE 'opt_in' END AS action, consent_at"
                  " FROM temp.wadesk_list WHERE (id >= ? AND consent IS NOT NULL)"
                  " OR id IN (SELECT id FROM temp.wadesk_changed WHERE mask & ?)")
        at = (self.first_new, 1 << WRITTEN.index("consent_state"))
        n = cur.execute(f"SELECT count(*) FROM ({events})", at).fetchone()[0]
        if n:
            first = self.bulk.new_ids(ConsentEvent.__table__, n)[0]
            cur.execute("INSERT INTO consent_events (id, customer_id, purpose, action, source, occurred_at, note)"
                        f" SELECT ? + row_number() OVER (ORDER BY id, action) - 1, id, 'marketing', action, ?,"
                        f" consent_at, NULL FROM ({events})", (first, self.source, *at))
            log.add_created("consent_event", list(range(first, first + n)))
            counts["consent_changes"] += n

    def _insert_new(self, first: int, last: int) -> tuple[str, tuple]:
        """The statement (and its parameters) inserting the new customers with ids first..last from
        the temp table, as ready_customer writes them (no orders: NO_ORDERS' figures)."""
        now = datetime_text(self.now)
        return ("INSERT INTO customers (id, phone, phone_national, email, first_name, last_name, name, name_key,"
                " last_name_key, city, state, pincode, country, channel, attributes, consent_state, consent_source,"
                f" consent_at, updated_at, created_at, tag_list, version, {', '.join(FIGURES)})"
                " SELECT id, phone, phone_national, email, first_name, last_name, name, name_key, last_name_key,"
                " city, state, pincode, country, coalesce(channel, ?), '{}',"
                f" CASE consent WHEN 'out' THEN {OUT} WHEN 'in' THEN {IN} ELSE 0 END,"
                " CASE WHEN consent IS NOT NULL THEN ? END, consent_at, ?, ?, coalesce(tag_list, ''), 1,"
                f" {', '.join('?' * len(NO_ORDERS))} FROM temp.wadesk_list WHERE id BETWEEN ? AND ? ORDER BY id",
                (self.channel, self.source, now, now, *NO_ORDERS, first, last))

    def _link_tags(self, log: ChangeLog) -> None:
        """The tags the rows name (created when missing) linked to their customers (new links only)."""
        cur = self.cur
        names = [n for (n,) in cur.execute("SELECT DISTINCT name FROM temp.wadesk_tags")]
        cur.execute("DROP TABLE IF EXISTS temp.wadesk_links")
        cur.execute("CREATE TEMP TABLE wadesk_links (customer_id INTEGER, tag_id INTEGER)")
        if not names:
            return
        tag_ids(self.bulk.s, self.bulk, log, set(names))
        cur.execute("INSERT INTO temp.wadesk_links SELECT t.id, g.id FROM temp.wadesk_tags t JOIN tags g ON g.name = t.name"
                    " WHERE t.id >= ? OR NOT EXISTS (SELECT 1 FROM customer_tags ct"
                    " WHERE ct.customer_id = t.id AND ct.tag_id = g.id)", (self.first_new,))
        cur.execute("INSERT INTO customer_tags (customer_id, tag_id) SELECT customer_id, tag_id FROM temp.wadesk_links")
        log.pairs += [list(r) for r in cur.execute("SELECT customer_id, tag_id FROM temp.wadesk_links")]

    def _update_stored(self, import_id: int | None, log: ChangeLog, counts: Counter, now: str) -> None:
        """What identity.merge does to a stored customer with a solo plain row, column by column,
        and tag_list where it got tags (as upsert.tag_list builds it: names in code point order,
        SQLite's BINARY order). Each set of changed columns is one UPDATE (SQLite rewrites the index
        entries of every column an UPDATE sets, changed or not) and one INSERT of change-log entries."""
        cur = self.cur
        # When each column changes, and to what. A row's texts are never '' (None instead), so a
        # filled blank is always a change.
        filled = "(coalesce(c.phone, '') = '' AND l.phone IS NOT NULL)"
        sets = (f"((l.consent IS 'out' AND coalesce(c.consent_state, 0) <> {OUT})"
                f" OR (l.consent IS 'in' AND coalesce(c.consent_state, 0) NOT IN ({IN}, {OUT})))")
        when = {f: f"(coalesce(c.{f}, '') = '' AND l.{f} IS NOT NULL)" for f in FILLED}
        when.update(phone=filled, phone_national=f"({filled} AND l.phone_national IS NOT c.phone_national)",
                    consent_state=sets, consent_source=f"({sets} AND :source IS NOT c.consent_source)",
                    consent_at=f"({sets} AND l.consent_at IS NOT c.consent_at)")
        to = {f: f"l.{f}" for f in (*FILLED, "phone", "phone_national", "consent_at")}
        to.update(consent_state=f"CASE l.consent WHEN 'out' THEN {OUT} ELSE {IN} END", consent_source=":source")
        mask = " | ".join(f"({when[f]} << {bit})" for bit, f in enumerate(WRITTEN))
        for t in ("wadesk_changed", "wadesk_tag_lists"):
            cur.execute(f"DROP TABLE IF EXISTS temp.{t}")
        cur.execute("CREATE TEMP TABLE wadesk_tag_lists (id INTEGER PRIMARY KEY, names TEXT)")
        cur.execute("INSERT INTO temp.wadesk_tag_lists SELECT id, substr(group_concat(name, ', '), 1, 500) FROM (SELECT"
                    " w.id, g.name FROM (SELECT DISTINCT customer_id AS id FROM temp.wadesk_links WHERE customer_id < ?) w"
                    " JOIN customer_tags ct ON ct.customer_id = w.id JOIN tags g ON g.id = ct.tag_id ORDER BY w.id, g.name)"
                    " GROUP BY id", (self.first_new,))
        # Which columns each stored customer's row changes (a bit each), and its new tag_list.
        cur.execute("CREATE TEMP TABLE wadesk_changed (id INTEGER PRIMARY KEY, mask INTEGER, tag_list TEXT)")
        cur.execute(f"INSERT INTO temp.wadesk_changed SELECT * FROM (SELECT l.id, {mask} AS mask, t.names AS tag_list"
                    " FROM temp.wadesk_list l CROSS JOIN customers c ON c.id = l.id LEFT JOIN temp.wadesk_tag_lists t ON t.id = l.id"
                    " WHERE l.id < :first) WHERE mask <> 0 OR tag_list IS NOT NULL",
                    {"source": self.source, "first": self.first_new})
        cur.execute("CREATE INDEX temp.wadesk_changed_mask ON wadesk_changed (mask, tag_list IS NULL)")
        groups = cur.execute("SELECT mask, tag_list IS NULL, count(*) FROM temp.wadesk_changed GROUP BY 1, 2").fetchall()
        updated = sum(n for m, _t, n in groups if m)
        counts["customers_updated"] += updated
        first = self.bulk.new_ids(ImportChange.__table__, updated)[0] if updated and import_id is not None else 0
        for m, no_tags, n in groups:
            changed = [f for bit, f in enumerate(WRITTEN) if m >> bit & 1]
            group = {"m": m, "t": no_tags, "now": now, "source": self.source, "first": first, "import": import_id}
            if changed and import_id is not None:
                # The values before, as ChangeLog.add_updated keeps them (datetimes as {"__dt": ...}).
                data = ", ".join(f"'{f}', {_before(f)}" for f in (*changed, "updated_at"))
                cur.execute("INSERT INTO import_changes (id, import_id, entity, action, entity_id, data) SELECT"
                            " :first + row_number() OVER (ORDER BY ch.id) - 1, :import, 'customer', 'updated', c.id,"
                            f" json_object({data}) FROM temp.wadesk_changed ch JOIN customers c ON c.id = ch.id"
                            " WHERE ch.mask = :m AND (ch.tag_list IS NULL) = :t", group)
                first += n
            sets_ = [f"{f} = {to[f]}" for f in changed] + (["updated_at = :now"] if changed else []) + (
                [] if no_tags else ["tag_list = ch.tag_list"])
            cur.execute(f"UPDATE customers AS c SET {', '.join(sets_)} FROM temp.wadesk_changed ch"
                        " JOIN temp.wadesk_list l ON l.id = ch.id"
                        " WHERE ch.mask = :m AND (ch.tag_list IS NULL) = :t AND c.id = ch.id", group)

    def close(self) -> None:
        """Drops the temp tables (they would otherwise live as long as the connection), and gives
        the temp page cache back."""
        for t in ("wadesk_list", "wadesk_tags", "wadesk_links", "wadesk_tag_lists", "wadesk_changed"):
            self.cur.execute(f"DROP TABLE IF EXISTS temp.{t}")
        if self.temp_cache is not None:
            self.cur.execute(f"PRAGMA temp.cache_size = {int(self.temp_cache)}")
