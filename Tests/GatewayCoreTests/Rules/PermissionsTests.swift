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

    /// QS 4.3: management sees aggregate figures only — no bookings, no cases, no log of who touched what.
    @Test func managementSeesNoBookingOrCase() {
        #expect(StaffRole.manager.permissions == [.readStatistics])
    }

    @Test func everyPermissionBelongsToSomeRole() {
        let granted = Set(StaffRole.allCases.flatMap(\.permissions))
        #expect(granted == Set(StaffPermission.allCases))
    }
}
