/// What a member of staff may do. The API's route groups and the staff pages both consult
/// `StaffRole.permissions`; nothing else decides what a role may do.
public enum StaffPermission: String, Sendable, Hashable, CaseIterable {
    /// Check in, walk-ins, open and read cases, notes, next booking, follow-up, no-show, decision, close, handover.
    case workWithCases
    /// Book on behalf of an anonymous caller (§101a stk. 3: the enquiry can be made by phone).
    case bookForCallers
    /// See the provider's programme of bookings.
    case readSchedule
    /// Read what a citizen wrote to the people they will talk to (not phone staff).
    case readCitizenMessages
    /// Destroy a case's notes (crypto-shredding the case key).
    case destroyNotes
    /// Read the provider's access log.
    case readAccessLog
    /// Read the reported figures (QS 4.3): the manager all providers', a provider-admin its own.
    case readStatistics
    /// Read complaints and mark them handled (QS 6): a provider-admin its own provider's, the manager every provider's.
    case readComplaints
    /// Define group courses (issue 10; §101a stk. 8, QS 3.5, 4.4.4): a provider's admin.
    case manageGroups
}

extension StaffRole {
    /// The one permission table. Management sees aggregate figures only (QS 4.3), so it gets no
    /// access to bookings or cases; auditors read who touched which case, never the case itself.
    public var permissions: Set<StaffPermission> {
        switch self {
        case .counsellor: [.workWithCases, .bookForCallers, .readSchedule, .readCitizenMessages]
        case .providerAdmin: [.workWithCases, .bookForCallers, .readSchedule, .readCitizenMessages, .destroyNotes, .readAccessLog, .readStatistics, .readComplaints,
                              .manageGroups]
        case .phone: [.bookForCallers, .readSchedule]
        case .auditor: [.readAccessLog]
        case .manager: [.readStatistics, .readComplaints]
        }
    }

    public func may(_ permission: StaffPermission) -> Bool { permissions.contains(permission) }
}
