import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

/// A follow-up token after discharge (QS 3.2), as the citizen's side sees it: the round, its
/// window, and where another conversation would be. The case code stays inside the store.
public struct DischargeFollowUp: Sendable, Hashable {
    public let round: FollowUpRound
    public let serviceId: ServiceID
    public let providerId: ProviderID
    public let ageBand: AgeBand
    public let closedOn: CalendarDay
    public let answered: Bool
    public let wantsConversation: Bool

    public var opensOn: CalendarDay { FollowUpRules.opens(round, closedOn: closedOn) }
    public var closesOn: CalendarDay { FollowUpRules.closes(round, closedOn: closedOn) }
    /// After an answer that asked for another conversation, the same token books one.
    public var mayBook: Bool { answered && wantsConversation }
}

public enum FollowUpStoreError: Error, Equatable, Sendable, StoreFailureConvertible {
    case notFound
    case refused(FollowUpRefusal)
    case slotFull
    /// The time is not of the case's service and provider.
    case otherPlace
    case storageFailure

    static func uniquenessConflict(_ error: DatabaseError) -> FollowUpStoreError { .slotFull }
}

extension AnonymousStore {
    static let followUpSelect = """
        SELECT f.round, f.answeredIn, f.wantsConversation, c.serviceId, c.providerId, c.ageBand, c.closedOn, c.code
        FROM follow_up f JOIN anonymous_case c ON c.code = f.caseCode WHERE f.tokenHash = ?
        """

    func fetchFollowUp(_ db: Database, tokenHash: Data) throws -> (DischargeFollowUp, String)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.followUpSelect), arguments: [tokenHash]) else { return nil }
        let followUp = DischargeFollowUp(
            round: try row.decoded("round", as: FollowUpRound.self), serviceId: try row.decoded("serviceId", as: ServiceID.self),
            providerId: ProviderID(row["providerId"] as String), ageBand: try row.decoded("ageBand", as: AgeBand.self),
            closedOn: try row.day("closedOn"), answered: row["answeredIn"] as String? != nil,
            wantsConversation: (row["wantsConversation"] as Int?) == 1)
        return (followUp, row["code"])
    }

    /// The citizen's answer: their use now and whether they want another conversation. The answer
    /// keeps its month only. A one-month answer stores `nextTokenHash` for the six-month round.
    public func answerFollowUp(
        tokenHash: Data, use: FollowUpUse, wantsConversation: Bool, nextTokenHash: Data, today: CalendarDay
    ) async throws(FollowUpStoreError) -> DischargeFollowUp {
        try await write(FollowUpStoreError.self) { db in
            guard let (followUp, code) = try self.fetchFollowUp(db, tokenHash: tokenHash) else { throw FollowUpStoreError.notFound }
            do throws(FollowUpRefusal) {
                try FollowUpRules.checkAnswer(followUp.round, closedOn: followUp.closedOn, answered: followUp.answered, today: today)
            } catch {
                throw FollowUpStoreError.refused(error)
            }
            try db.execute(sql: """
                UPDATE follow_up SET answeredIn = ?, currentUse = ?, wantsConversation = ? WHERE tokenHash = ? AND answeredIn IS NULL
                """, arguments: [CalendarMonth(today).description, use.rawValue, wantsConversation, tokenHash])
            guard db.changesCount == 1 else { throw FollowUpStoreError.refused(.alreadyAnswered) }
            if followUp.round == .oneMonth {
                try db.execute(sql: "INSERT INTO follow_up (tokenHash, caseCode, round) VALUES (?, ?, '6-months')", arguments: [nextTokenHash, code])
            }
            guard let (answered, _) = try self.fetchFollowUp(db, tokenHash: tokenHash) else { throw FollowUpStoreError.storageFailure }
            return answered
        }
    }

    /// Books the conversation an answer asked for, with the same token, at the case's provider and
    /// service. It is a first conversation: checking it in opens a new case and counts a return.
    public func bookFollowUpConversation(tokenHash: Data, slot: Slot, bookingId: String, today: CalendarDay) async throws(FollowUpStoreError) -> Booking {
        try await write(FollowUpStoreError.self) { db in
            guard let (followUp, _) = try self.fetchFollowUp(db, tokenHash: tokenHash) else { throw FollowUpStoreError.notFound }
            guard followUp.mayBook else { throw FollowUpStoreError.refused(followUp.answered ? .noConversationAsked : .notYet(opensOn: followUp.opensOn)) }
            guard slot.serviceId == followUp.serviceId, slot.providerId == followUp.providerId else { throw FollowUpStoreError.otherPlace }
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM booking WHERE tokenHash = ?", arguments: [tokenHash]) == 0 else {
                throw FollowUpStoreError.refused(.alreadyAnswered)
            }
            // Shown in person already (a walk-in opened the new case and counted the return): the
            // token has done its work, and a booking would open a second case (Tests/Model/lifecycle.pml).
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM follow_up WHERE tokenHash = ? AND returnedIn IS NULL", arguments: [tokenHash]) == 1 else {
                throw FollowUpStoreError.refused(.alreadyAnswered)
            }
            guard try Self.insertIntoFreeSeat(db, draw: self.seatDraw(), id: bookingId, tokenHash: tokenHash, slot: slot, ageBand: followUp.ageBand,
                                              bookedOn: today, caseCode: nil) else { throw FollowUpStoreError.slotFull }
            return Booking(
                id: bookingId, slotId: slot.id, start: slot.start, end: slot.end, status: .booked, ageBand: followUp.ageBand,
                substances: [], requests: BookingRequests(), bookedOn: today)
        }
    }

    /// Inside a check-in that opened a new case from a booking: when the booking's token is a
    /// follow-up token, the earlier case's citizen has come back — counted if within twelve months.
    func recordReturn(_ db: Database, tokenHash: Data, today: CalendarDay) throws {
        guard let (followUp, _) = try fetchFollowUp(db, tokenHash: tokenHash),
              FollowUpRules.countsAsReturn(closedOn: followUp.closedOn, heldOn: today) else { return }
        try db.execute(sql: "UPDATE follow_up SET returnedIn = ? WHERE tokenHash = ? AND returnedIn IS NULL",
                       arguments: [CalendarMonth(today).description, tokenHash])
    }
}
