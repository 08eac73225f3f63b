"""The customer table's queries: count, sorted pages of ids and row fields, instant search.

CONTRACT (used by wadesk/ui/customers/table_model.py). Implemented by the CRM core work.
Must stay fast at 1,000,000 customers: every call below <= 100 ms there (see tests/perf).

How it stays fast (portable SQLAlchemy Core, no SQLite-only SQL):
- Every sortable column has its own index; on SQLite an index also holds the rowid (our id), so
  `ORDER BY col, id LIMIT/OFFSET` walks a covering index and never sorts.
- Past the middle, a page is read from the other end in reverse order and flipped, so the last
  page costs what the first does.
- Search terms are prefix *ranges* (`col >= 'sha' AND col < 'shb'`) rather than LIKE, because
  LIKE only uses an index under special collations. Sorted by name (the default), every term is
  read from an index that also holds name_key, keeping only the top rows each term can
  contribute. Other sorts: few matches are fetched through the search indexes and sorted; many
  matches walk the sort index and filter (search columns wrapped so the planner can't choose
  otherwise), whichever costs fewer row reads.
Measured figures: tests/perf/test_customer_query_perf.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Sequence

from sqlalchemy import ColumnElement, and_, func, or_, select, union, union_all
from sqlalchemy.orm import Session

from wadesk.core.crm.phones import calling_code, normalise_phone, search_digits
from wadesk.core.db.models import Customer

# Table columns, in display order: key -> (header, sortable column on customers).
COLUMNS: list[tuple[str, str]] = [
    ("name", "Name"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("city", "City"),
    ("tags", "Tags"),
    ("orders", "Orders"),
    ("total_spent", "Total spent"),
    ("last_order", "Last order"),
    ("consent", "Consent"),
]

# The column each table column sorts by (each has an index).
SORT_COLUMNS = {
    "name": Customer.name_key,
    "phone": Customer.phone,
    "email": Customer.email,
    "city": Customer.city,
    "tags": Customer.tag_list,
    "orders": Customer.order_count,
    "total_spent": Customer.total_spent,
    "last_order": Customer.last_order_at,
    "consent": Customer.consent_state,
}

# Below this offset a plain OFFSET is cheap enough that counting first would cost more.
REVERSE_FROM = 20_000
# Relative cost of reading one row while walking the sort index versus sorting one matched row.
WALK_COST = 3.0


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    phone: str | None  # E.164
    email: str | None
    city: str | None
    tags: str  # "cod, vip"
    orders: int
    total_spent: Decimal
    last_order: datetime | None
    consent: int  # CONSENT_* from models


@dataclass(frozen=True)
class CustomerQuery:
    """What the table shows: an optional search text and a sort."""

    search: str = ""
    sort_key: str = "name"  # one of COLUMNS keys
    descending: bool = False
    default_region: str = "IN"  # how to read a phone typed without +country


# --- search -----------------------------------------------------------------------------------


def name_key(text: str) -> str:
    """The lower-case form names and searches are compared in ("  Rohan  SHARMA" -> "rohan sharma")."""
    return " ".join(text.casefold().split())


def _prefix(col, prefix: str) -> ColumnElement[bool]:
    """`col` starts with `prefix`, as an index-friendly range."""
    last = prefix[-1]
    if ord(last) >= 0x10FFFF:  # cannot bump the last character; a plain >= still uses the index
        return col >= prefix
    return and_(col >= prefix, col < prefix[:-1] + chr(ord(last) + 1))


def _terms(search: str, region: str) -> list[tuple[str, str, str]]:
    """The search as (kind, column name, value) terms, any of which may match.

    kind is "prefix" or "eq". Phone-like text matches phone numbers; other text matches names
    (whole name or last name) and emails."""
    text = search.strip()
    if not text:
        return []
    terms: list[tuple[str, str, str]] = []
    digits = search_digits(text)
    if digits:
        if text.startswith("+") or text.startswith("00"):
            # Typed with its country code: a prefix of the E.164 form.
            full = digits[2:] if text.startswith("00") else digits
            if full:
                terms.append(("prefix", "phone", "+" + full))
        else:
            national = digits.lstrip("0")  # "098765" is how "98765" is dialled inside the country
            if national:
                terms.append(("prefix", "phone_national", national))
            cc = calling_code(region)
            if cc and national.startswith(cc) and len(national) > len(cc):
                terms.append(("prefix", "phone", "+" + national))  # "9198765..." with the 91 in front
            parsed = normalise_phone(text, region)
            if parsed.ok:
                terms.append(("eq", "phone", parsed.e164 or ""))
        if " " not in text:
            terms.append(("prefix", "email", text.lower()))
        return terms
    key = name_key(text)
    terms.append(("prefix", "name_key", key))
    if " " not in key:
        terms.append(("prefix", "last_name_key", key))
    if " " not in text:
        terms.append(("prefix", "email", text.lower()))
    return terms


def _term_clause(kind: str, name: str, value: str, indexable: bool = True) -> ColumnElement[bool]:
    col = getattr(Customer, name)
    if not indexable:
        col = col.concat("")  # an expression, so the planner cannot use this column's index
    return col == value if kind == "eq" else _prefix(col, value)


def _filter(terms: list[tuple[str, str, str]], indexable: bool = True) -> ColumnElement[bool] | None:
    """OR of the terms (the planner can combine the indexes: SQLite's multi-index OR, PG's BitmapOr)."""
    if not terms:
        return None
    parts = [_term_clause(*t, indexable=indexable) for t in terms]
    return or_(*parts) if len(parts) > 1 else parts[0]


def _matching_ids(terms: list[tuple[str, str, str]]):
    """The matching ids as a UNION ALL of one index range scan per term (covering: id is in every
    index), for `id IN (...)`: the planner then fetches just those rows and sorts them."""
    selects = [select(Customer.id).where(_term_clause(*t)) for t in terms]
    return selects[0] if len(selects) == 1 else union_all(*selects)


def _sorted(stmt, col, rowid, desc: bool):
    """ORDER BY col, id with NULLs first ascending (SQLite's natural order; PostgreSQL's default is
    the opposite, so it is spelled out: both databases then page identically, SQLite's plan unchanged)."""
    if desc:
        return stmt.order_by(col.desc().nulls_last(), rowid.desc())
    return stmt.order_by(col.asc().nulls_first(), rowid.asc())


def _covered_matches(terms, sort_col, desc: bool, need: int, bound_all: bool):
    """Matches in sort order when one term is a range on the sort column itself (a name search
    sorted by name). Every term's rows come with their sort value from an index alone (the
    (last_name_key, name_key) and (email, name_key) indexes exist for this), and only the first
    `need` of each term can be in the first `need` overall: the sort column's own term stops
    after `need` rows of its index; near the ends (`bound_all`) the others keep a bounded
    top-`need` while scanning, deeper in they are cheaper collected whole."""
    def ordered(stmt, key, rowid):
        return _sorted(stmt, key, rowid, desc)

    arms = []
    for t in terms:
        arm = select(Customer.id.label("id"), sort_col.label("k")).where(_term_clause(*t))
        if bound_all or t[1] == sort_col.key:
            top = ordered(arm, sort_col, Customer.id).limit(need).subquery()
            arm = select(top.c.id, top.c.k)
        arms.append(arm)
    u = union(*arms).subquery()  # UNION: a row may match several terms
    return ordered(select(u.c.id), u.c.k, u.c.id)


# --- the contract -----------------------------------------------------------------------------


def count(session: Session, query: CustomerQuery) -> int:
    """Number of customers matching the query."""
    stmt = select(func.count()).select_from(Customer)
    where = _filter(_terms(query.search, query.default_region))
    if where is not None:
        stmt = stmt.where(where)
    return session.scalar(stmt) or 0


def _ordered(query: CustomerQuery, reverse: bool, where: ColumnElement[bool] | None):
    col = SORT_COLUMNS.get(query.sort_key)
    if col is None:
        raise ValueError(f"Cannot sort customers by '{query.sort_key}'.")
    desc = query.descending != reverse
    stmt = select(Customer.id)
    if where is not None:
        stmt = stmt.where(where)
    return _sorted(stmt, col, Customer.id, desc)


def page_ids(session: Session, query: CustomerQuery, offset: int, limit: int) -> list[int]:
    """Ids of rows offset..offset+limit-1 in the query's order (ties broken by id)."""
    if limit <= 0 or offset < 0:
        return []
    terms = _terms(query.search, query.default_region)
    sort_col = SORT_COLUMNS.get(query.sort_key)
    covered = (sort_col is not None and sort_col.key == "name_key" and len(terms) > 1
               and any(t[1] == "name_key" for t in terms))
    if offset < REVERSE_FROM and (not terms or covered):  # near the top no count is needed
        if not terms:
            return list(session.scalars(_ordered(query, False, None).offset(offset).limit(limit)))
        stmt = _covered_matches(terms, sort_col, query.descending, offset + limit, True)
        return list(session.scalars(stmt.offset(offset).limit(limit)))
    n = count(session, query)
    if offset >= n:
        return []
    limit = min(limit, n - offset)
    reverse = offset > n // 2
    # Rows to skip from whichever end we read: the last page skips nothing.
    skip = n - offset - limit if reverse else offset
    where = None
    if terms:
        if covered:
            need = skip + limit
            stmt = _covered_matches(terms, sort_col, query.descending != reverse, need, need * 8 <= n)
            ids = list(session.scalars(stmt.offset(skip).limit(limit)))
            return ids[::-1] if reverse else ids
        where = Customer.id.in_(_matching_ids(terms))
        searched = {"phone" if name == "phone_national" else name for _, name, _ in terms}
        if sort_col.key not in searched:
            # Matches are spread evenly over the sort order, so walking the sort index reads about
            # (skip + limit) / density rows; collecting and sorting them costs about n.
            total = count(session, CustomerQuery(sort_key=query.sort_key))
            if (skip + limit) * total / n * WALK_COST < n:
                where = _filter(terms, indexable=False)
    ids = list(session.scalars(_ordered(query, reverse, where).offset(skip).limit(limit)))
    if reverse:
        ids.reverse()
    return ids


def fetch_rows(session: Session, ids: Sequence[int]) -> list[CustomerRow]:
    """Row fields for these ids, in the same order as given (missing ids are skipped)."""
    if not ids:
        return []
    c = Customer
    found: dict[int, CustomerRow] = {}
    unique = list(dict.fromkeys(ids))
    for i in range(0, len(unique), 900):  # stay under every database's bound-parameter limit
        stmt = select(
            c.id, c.name, c.phone, c.email, c.city, c.tag_list, c.order_count, c.total_spent,
            c.last_order_at, c.consent_state,
        ).where(c.id.in_(unique[i : i + 900]))
        for r in session.execute(stmt):
            found[r[0]] = CustomerRow(
                id=r[0], name=r[1] or "", phone=r[2], email=r[3], city=r[4], tags=r[5] or "",
                orders=r[6] or 0, total_spent=Decimal(r[7] if r[7] is not None else 0),
                last_order=r[8], consent=r[9] or 0,
            )
    return [found[i] for i in ids if i in found]
