"""Cheap SQL for the hot paths (issue #4: the booking engine's throughput).

On a booking, compiling each ORM statement (query building, joins, converters) cost
more Python time than the database spent running it. These helpers build the SQL
text of an INSERT / UPDATE / SELECT once per model (and per field list), then only
adapt the values, through the model fields themselves (`pre_save` for auto_now,
`get_db_prep_save` for JSON, decimals and datetimes), so the rows written are the
ones `Model.save()` would write, and the instances read are real model instances
(`Model.from_db`). Same SQL on PostgreSQL and SQLite (>= 3.35: RETURNING).

Use them only on hot paths; everywhere else the ORM reads better.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import signals
from django.db.models.base import ModelState


def db() -> Any:
    """The default connection's wrapper itself: `connection` is a proxy that looks the
    wrapper up (a thread-local read) on every attribute, and a booking reads about two
    hundred of them."""
    return connections[DEFAULT_DB_ALIAS]


def cursor() -> Any:
    """A cursor for the hot statements. On PostgreSQL a server-side-binding psycopg
    cursor on Django's own connection (same transaction, same loaders, wrapped by Django
    so errors become django.db errors and queries are logged as usual): psycopg then
    prepares a statement run `prepare_threshold` (5) times on a connection and from
    then on sends only its parameters, sparing PostgreSQL the parse and plan of each
    booking's dozen statements. Django's own cursors keep client-side binding, so the
    rest of the code is unchanged (settings: SMARTWORK_PG_PREPARE_THRESHOLD).

    One psycopg cursor per connection serves every statement (made with its time-zone
    loader once, not per statement); leaving the `with` block does not close it."""
    conn = db()
    if conn.vendor != "postgresql":
        return conn.cursor()
    conn.ensure_connection()
    conn.validate_thread_sharing()
    pg = conn.connection
    kept = getattr(conn, "_fastsql_cursor", None)
    if kept is None or kept[0] is not pg or kept[1].closed:
        kept = (pg, _raw_cursor(conn, pg))
        conn._fastsql_cursor = kept
    wrapper = conn.make_debug_cursor(kept[1]) if conn.queries_logged else conn.make_cursor(kept[1])
    return _Kept(wrapper)


def _raw_cursor(conn: Any, pg: Any) -> Any:
    import psycopg
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    raw = psycopg.Cursor(pg)
    loader = pg.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if getattr(loader, "timezone", None) != conn.timezone:  # as Django's create_cursor
        register_tzloader(conn.timezone, raw)
    return raw


class _Kept:
    """`with cursor() as c:` without closing the kept psycopg cursor at the end."""

    __slots__ = ("wrapper",)

    def __init__(self, wrapper: Any) -> None:
        self.wrapper = wrapper

    def __enter__(self) -> Any:
        return self.wrapper

    def __exit__(self, *exc: object) -> None:
        return None


def qn(name: str | None) -> str:
    assert name is not None
    return connection.ops.quote_name(name)


@cache
def _insert_sql(model: type[models.Model]) -> tuple[str, tuple[models.Field[Any, Any], ...], str]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.generated
                   and not (f.primary_key and isinstance(f, models.AutoField)))
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return (f"INSERT INTO {qn(meta.db_table)} ({columns}) ", fields, marks)


def _plain(value: Any) -> Any:
    # TextChoices members are str subclasses: send their value, whatever the driver does
    # with enums.
    return value.value if isinstance(value, Enum) else value


def prep(field: Any, obj: models.Model, add: bool, conn: Any = None) -> Any:
    """The value `Model.save()` would send for `field`. Integers, strings and booleans
    already of their field's type are sent as they are (what Django's preparation
    returns for them, at a tenth of its cost: a booking's rows have some fifty fields);
    anything else goes through the field (`pre_save`, `get_db_prep_save`)."""
    plain = _PLAIN_TYPES.get(type(field))
    if plain is not None:
        value = getattr(obj, field.attname)
        if value is None or type(value) in plain:
            return value
        if isinstance(value, Enum) and type(value.value) in plain:
            return value.value
    return _plain(field.get_db_prep_save(field.pre_save(obj, add), conn or db()))


# Field classes whose preparation leaves a value of these exact types unchanged (their
# `pre_save` is reading the attribute). Exact classes: a subclass may prepare its own way.
_PLAIN_TYPES: dict[type, tuple[type, ...]] = {
    **{cls: (int,) for cls in (models.IntegerField, models.PositiveIntegerField,
                               models.PositiveSmallIntegerField, models.SmallIntegerField,
                               models.BigIntegerField, models.PositiveBigIntegerField)},
    models.CharField: (str,), models.TextField: (str,), models.BooleanField: (bool,),
    models.ForeignKey: (int,), models.OneToOneField: (int,),
}


def insert[M: models.Model](obj: M, *, where_not_exists: tuple[str, list[Any]] | None = None) -> M | None:
    """INSERT `obj` (auto primary key) and set its pk. With `where_not_exists=(sql,
    params)` the row is written only if that SELECT finds nothing, in the same
    statement (the re-check and the write are one): returns None when it found a row."""
    head, fields, marks = _insert_sql(type(obj))
    conn = db()
    values = [prep(f, obj, True, conn) for f in fields]
    pk = qn(type(obj)._meta.pk.column)
    if where_not_exists is None:
        sql, params = f"{head}VALUES ({marks}) RETURNING {pk}", values
    else:
        guard, guard_params = where_not_exists
        sql = f"{head}SELECT {marks} WHERE NOT EXISTS ({guard}) RETURNING {pk}"
        params = [*values, *guard_params]
    with cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    if row is None:
        return None
    mark_saved(obj, row[0])
    return obj


def insert_parts(obj: models.Model, *, source: str = "",
                 expressions: dict[str, str] | None = None) -> tuple[str, list[Any]]:
    """`INSERT INTO t (cols) SELECT values [FROM source] RETURNING pk` for `obj`, to be
    used as one part of a statement (a data-modifying CTE, PostgreSQL). `expressions`
    replaces the bound value of a column by an SQL expression over `source` (e.g. a
    balance RETURNING'd by an earlier part)."""
    head, fields, _marks = _insert_sql(type(obj))
    expressions = expressions or {}
    conn = db()
    marks, params = [], []
    for f in fields:
        if f.attname in expressions:
            marks.append(expressions[f.attname])
        else:
            marks.append("%s")
            params.append(prep(f, obj, True, conn))
    pk = qn(type(obj)._meta.pk.column)
    tail = f" FROM {source}" if source else ""
    return f"{head}SELECT {', '.join(marks)}{tail} RETURNING {pk}", params


def mark_saved(obj: models.Model, pk: Any) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS


def insert_all(objs: list[models.Model]) -> None:
    """INSERT several rows of any models (auto or preset primary keys) and set their pks.
    PostgreSQL: one statement (one data-modifying CTE per row), so one round trip and
    one statement to execute instead of one per row; SQLite has no such CTE and runs
    in process: one INSERT each."""
    if db().vendor != "postgresql" or len(objs) < 2:
        for obj in objs:
            insert(obj)
        return
    parts, params = [], []
    for i, obj in enumerate(objs):
        sql, values = insert_parts(obj)
        parts.append(f"i{i} AS ({sql})")
        params += values
    select = ", ".join(f"(SELECT {qn(type(o)._meta.pk.column)} FROM i{i})"
                       for i, o in enumerate(objs))
    statement = f"WITH {', '.join(parts)} SELECT {select}"
    with cursor() as cur:
        cur.execute(statement, params)
        row = cur.fetchone()
    for obj, pk in zip(objs, row, strict=True):
        mark_saved(obj, pk)


@cache
def _update_sql(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, tuple[Any, ...]]:
    meta = model._meta
    fields: tuple[Any, ...] = tuple(meta.get_field(n) for n in names)
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    return f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s", fields


def update(obj: models.Model, fields: tuple[str, ...]) -> None:
    """`obj.save(update_fields=fields)` in one cheap UPDATE (an auto_now field named in
    `fields` takes the current time, as with save)."""
    sql, model_fields = _update_sql(type(obj), fields)
    conn = db()
    values = [prep(f, obj, False, conn) for f in model_fields]
    with cursor() as cur:
        cur.execute(sql, [*values, obj.pk])


@cache
def columns(model: type[models.Model], alias: str = "") -> tuple[str, tuple[str, ...]]:
    """The select list of every concrete column of `model` (table alias optional)
    and the attribute names in that order, for `from_row`."""
    prefix = f"{alias}." if alias else f"{qn(model._meta.db_table)}."
    fields = model._meta.concrete_fields
    return (", ".join(prefix + qn(f.column) for f in fields), tuple(f.attname for f in fields))


def from_row[M: models.Model](model: type[M], row: Any, offset: int = 0) -> M:
    """A model instance from `row[offset:]` (as selected by `columns(model)`), with the
    backend's value converters applied (SQLite's decimals, datetimes, JSON)."""
    names = columns(model)[1]
    values = list(row[offset:offset + len(names)])
    converters = _converters(model)
    if converters:
        conn = db()
        for i, conv in converters:
            values[i] = conv(values[i], conn)
    if not _initless(model):
        return model.from_db(DEFAULT_DB_ALIAS, names, values)
    # What from_db gives (every concrete field set, `adding` False, the alias), without
    # Model.__init__'s per-field setattr: about 40 us an instance in a request.
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, values, strict=True))
    state = obj._state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    return obj


