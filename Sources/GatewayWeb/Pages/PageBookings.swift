import Foundation
import GatewayCore
import GatewayServices
import GatewayStore

/// The booking service as the citizen pages use it: the same calls, with each domain error
/// already turned into the problem the page shows (its sentence in the page's language).
struct PageBookings: Sendable {
    let service: BookingService

    var configuration: GatewayConfiguration { service.configuration }
    var calculator: SlotCalculator { service.calculator }
    var today: CalendarDay { service.today }
    var clock: any GatewayClock { service.clock }
    var random: any RandomSource { service.random }

    func service(_ raw: String?) throws(GatewayProblem) -> ServiceDefinition {
        do { return try service.service(raw) } catch { throw error.problem }
    }
    func answers(_ application: BookingApplication) throws(GatewayProblem) -> EnquiryAnswers {
        do { return try service.answers(application) } catch { throw error.problem }
    }
    func assess(_ answers: EnquiryAnswers, for definition: ServiceDefinition) throws(GatewayProblem) {
        do { try service.assess(answers, for: definition) } catch { throw error.problem }
    }
    func requests(_ application: BookingApplication) throws(GatewayProblem) -> BookingRequests {
        do { return try service.requests(application) } catch { throw error.problem }
    }
    func offeredSlots(for definition: ServiceDefinition, from: CalendarDay?, days: Int?) async throws(GatewayProblem) -> [OfferedSlot] {
        do { return try await service.offeredSlots(for: definition, from: from, days: days) } catch { throw error.problem }
    }
    func bookableSlot(_ raw: String?, for definition: ServiceDefinition) throws(GatewayProblem) -> Slot {
        do { return try service.bookableSlot(raw, for: definition) } catch { throw error.problem }
    }
    func book(_ application: BookingApplication, client: String?) async throws(GatewayProblem) -> (OneTimeToken, Booking) {
        do { return try await service.book(application, client: client) } catch { throw error.problem }
    }
    func changeRequests(_ token: OneTimeToken, interpreterLanguage: String?, companion: Bool) async throws(GatewayProblem) -> Booking {
        do { return try await service.changeRequests(token, interpreterLanguage: interpreterLanguage, companion: companion) } catch { throw error.problem }
    }
    func decidedCase(_ token: OneTimeToken) async throws(GatewayProblem) -> AnonymousCase? {
        do { return try await service.decidedCase(token) } catch { throw error.problem }
    }
    func caseView(_ token: OneTimeToken) async throws(GatewayProblem) -> (decided: AnonymousCase?, course: (GroupCourse, Set<Int>)?) {
        do { return try await service.caseView(token) } catch { throw error.problem }
    }
    func forget(_ token: OneTimeToken) async throws(GatewayProblem) {
        do { try await service.forget(token) } catch { throw error.problem }
    }
    /// A form without a reference asks the citizen to write it (the API's 401 speaks of bearer headers).
    func parseToken(_ text: String?) throws(GatewayProblem) -> OneTimeToken {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw .referenceMissing }
        do { return try service.parseToken(text) } catch { throw error.problem }
    }
    func liveBooking(_ token: OneTimeToken) async throws(GatewayProblem) -> Booking {
        do { return try await service.liveBooking(token) } catch { throw error.problem }
    }
    func holding(_ token: OneTimeToken) async throws(GatewayProblem) -> TokenHolding {
        do { return try await service.holding(token) } catch { throw error.problem }
    }
    func cancel(_ token: OneTimeToken) async throws(GatewayProblem) {
        do { try await service.cancel(token) } catch { throw error.problem }
    }
    func reschedule(_ token: OneTimeToken, to slot: String?) async throws(GatewayProblem) -> Booking {
        do { return try await service.reschedule(token, to: slot) } catch { throw error.problem }
    }
}
