"""Open fee balances counted per due date, so that the `total` of the defaulters list adds
up a few rows instead of counting every open balance past due at each request.

``GET /fee-payments/defaulters`` counts the structures past their due date with a balance
left. Migration 5 keeps those balances in ``fee_balances`` with a partial index on the
open ones, and the count was an index-only scan of every entry past due: about 20,000 at
50,000 students, 2 ms of the backend's CPU per request, the most of the whole read.
"Past due" is relative to today, which no stored count can hold; but a university has few
due dates (8 for 70,000 open balances at that size), so ``fee_open_counts`` keeps the
number of open balances per due date and the total is the sum of the rows before today.

Statement triggers on ``fee_balances`` (whose own triggers follow every payment and
structure write) add what each INSERT, UPDATE or DELETE changed, from its transition
tables, in the writer's transaction: one grouped upsert taking its rows' locks in due-date
order, as the count tables of migrations 5 and 9 do. A count row may reach 0 and stays;
TRUNCATE of ``fee_balances`` (a cascade from ``fee_structures``) empties the counts. The
table is plain SQL outside the Tortoise models; dashboard/services/fees.py reads it and
tests/services/test_read_path_counts.py recounts it from the balances.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

TABLES = ("fee_open_counts",)
TRIGGERS = (
    ("fee_balances", "tr_fee_open_counts_insert"),
    ("fee_balances", "tr_fee_open_counts_update"),
    ("fee_balances", "tr_fee_open_counts_delete"),
    ("fee_balances", "tr_fee_open_counts_truncate"),
)

# The change in open balances per due date that a statement made.
_ADDED = "SELECT due_date, 1 AS n FROM added WHERE paid < total_fee"
_REMOVED = "SELECT due_date, -1 AS n FROM removed WHERE paid < total_fee"


def _apply(changes: str) -> str:
    return f"""
    INSERT INTO fee_open_counts AS c (due_date, open_balances)
    SELECT due_date, sum(n) FROM ({changes}) d GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1
    ON CONFLICT (due_date) DO UPDATE SET open_balances = c.open_balances + EXCLUDED.open_balances;"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS fee_open_counts (
    due_date DATE PRIMARY KEY,
    open_balances INT NOT NULL
);
DELETE FROM fee_open_counts;
INSERT INTO fee_open_counts (due_date, open_balances)
SELECT due_date, count(*) FROM fee_balances WHERE paid < total_fee GROUP BY 1;

CREATE OR REPLACE FUNCTION fee_open_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN{_apply(_ADDED)}
    ELSIF TG_OP = 'DELETE' THEN{_apply(_REMOVED)}
    ELSE{_apply(_ADDED + " UNION ALL " + _REMOVED)}
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION fee_open_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM fee_open_counts;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS tr_fee_open_counts_insert ON fee_balances;
CREATE TRIGGER tr_fee_open_counts_insert AFTER INSERT ON fee_balances
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION fee_open_counts_changed();
DROP TRIGGER IF EXISTS tr_fee_open_counts_update ON fee_balances;
CREATE TRIGGER tr_fee_open_counts_update AFTER UPDATE ON fee_balances
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION fee_open_counts_changed();
DROP TRIGGER IF EXISTS tr_fee_open_counts_delete ON fee_balances;
CREATE TRIGGER tr_fee_open_counts_delete AFTER DELETE ON fee_balances
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION fee_open_counts_changed();
DROP TRIGGER IF EXISTS tr_fee_open_counts_truncate ON fee_balances;
CREATE TRIGGER tr_fee_open_counts_truncate AFTER TRUNCATE ON fee_balances
    FOR EACH STATEMENT EXECUTE FUNCTION fee_open_counts_truncate();
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    triggers = "\n".join(f"DROP TRIGGER IF EXISTS {name} ON {table};" for table, name in TRIGGERS)
    return f"""
{triggers}
DROP FUNCTION IF EXISTS fee_open_counts_changed();
DROP FUNCTION IF EXISTS fee_open_counts_truncate();
DROP TABLE IF EXISTS fee_open_counts;
"""
