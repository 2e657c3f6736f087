"""A version of the rooms and hostels, so that each web worker can keep the available-rooms
list it last sent and send it again while nothing it shows has changed.

``GET /hostel-rooms/available`` is the same list of about 1,300 rooms for every signed-in
user. Reading and encoding it costs about 7 ms of CPU per request at 50,000 students, and
it changes only when a room or a hostel does. ``available_rooms_version`` holds one row:
``epoch`` (random, new whenever the row is created again) and ``version`` (from its own
sequence, so it never repeats, even after the row is deleted and created again).

Every transaction that inserts, updates or deletes a room or a hostel moves ``version``
on, once, at its commit and in that commit: the triggers are constraint triggers,
DEFERRABLE INITIALLY DEFERRED, so the version row is the last lock such a transaction
takes. Taken at the first write instead, it would deadlock two transfers that lock the
same two rooms in opposite orders (each holding one room and the version row, or
waiting for it). A TRUNCATE of either table moves the version as well.

dashboard/services/hostels.py reads the version before and after reading the list and
keeps the list only when both reads agree: no room or hostel changed between them, so
the list is the one of that version. A later request that reads the same epoch and
version sends the kept list; any other answer reads the rooms again.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE SEQUENCE IF NOT EXISTS available_rooms_version_seq;
CREATE TABLE IF NOT EXISTS available_rooms_version (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    epoch UUID NOT NULL DEFAULT gen_random_uuid(),
    version BIGINT NOT NULL DEFAULT nextval('available_rooms_version_seq')
);
INSERT INTO available_rooms_version DEFAULT VALUES ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION available_rooms_version_bump() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction: a statement touching a thousand rooms moves it once.
    IF current_setting('dashboard.available_rooms_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('dashboard.available_rooms_bumped', txid_current()::text, true);
        -- UPDATE first: an upsert would draw the INSERT's default from the sequence too.
        UPDATE available_rooms_version SET version = nextval('available_rooms_version_seq');
        IF NOT FOUND THEN
            INSERT INTO available_rooms_version DEFAULT VALUES
            ON CONFLICT (singleton) DO UPDATE SET version = nextval('available_rooms_version_seq');
        END IF;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION available_rooms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM available_rooms_version_bump();
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS tr_available_rooms_room_changed ON hostel_rooms;
CREATE CONSTRAINT TRIGGER tr_available_rooms_room_changed AFTER INSERT OR UPDATE OR DELETE ON hostel_rooms
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION available_rooms_changed();
DROP TRIGGER IF EXISTS tr_available_rooms_hostel_changed ON hostels;
CREATE CONSTRAINT TRIGGER tr_available_rooms_hostel_changed AFTER INSERT OR UPDATE OR DELETE ON hostels
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION available_rooms_changed();
DROP TRIGGER IF EXISTS tr_available_rooms_rooms_truncated ON hostel_rooms;
CREATE TRIGGER tr_available_rooms_rooms_truncated AFTER TRUNCATE ON hostel_rooms
    FOR EACH STATEMENT EXECUTE FUNCTION available_rooms_changed();
DROP TRIGGER IF EXISTS tr_available_rooms_hostels_truncated ON hostels;
CREATE TRIGGER tr_available_rooms_hostels_truncated AFTER TRUNCATE ON hostels
    FOR EACH STATEMENT EXECUTE FUNCTION available_rooms_changed();
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TRIGGER IF EXISTS tr_available_rooms_room_changed ON hostel_rooms;
DROP TRIGGER IF EXISTS tr_available_rooms_hostel_changed ON hostels;
DROP TRIGGER IF EXISTS tr_available_rooms_rooms_truncated ON hostel_rooms;
DROP TRIGGER IF EXISTS tr_available_rooms_hostels_truncated ON hostels;
DROP FUNCTION IF EXISTS available_rooms_changed();
DROP FUNCTION IF EXISTS available_rooms_version_bump();
DROP TABLE IF EXISTS available_rooms_version;
DROP SEQUENCE IF EXISTS available_rooms_version_seq;
"""
