import GatewayCrypto
import GRDB

/// The anonymous store's one migration list. Shipped migrations are never edited; add new ones at the end.
enum AnonymousMigrations {
    /// `chain` keys the access log's MACs (v6 chains the entries written before it).
    static func migrator(chain: AuditChain) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // WITHOUT ROWID: rows are kept in order of their random id, not of insertion. (The WAL
        // still records write order until a checkpoint: SECURITY.md, "Time windows".)
        migrator.registerMigration("v1-bookings") { db in
            try db.execute(sql: """
                CREATE TABLE booking (
                    id TEXT PRIMARY KEY NOT NULL,
                    tokenHash BLOB NOT NULL UNIQUE,
                    serviceId TEXT NOT NULL,
                    providerId TEXT NOT NULL,
                    slotId TEXT NOT NULL,
                    startsAt TEXT NOT NULL,
                    endsAt TEXT NOT NULL,
                    seat INTEGER CHECK (seat IS NULL OR seat >= 0),
                    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked-in')),
                    ageBand TEXT NOT NULL,
                    substancesSealed BLOB,
                    interpreterLanguageSealed BLOB,
                    companion INTEGER NOT NULL DEFAULT 0,
                    messageSealed BLOB,
                    bookedOn TEXT NOT NULL CHECK (length(bookedOn) = 10),
                    -- One seat can be held by one live booking only: this, not a prior check, stops double booking.
                    UNIQUE (slotId, seat),
                    -- A checked-in booking keeps its seat until the slot is over; only cancelling frees it.
                    CHECK ((status = 'cancelled') = (seat IS NULL))
                ) WITHOUT ROWID;
                CREATE INDEX booking_slot ON booking (slotId);
                CREATE INDEX booking_provider_start ON booking (providerId, startsAt);
                """)
        }
        migrator.registerMigration("v2-cases") { db in
            try db.execute(sql: """
                CREATE TABLE anonymous_case (
                    code TEXT PRIMARY KEY NOT NULL,
                    serviceId TEXT NOT NULL,
                    providerId TEXT NOT NULL,
                    ageBand TEXT NOT NULL,
                    openedOn TEXT NOT NULL CHECK (length(openedOn) = 10),
                    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                    dischargeReason TEXT CHECK (dischargeReason IN ('completed', 'other-offer', 'hospital', 'other', 'transferred')),
                    caseKeyWrapped BLOB,
                    decision TEXT CHECK (decision IN ('granted', 'refused')),
                    decisionReasonSealed BLOB,
                    referralProviderId TEXT,
                    notesShared INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                ALTER TABLE booking ADD COLUMN caseCode TEXT REFERENCES anonymous_case(code);
                CREATE TABLE case_session (
                    caseCode TEXT NOT NULL REFERENCES anonymous_case(code),
                    number INTEGER NOT NULL CHECK (number >= 1),
                    heldOn TEXT NOT NULL CHECK (length(heldOn) = 10),
                    kind TEXT NOT NULL CHECK (kind IN ('booked', 'walk-in', 'no-show')),
                    PRIMARY KEY (caseCode, number)
                ) WITHOUT ROWID;
                -- At most one live token per case: the primary key says so.
                CREATE TABLE case_live_token (
                    caseCode TEXT PRIMARY KEY NOT NULL REFERENCES anonymous_case(code),
                    tokenHash BLOB NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('booking', 'follow-up'))
                ) WITHOUT ROWID;
                CREATE TABLE case_note (
                    id TEXT PRIMARY KEY NOT NULL,
                    caseCode TEXT NOT NULL REFERENCES anonymous_case(code),
                    providerId TEXT NOT NULL,
                    writtenOn TEXT NOT NULL CHECK (length(writtenOn) = 10),
                    bodySealed BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE access_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    staffPseudonym TEXT NOT NULL,
                    providerId TEXT NOT NULL,
                    action TEXT NOT NULL,
                    caseCode TEXT NOT NULL
                );
                -- Staff cannot edit the access log through the product or plain SQL on this file.
                CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                """)
        }
        migrator.registerMigration("v3-key-check") { db in try StoreKeyCheck.createTable(db) }
        // The access log keeps days, not minutes: a handover's minute singled the person out.
        // Existing entries keep their (UTC) day and their order.
        migrator.registerMigration("v4-access-log-day") { db in
            try db.execute(sql: """
                DROP TRIGGER access_log_no_update;
                DROP TRIGGER access_log_no_delete;
                CREATE TABLE access_log_by_day (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    day TEXT NOT NULL CHECK (length(day) = 10),
                    staffPseudonym TEXT NOT NULL,
                    providerId TEXT NOT NULL,
                    action TEXT NOT NULL,
                    caseCode TEXT NOT NULL
                );
                INSERT INTO access_log_by_day (id, day, staffPseudonym, providerId, action, caseCode)
                    SELECT id, substr(at, 1, 10), staffPseudonym, providerId, action, caseCode FROM access_log ORDER BY id;
                DROP TABLE access_log;
                ALTER TABLE access_log_by_day RENAME TO access_log;
                CREATE INDEX access_log_provider_case ON access_log (providerId, caseCode);
                CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                """)
        }
        // Retention: the day a case closed (older closed cases get their last logged or held day),
        // and a purge window: the access log refuses every DELETE except, inside the purge's own
        // transaction, of entries older than the cutoff the purge declared in `access_log_purge`.
        migrator.registerMigration("v5-retention") { db in
            try db.execute(sql: """
                ALTER TABLE anonymous_case ADD COLUMN closedOn TEXT CHECK (closedOn IS NULL OR length(closedOn) = 10);
                UPDATE anonymous_case SET closedOn = coalesce(
                    (SELECT max(day) FROM access_log WHERE caseCode = anonymous_case.code),
                    (SELECT max(heldOn) FROM case_session WHERE caseCode = anonymous_case.code),
                    openedOn)
                WHERE status = 'closed';
                CREATE TABLE access_log_purge (cutoff TEXT NOT NULL CHECK (length(cutoff) = 10));
                DROP TRIGGER access_log_no_delete;
                CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
                    WHEN OLD.day >= coalesce((SELECT max(cutoff) FROM access_log_purge), '0000-00-00')
                    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                """)
        }
        // A tamper-evident access log: each entry gets its place in the chain (`seq`), a MAC of its
        // fields and place, and a MAC chaining it to the entry before. The head row holds the last
        // place, the anchor row where the chain starts after a purge, checkpoints are signed.
        // Entries written before this version are chained here, in their order.
        migrator.registerMigration("v6-access-log-chain") { db in
            try db.execute(sql: """
                ALTER TABLE access_log ADD COLUMN seq INTEGER;
                ALTER TABLE access_log ADD COLUMN entryMac BLOB;
                ALTER TABLE access_log ADD COLUMN chainMac BLOB;
                CREATE TABLE access_log_head (
                    one INTEGER PRIMARY KEY CHECK (one = 1),
                    seq INTEGER NOT NULL, chainMac BLOB NOT NULL, mac BLOB NOT NULL);
                CREATE TABLE access_log_anchor (
                    one INTEGER PRIMARY KEY CHECK (one = 1),
                    seq INTEGER NOT NULL, chainMac BLOB NOT NULL, mac BLOB NOT NULL);
                CREATE TABLE access_log_checkpoint (
                    seq INTEGER PRIMARY KEY,
                    day TEXT NOT NULL CHECK (length(day) = 10),
                    chainMac BLOB NOT NULL,
                    signature BLOB NOT NULL);
                DROP TRIGGER access_log_no_update;
                """)
            var previous = AuditChain.genesis
            var seq: Int64 = 0
            let rows = try Row.fetchAll(db, sql: "SELECT id, day, staffPseudonym, providerId, action, caseCode FROM access_log ORDER BY id")
            for row in rows {
                seq += 1
                let fields = AuditFields(seq: seq, day: row["day"], actor: row["staffPseudonym"], provider: row["providerId"],
                                         action: row["action"], caseCode: row["caseCode"])
                let entryMAC = chain.entryMAC(fields)
                previous = chain.chainMAC(previous: previous, entryMAC: entryMAC)
                try db.execute(sql: "UPDATE access_log SET seq = ?, entryMac = ?, chainMac = ? WHERE id = ?",
                               arguments: [seq, entryMAC, previous, row["id"] as Int64])
            }
            if seq > 0 {
                try db.execute(sql: "INSERT INTO access_log_head (one, seq, chainMac, mac) VALUES (1, ?, ?, ?)",
                               arguments: [seq, previous, chain.headMAC(seq: seq, chain: previous)])
            }
            try db.execute(sql: """
                CREATE UNIQUE INDEX access_log_seq ON access_log (seq);
                CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                CREATE TRIGGER access_log_checkpoint_no_update BEFORE UPDATE ON access_log_checkpoint
                    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
                """)
        }
        // Key rotation: the versions the running server has taken up for new values.
        migrator.registerMigration("v7-key-adoption") { db in try KeyVersions.createAdoptionTable(db) }
        // QS 2.2: the citizen's use at discharge (cases closed before have none).
        migrator.registerMigration("v8-discharge-outcome") { db in
            try db.execute(sql: """
                ALTER TABLE anonymous_case ADD COLUMN outcome TEXT
                    CHECK (outcome IS NULL OR outcome IN ('drug-free', 'reduced', 'unchanged', 'unknown'))
                """)
        }
        // QS 4.3 counts bookings by web and by phone. Bookings made before this version count as web.
        migrator.registerMigration("v9-booking-channel") { db in
            try db.execute(sql: """
                ALTER TABLE booking ADD COLUMN channel TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'phone', 'case'))
                """)
        }
        // QS 6: complaints, with no formal requirements. The text is sealed; nothing links a
        // complaint to a booking, a case or a token.
        migrator.registerMigration("v10-complaints") { db in
            try db.execute(sql: """
                CREATE TABLE complaint (
                    id TEXT PRIMARY KEY NOT NULL,
                    code TEXT NOT NULL UNIQUE,
                    providerId TEXT NOT NULL,
                    serviceId TEXT,
                    about TEXT NOT NULL CHECK (about IN ('treatment', 'staff', 'service', 'decision')),
                    receivedOn TEXT NOT NULL CHECK (length(receivedOn) = 10),
                    textSealed BLOB NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handled')),
                    handledOn TEXT CHECK (handledOn IS NULL OR length(handledOn) = 10),
                    CHECK ((status = 'handled') = (handledOn IS NOT NULL))
                ) WITHOUT ROWID;
                CREATE INDEX complaint_provider ON complaint (providerId, status);
                """)
        }
        // QS 3.2: follow-up one and six months after discharge, by one-time token. An answer keeps
        // its month only; `returnedIn` is the month a citizen who presented the token came back.
        migrator.registerMigration("v11-follow-ups") { db in
            try db.execute(sql: """
                CREATE TABLE follow_up (
                    tokenHash BLOB PRIMARY KEY NOT NULL,
                    caseCode TEXT NOT NULL REFERENCES anonymous_case(code),
                    round TEXT NOT NULL CHECK (round IN ('1-month', '6-months')),
                    answeredIn TEXT CHECK (answeredIn IS NULL OR length(answeredIn) = 7),
                    currentUse TEXT CHECK (currentUse IS NULL OR currentUse IN ('none', 'less', 'same', 'more')),
                    wantsConversation INTEGER CHECK (wantsConversation IS NULL OR wantsConversation IN (0, 1)),
                    returnedIn TEXT CHECK (returnedIn IS NULL OR length(returnedIn) = 7),
                    UNIQUE (caseCode, round),
                    CHECK ((answeredIn IS NULL) = (currentUse IS NULL) AND (currentUse IS NULL) = (wantsConversation IS NULL))
                ) WITHOUT ROWID;
                """)
        }
        // Seed 000, QS 3: an interpreter and a companion asked for once are kept on the case (the
        // language sealed) and carried to every later session until the citizen changes them.
        migrator.registerMigration("v12-case-requests") { db in
            try db.execute(sql: """
                ALTER TABLE anonymous_case ADD COLUMN interpreterLanguageSealed BLOB;
                ALTER TABLE anonymous_case ADD COLUMN companion INTEGER NOT NULL DEFAULT 0 CHECK (companion IN (0, 1));
                """)
        }
        // Issue 10: group courses (§101a stk. 8, QS 3.5; U-turn's parents' groups, QS 4.4.4). A course
        // has its meetings and places; a case holds a seat, and each meeting attended is one of its
        // sessions (kind 'group'). case_session is rebuilt to allow that kind: SQLite cannot alter a CHECK.
        migrator.registerMigration("v13-group-courses") { db in
            try db.execute(sql: """
                CREATE TABLE group_course (
                    id TEXT PRIMARY KEY NOT NULL,
                    providerId TEXT NOT NULL,
                    serviceId TEXT NOT NULL,
                    seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 100),
                    createdOn TEXT NOT NULL CHECK (length(createdOn) = 10)
                ) WITHOUT ROWID;
                CREATE INDEX group_course_provider ON group_course (providerId);
                CREATE TABLE group_meeting (
                    courseId TEXT NOT NULL REFERENCES group_course(id),
                    number INTEGER NOT NULL CHECK (number >= 1),
                    startsAt TEXT NOT NULL,
                    endsAt TEXT NOT NULL,
                    PRIMARY KEY (courseId, number)
                ) WITHOUT ROWID;
                CREATE TABLE group_seat (
                    courseId TEXT NOT NULL REFERENCES group_course(id),
                    caseCode TEXT NOT NULL REFERENCES anonymous_case(code),
                    PRIMARY KEY (courseId, caseCode)
                ) WITHOUT ROWID;
                CREATE INDEX group_seat_case ON group_seat (caseCode);
                CREATE TABLE group_attendance (
                    courseId TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    caseCode TEXT NOT NULL REFERENCES anonymous_case(code),
                    PRIMARY KEY (courseId, number, caseCode),
                    FOREIGN KEY (courseId, number) REFERENCES group_meeting(courseId, number)
                ) WITHOUT ROWID;
                CREATE INDEX group_attendance_case ON group_attendance (caseCode);
                CREATE TABLE case_session_v13 (
                    caseCode TEXT NOT NULL REFERENCES anonymous_case(code),
                    number INTEGER NOT NULL CHECK (number >= 1),
                    heldOn TEXT NOT NULL CHECK (length(heldOn) = 10),
                    kind TEXT NOT NULL CHECK (kind IN ('booked', 'walk-in', 'no-show', 'group')),
                    PRIMARY KEY (caseCode, number)
                ) WITHOUT ROWID;
                INSERT INTO case_session_v13 (caseCode, number, heldOn, kind) SELECT caseCode, number, heldOn, kind FROM case_session;
                DROP TABLE case_session;
                ALTER TABLE case_session_v13 RENAME TO case_session;
                """)
        }
        // Issue 10: a seat is held at the provider for the whole conversation, whatever the service, so
        // taking one reads the provider's live bookings that overlap the slot. This partial index holds
        // exactly those columns of the live rows: the read never touches the table.
        migrator.registerMigration("v14-seats-by-time") { db in
            try db.execute(sql: """
                CREATE INDEX booking_live_seats ON booking (providerId, startsAt, endsAt, seat) WHERE seat IS NOT NULL;
                """)
        }
        return migrator
    }
}
