"""
The yardstick for issue 15's SQLite import target: what a plain Python script does with the same
generic orders CSV. Standard library only (csv + sqlite3), one transaction, executemany, into
tables with the same columns, keys and indexes as Rekindle's customers and orders (created up
front, as a script would). It converts what Rekindle stores converted: amounts to minor units,
times to UTC, the order's day in the shop's time zone, items as a JSON list. It checks nothing
else. Prints {"rows": N, "seconds": S} (the whole script, start-up included, is timed outside).

usage: python3 importYardstick.py FILE.csv DATABASE.sqlite [TIME_ZONE]
"""
import csv
import json
import sqlite3
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

SCHEMA = """
CREATE TABLE customers (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, external_id varchar(191), email varchar(320),
  first_name varchar(200), last_name varchar(200), consent varchar(8) NOT NULL DEFAULT ('unknown'), consent_source varchar(40),
  consent_at varchar(24), profile_at varchar(24), created_at varchar(24) NOT NULL, updated_at varchar(24) NOT NULL);
CREATE TABLE orders (order_id varchar(191) PRIMARY KEY NOT NULL, customer_id integer NOT NULL, ordered_at varchar(24) NOT NULL,
  ordered_day varchar(10) NOT NULL, currency varchar(3) NOT NULL, amount_minor bigint NOT NULL, refunded_minor bigint NOT NULL DEFAULT (0),
  status varchar(12) NOT NULL, discount_code varchar(100), items text NOT NULL DEFAULT ('[]'), import_batch_id integer, source_line integer,
  order_name varchar(191), FOREIGN KEY (customer_id) REFERENCES customers (id)) WITHOUT ROWID;
CREATE UNIQUE INDEX customers_external_id ON customers (external_id);
CREATE INDEX customers_email ON customers (email);
CREATE INDEX customers_first_name_lower ON customers (lower(first_name));
CREATE INDEX customers_last_name_lower ON customers (lower(last_name));
CREATE INDEX orders_customer_day ON orders (customer_id, ordered_day, order_id, currency, status, amount_minor, refunded_minor);
"""


def main(path, database, zone_name="Europe/Berlin"):
    zone = ZoneInfo(zone_name)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    db = sqlite3.connect(database)
    db.executescript(SCHEMA)
    customers = {}
    customer_rows = []
    rows = 0

    def orders(reader):
        # Orders stream into executemany as they are read; their customers are collected and go
        # in after them (Python's sqlite3 leaves foreign keys off, as a plain script would).
        nonlocal rows
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        for line, row in enumerate(reader, start=2):
            external_id = row[col["customer_id"]]
            customer = customers.get(external_id)
            if customer is None:
                customer = customers[external_id] = len(customers) + 1
                customer_rows.append((customer, external_id, row[col["email"]], row[col["first_name"]], now, now))
            at = datetime.fromisoformat(row[col["ordered_at"]])
            rows += 1
            yield (
                row[col["order_id"]], customer,
                at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"), at.astimezone(zone).strftime("%Y-%m-%d"),
                row[col["currency"]], round(float(row[col["amount"]]) * 100), "kept",
                json.dumps(row[col["items"]].split("|"), separators=(",", ":")), 1, line,
            )

    with open(path, newline="", encoding="utf-8") as f, db:
        db.executemany(
            "INSERT INTO orders (order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, status, items, import_batch_id, source_line)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", orders(csv.reader(f)))
        db.executemany(
            "INSERT INTO customers (id, external_id, email, first_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", customer_rows)
    db.close()
    print(json.dumps({"rows": rows, "customers": len(customer_rows)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
