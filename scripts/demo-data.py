#!/usr/bin/env python3
"""The demo warehouse: small, deterministic sales data.

    python3 scripts/demo-data.py --sql [--role ROLE]   PostgreSQL script on stdout (one transaction;
                                                      with --role, the tables belong to ROLE);
                                                      scripts/postgres.sh loads it into `sales`
    python3 scripts/demo-data.py PATH                 the same rows as a SQLite file (for a test
                                                      that wants SQLite on purpose)

Tables:
  orders(order_id, order_date, customer_id, region, product_line, quantity,
         unit_price, amount, status)     5,000 rows over 2025-01-01..2025-12-31
  customers(customer_id, name, country, segment, signup_date)     300 rows

Same seed, same rows, on every run. A SQLite file is rebuilt from scratch in a
temporary file and renamed over the old one, so readers never see a half-written
database; prints its absolute path. Standard library only.
"""

import datetime as dt
import os
import random
import sqlite3
import sys
from pathlib import Path

SEED = 20250101
N_CUSTOMERS = 300
N_ORDERS = 5000
YEAR_START = dt.date(2025, 1, 1)
YEAR_END = dt.date(2025, 12, 31)

REGIONS = ["North", "South", "East", "West"]
REGION_WEIGHTS = [30, 20, 28, 22]
# product line -> (weight, min unit price, max unit price, max quantity)
PRODUCT_LINES = {
    "Bikes": (15, 450.0, 3200.0, 3),
    "Accessories": (40, 5.0, 120.0, 10),
    "Clothing": (30, 15.0, 180.0, 6),
    "Components": (15, 20.0, 600.0, 5),
}
STATUSES = ["shipped", "cancelled", "returned"]
STATUS_WEIGHTS = [90, 6, 4]
COUNTRIES = ["United States", "Canada", "United Kingdom", "Germany", "France", "Australia"]
COUNTRY_WEIGHTS = [35, 10, 15, 15, 15, 10]
SEGMENTS = ["Consumer", "Corporate", "Small Business"]
SEGMENT_WEIGHTS = [60, 25, 15]
FIRST_NAMES = [
    "Ava", "Ben", "Chloe", "Daniel", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jack",
    "Kara", "Liam", "Maya", "Noah", "Olivia", "Paul", "Quinn", "Rosa", "Sam", "Tara",
    "Umar", "Vera", "Will", "Xena", "Yusuf", "Zoe",
]
LAST_NAMES = [
    "Adams", "Baker", "Clark", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
    "Jones", "Khan", "Lopez", "Martin", "Nguyen", "Olsen", "Patel", "Rossi", "Schmidt",
    "Taylor", "Weber",
]
# Seasonality: relative order volume per month (cycling peaks in spring and summer).
MONTH_WEIGHTS = [5, 5, 8, 10, 11, 12, 12, 10, 8, 7, 6, 6]

SCHEMA = """
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    name TEXT,
    country TEXT,
    segment TEXT,
    signup_date DATE
);
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    order_date DATE,
    customer_id INTEGER,
    region TEXT,
    product_line TEXT,
    quantity INTEGER,
    unit_price REAL,
    amount REAL,
    status TEXT
);
CREATE INDEX orders_order_date ON orders (order_date);
CREATE INDEX orders_customer_id ON orders (customer_id);
"""


def customers(rng: random.Random) -> list[tuple]:
    signup_start = dt.date(2022, 1, 1)
    span = (dt.date(2025, 11, 30) - signup_start).days
    rows = []
    for customer_id in range(1, N_CUSTOMERS + 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        segment = rng.choices(SEGMENTS, SEGMENT_WEIGHTS)[0]
        signup = signup_start + dt.timedelta(days=rng.randrange(span + 1))
        rows.append((customer_id, name, country, segment, signup.isoformat()))
    return rows


def orders(rng: random.Random, customer_rows: list[tuple]) -> list[tuple]:
    days_by_month: dict[int, list[dt.date]] = {}
    day = YEAR_START
    while day <= YEAR_END:
        days_by_month.setdefault(day.month, []).append(day)
        day += dt.timedelta(days=1)
    lines = list(PRODUCT_LINES)
    line_weights = [PRODUCT_LINES[line][0] for line in lines]
    dates = sorted(
        rng.choice(days_by_month[month])
        for month in rng.choices(range(1, 13), MONTH_WEIGHTS, k=N_ORDERS)
    )
    rows = []
    for order_id, order_date in enumerate(dates, start=1):
        iso = order_date.isoformat()
        # a customer who had signed up by the order date (the earliest one otherwise)
        eligible = [c for c in customer_rows if c[4] <= iso] or customer_rows[:1]
        customer_id = rng.choice(eligible)[0]
        product_line = rng.choices(lines, line_weights)[0]
        _, low, high, max_qty = PRODUCT_LINES[product_line]
        quantity = rng.randint(1, max_qty)
        unit_price = round(rng.uniform(low, high), 2)
        amount = round(quantity * unit_price, 2)
        region = rng.choices(REGIONS, REGION_WEIGHTS)[0]
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        rows.append(
            (order_id, iso, customer_id, region, product_line, quantity, unit_price, amount, status)
        )
    return rows


def build(path: Path) -> None:
    rng = random.Random(SEED)
    customer_rows = customers(rng)
    order_rows = orders(rng, customer_rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(tmp)
        try:
            db.executescript(SCHEMA)
            db.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?)", customer_rows)
            db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", order_rows)
            db.commit()
        finally:
            db.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


PG_SCHEMA = """
CREATE TABLE customers (
    customer_id integer PRIMARY KEY,
    name text NOT NULL,
    country text NOT NULL,
    segment text NOT NULL,
    signup_date date NOT NULL
);
CREATE TABLE orders (
    order_id integer PRIMARY KEY,
    order_date date NOT NULL,
    customer_id integer NOT NULL REFERENCES customers (customer_id),
    region text NOT NULL,
    product_line text NOT NULL,
    quantity integer NOT NULL,
    unit_price double precision NOT NULL,
    amount double precision NOT NULL,
    status text NOT NULL
);
CREATE INDEX orders_order_date ON orders (order_date);
CREATE INDEX orders_customer_id ON orders (customer_id);
"""


def sql_literal(value: object) -> str:
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def sql_script(role: str | None) -> str:
    rng = random.Random(SEED)
    customer_rows = customers(rng)
    order_rows = orders(rng, customer_rows)
    out = ["BEGIN;"]
    if role:
        if not role.replace("_", "").isalnum():
            raise SystemExit(f"--role {role!r}: letters, digits and _ only")
        out.append(f"SET LOCAL ROLE {role};")
    out.append(PG_SCHEMA.strip())
    for table, rows in (("customers", customer_rows), ("orders", order_rows)):
        for start in range(0, len(rows), 500):
            values = ",\n".join(
                "(" + ", ".join(sql_literal(v) for v in row) + ")" for row in rows[start : start + 500]
            )
            out.append(f"INSERT INTO {table} VALUES\n{values};")
    out.append("COMMIT;")
    return "\n".join(out) + "\n"


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--sql"]:
        role = args[2] if args[1:2] == ["--role"] and len(args) == 3 else None
        if len(args) not in (1, 3) or (len(args) == 3 and role is None):
            print("usage: demo-data.py --sql [--role ROLE] | demo-data.py PATH", file=sys.stderr)
            return 2
        sys.stdout.write(sql_script(role))
        return 0
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: demo-data.py --sql [--role ROLE] | demo-data.py PATH", file=sys.stderr)
        return 2
    path = Path(args[0]).resolve()
    build(path)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
