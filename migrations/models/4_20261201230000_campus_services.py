"""Campus services (fees, library, hostels): the two tables the ORM models do not hold,
the indexes the defaulters list and the book search read, and their CHECKs (declared in
models/constraints.py: ``CAMPUS_TABLES`` and ``CONSTRAINTS``).

- ``fee_payment_idempotency_keys``: one row per (cashier, Idempotency-Key) of
  ``POST /fee-payments``, written in the payment's own transaction, so a retried request
  finds the first payment instead of making a second one.
- ``library_fine_payments``: who took which fine payment, and when (pay-fine keeps a
  record of the money, not only the lower balance).

They are plain SQL tables rather than Tortoise models so that aerich's model snapshot
(``MODELS_STATE`` of the earlier migrations) is unchanged and ``aerich migrate`` still
finds nothing to do; the services read and write them with SQL.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE TABLE IF NOT EXISTS fee_payment_idempotency_keys (
    id SERIAL PRIMARY KEY,
    user_id INT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    payment_id INT NULL REFERENCES fee_payments (id) ON DELETE RESTRICT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT uq_fee_payment_idempotency_keys_user_key UNIQUE (user_id, idempotency_key)
);
CREATE TABLE IF NOT EXISTS library_fine_payments (
    id SERIAL PRIMARY KEY,
    book_issue_id INT NOT NULL REFERENCES book_issues (id) ON DELETE RESTRICT,
    amount NUMERIC(12,2) NOT NULL,
    received_by_id INT NOT NULL REFERENCES admin_staff (id) ON DELETE RESTRICT,
    paid_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    remarks TEXT NULL
);
ALTER TABLE library_fine_payments ADD CONSTRAINT ck_library_fine_payments_amount_positive CHECK (amount > 0);
CREATE INDEX IF NOT EXISTS ix_library_fine_payments_issue ON library_fine_payments (book_issue_id) WHERE true;
CREATE INDEX IF NOT EXISTS ix_fee_structures_due ON fee_structures (due_date) WHERE true;
CREATE INDEX IF NOT EXISTS ix_fee_payments_completed ON fee_payments (fee_structure_id) INCLUDE (amount_paid) WHERE payment_status = 'completed';
DO $trgm$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_library_books_isbn ON library_books USING gin ((UPPER(CAST(isbn AS VARCHAR))) gin_trgm_ops)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_library_books_category ON library_books USING gin ((UPPER(CAST(category AS VARCHAR))) gin_trgm_ops)$ddl$;
        EXECUTE $ddl$CREATE INDEX IF NOT EXISTS trgm_library_books_publisher ON library_books USING gin ((UPPER(CAST(publisher AS VARCHAR))) gin_trgm_ops)$ddl$;
    END IF;
END
$trgm$;
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP INDEX IF EXISTS trgm_library_books_publisher;
DROP INDEX IF EXISTS trgm_library_books_category;
DROP INDEX IF EXISTS trgm_library_books_isbn;
DROP INDEX IF EXISTS ix_fee_payments_completed;
DROP INDEX IF EXISTS ix_fee_structures_due;
DROP TABLE IF EXISTS library_fine_payments;
DROP TABLE IF EXISTS fee_payment_idempotency_keys;
"""