@cache
def _plain_class(model: type[models.Model]) -> bool:
    from django.conf import settings

    return (model.__init__ is models.Model.__init__
            and model.from_db.__func__ is models.Model.from_db.__func__  # type: ignore[attr-defined]
            and not settings.DATABASE_ROUTERS)


def _initless(model: type[models.Model]) -> bool:
    """Whether an instance of `model` may be built without Model.__init__: neither it nor
    from_db is overridden, no init signal has a receiver, no database router."""
    return (_plain_class(model) and not signals.pre_init.has_listeners(model)
            and not signals.post_init.has_listeners(model))


@cache
def _new_fields(model: type[models.Model]) -> tuple[tuple[Any, str, str, bool], ...]:
    # Model.__init__'s fields with keywords: every field with a column, not generated;
    # True for a many-to-one relation (ForeignKey), set here as its descriptor would.
    return tuple((f, f.name, f.attname, bool(f.many_to_one)) for f in model._meta.fields
                 if f.column is not None and not f.generated)


def new[M: models.Model](model: type[M], **values: Any) -> M:
    """`model(**values)` (an unsaved instance: defaults for what is not given, a related
    instance cached for its foreign key) without Model.__init__'s generic path, which
    costs 50-150 us an instance in a request; for the hot path's rows. Anything else
    than fields, foreign keys given as instances, None or ids, and properties goes
    through Django."""
    if not _initless(model):
        return model(**values)
    obj = model.__new__(model)
    d = obj.__dict__
    state = obj._state = ModelState()
    cache = state.fields_cache
    for field, name, attname, fk in _new_fields(model):
        if name in values and name != attname:
            value = values.pop(name)
            if fk and value is None:
                d[attname] = None
                cache[name] = None
            elif fk and isinstance(value, field.remote_field.model):
                d[attname] = getattr(value, field.target_field.attname)
                cache[name] = value
                if state.db is None:  # as the descriptor does, with no router
                    state.db = value._state.db or DEFAULT_DB_ALIAS
            else:
                setattr(obj, name, value)  # its descriptor: checks, one-to-one caches
        elif attname in values:
            d[attname] = values.pop(attname)
        else:
            d[attname] = field.get_default()
    for name, value in values.items():  # properties and virtual fields, as Django does
        if name not in model._meta._property_names:  # type: ignore[attr-defined]
            model._meta.get_field(name)  # FieldDoesNotExist for a wrong name
        setattr(obj, name, value)
    return obj


@cache
def _converters(model: type[models.Model]) -> tuple[tuple[int, Any], ...]:
    out = []
    for i, f in enumerate(model._meta.concrete_fields):
        convs = [*connection.ops.get_db_converters(f.get_col(model._meta.db_table)),
                 *f.get_db_converters(connection)]
        if convs:
            col = f.get_col(model._meta.db_table)

            def convert(value: Any, conn: Any, convs: list[Any] = convs, col: Any = col) -> Any:
                for c in convs:
                    value = c(value, col, conn)
                return value

            out.append((i, convert))
    return tuple(out)


def convert(model: type[models.Model], name: str, value: Any) -> Any:
    """One column's value as the ORM gives it (e.g. an aware datetime on SQLite)."""
    names = columns(model)[1]
    field: Any = model._meta.get_field(name)
    index = names.index(field.attname)
    for i, conv in _converters(model):
        if i == index:
            return conv(value, db())
    return value
