"""What every program figure is made of: a `Table` of rows read by one raw statement."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection


@dataclass(frozen=True)
class Table:
    """One figure: a slug (its CSV name), a title, column headings and rows of values."""

    slug: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple]


def rows_of(sql: str, params: dict) -> list[tuple]:
    """The rows of one statement."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def percent(part: int, whole: int) -> Decimal | None:
    """part of whole in percent to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def days(value) -> Decimal | None:
    """A median number of days from PostgreSQL (a float) to one decimal; None for none."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"))
