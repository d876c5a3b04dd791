import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

extension AnonymousStore {
    /// Writes a note sealed under the case's own key.
    public func addNote(code: CaseCode, text: String, noteId: String, _ context: CaseContext) async throws(CaseStoreError) {
        try await write(CaseStoreError.self) { db in
            let found = try self.visibleCase(db, code, context.actor)
            try Self.policy { () throws(CaseRefusal) in try CasePolicy.checkNote(found) }
            guard let sealer = try self.noteSealer(db, code) else { throw CaseStoreError.refused(.notesDestroyed) }
            let sealed = try sealer.seal(text, table: "case_note", column: "body", row: noteId)
            try db.cachedStatement(sql: "INSERT INTO case_note (id, caseCode, providerId, writtenOn, bodySealed) VALUES (?, ?, ?, ?, ?)").execute(arguments: [noteId, code.value, context.actor.providerId.rawValue, context.today.description, sealed])
            try self.logAccess(db, context, action: "write-note", code: code.value)
        }
    }

    /// The notes this actor may read: their own provider's, and the sender's only if the citizen agreed
    /// to share them. Destroyed notes are no notes; a note that cannot be opened stops the read.
    public func notes(code: CaseCode, _ context: CaseContext) async throws(CaseStoreError) -> [CaseNote] {
        try await write(CaseStoreError.self) { db in
            let found = try self.visibleCase(db, code, context.actor)
            try self.logAccess(db, context, action: "read-notes", code: code.value)
            // Absence is the answer here: the key was destroyed on purpose, and the notes with it.
            guard let sealer = try self.noteSealer(db, code) else { return [] }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM case_note WHERE caseCode = ? ORDER BY writtenOn, id"), arguments: [code.value]).compactMap { row in
                let author = ProviderID(row["providerId"] as String)
                guard found.mayRead(noteBy: author, reader: context.actor.providerId) else { return nil }
                let id: String = row["id"]
                return CaseNote(id: id, writtenOn: try row.day("writtenOn"), providerId: author,
                                text: try sealer.openText(row["bodySealed"], table: "case_note", column: "body", row: id))
            }
        }
    }

    /// Destroys the case's data key: its notes can never be read again from this database. A backup
    /// taken earlier still holds the wrapped key (SECURITY.md).
    public func destroyNotes(code: CaseCode, _ context: CaseContext) async throws(CaseStoreError) {
        try await write(CaseStoreError.self) { db in
            let found = try self.visibleCase(db, code, context.actor)
            guard found.providerId == context.actor.providerId else { throw CaseStoreError.notFound }
            try db.cachedStatement(sql: "UPDATE anonymous_case SET caseKeyWrapped = NULL WHERE code = ?").execute(arguments: [code.value])
            try db.cachedStatement(sql: "DELETE FROM case_note WHERE caseCode = ?").execute(arguments: [code.value])
            try self.logAccess(db, context, action: "destroy-notes", code: code.value)
        }
    }

    /// The case's note sealer; nil once its key was destroyed. A key that does not unwrap is a failure.
    private func noteSealer(_ db: Database, _ code: CaseCode) throws -> FieldSealer? {
        guard let wrapped = try Data.fetchOne(db.cachedStatement(sql: "SELECT caseKeyWrapped FROM anonymous_case WHERE code = ?"), arguments: [code.value]) else {
            return nil
        }
        return FieldSealer(storeKey: try caseKeys.unwrap(wrapped, for: code.value), domain: Self.noteDomain)
    }
}
