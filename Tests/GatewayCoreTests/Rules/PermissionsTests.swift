import GatewayCore
import Testing

@Suite("The permission table (one place for what each role may do)")
struct PermissionsTests {
    @Test func counsellorsAndProviderAdminsWorkWithCasesPhoneStaffOnlyBook() {
        #expect(StaffRole.counsellor.may(.workWithCases))
        #expect(StaffRole.providerAdmin.may(.workWithCases))
        #expect(!StaffRole.phone.may(.workWithCases))
        #expect(StaffRole.phone.may(.bookForCallers))
        #expect(StaffRole.phone.may(.readSchedule))
    }

    @Test func phoneStaffDoNotReadWhatTheCitizenWroteToTheCounsellor() {
        #expect(!StaffRole.phone.may(.readCitizenMessages))
        #expect(StaffRole.counsellor.may(.readCitizenMessages))
    }

    @Test func onlyProviderAdminsDestroyNotes() {
        #expect(StaffRole.allCases.filter { $0.may(.destroyNotes) } == [.providerAdmin])
    }

    @Test func auditorsReadTheAccessLogAndNothingElse() {
        #expect(StaffRole.auditor.permissions == [.readAccessLog])
        #expect(StaffRole.allCases.filter { $0.may(.readAccessLog) }.sorted { $0.rawValue < $1.rawValue } == [.auditor, .providerAdmin])
    }

    /// QS 4.3: management sees aggregate figures and the complaints (QS 6, counted for QS 4.3) —
    /// no bookings, no cases, no log of who touched what.
    @Test func managementSeesNoBookingOrCase() {
        #expect(StaffRole.manager.permissions == [.readStatistics, .readComplaints])
    }

    /// QS 6.3: complaints go to the unit's leader (the provider's admin) and on to the centre
    /// management; counsellors, phone staff and auditors do not read them.
    @Test func complaintsAreReadByProviderAdminsAndTheManagerOnly() {
        #expect(StaffRole.allCases.filter { $0.may(.readComplaints) }.sorted { $0.rawValue < $1.rawValue } == [.manager, .providerAdmin])
        let admin = StaffMember(id: "a", username: "eva", providerId: ProviderID("kk-pas"), role: .providerAdmin, disabled: false, totpEnabled: false)
        let manager = StaffMember(id: "m", username: "gry", providerId: ProviderID("kk-pas"), role: .manager, disabled: false, totpEnabled: false)
        #expect(ComplaintRules.readableProvider(for: admin) == ProviderID("kk-pas"))
        #expect(ComplaintRules.readableProvider(for: manager) == nil)
    }

    @Test func everyPermissionBelongsToSomeRole() {
        let granted = Set(StaffRole.allCases.flatMap(\.permissions))
        #expect(granted == Set(StaffPermission.allCases))
    }
}
