"""Names, codes, user names and emails unique ignoring case (the ``_ci`` unique indexes of
models/constraints.py).

The services refuse "PHYSICS" when "Physics" exists, but only the database can refuse it
when both are created at once; the columns' own UNIQUE constraints are case-sensitive.
Catalogue tables fold with UPPER, users with LOWER. On a database that already holds two
rows differing only in case, the upgrade fails on that index and changes nothing: merge
or rename the rows first.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE UNIQUE INDEX IF NOT EXISTS uq_users_user_name_ci ON users (LOWER(user_name));
CREATE UNIQUE INDEX IF NOT EXISTS uq_users_email_ci ON users (LOWER(email));
CREATE UNIQUE INDEX IF NOT EXISTS uq_departments_name_ci ON departments (UPPER(name));
CREATE UNIQUE INDEX IF NOT EXISTS uq_departments_code_ci ON departments (UPPER(code));
CREATE UNIQUE INDEX IF NOT EXISTS uq_programs_name_ci ON programs (UPPER(name));
CREATE UNIQUE INDEX IF NOT EXISTS uq_programs_code_ci ON programs (UPPER(code));
CREATE UNIQUE INDEX IF NOT EXISTS uq_courses_name_ci ON courses (UPPER(name));
CREATE UNIQUE INDEX IF NOT EXISTS uq_courses_code_ci ON courses (UPPER(code));
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP INDEX IF EXISTS uq_courses_code_ci;
DROP INDEX IF EXISTS uq_courses_name_ci;
DROP INDEX IF EXISTS uq_programs_code_ci;
DROP INDEX IF EXISTS uq_programs_name_ci;
DROP INDEX IF EXISTS uq_departments_code_ci;
DROP INDEX IF EXISTS uq_departments_name_ci;
DROP INDEX IF EXISTS uq_users_email_ci;
DROP INDEX IF EXISTS uq_users_user_name_ci;
"""
