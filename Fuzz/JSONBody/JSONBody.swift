// libFuzzer target: the JSON bodies of the API, decoded as the controllers decode them and, for a
// booking, checked by the booking service's own rules up to the store (scripts/fuzz, Fuzz/README.md).
// The first byte chooses the body type; the rest is the body.
import FuzzDriver
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayServices
import GatewayStore
import GatewayTestSupport
@testable import GatewayWeb

private let bookings: BookingService = {
    let random = SeededRandom(seed: 11)
    let store = try! AnonymousStore.inMemory(storeKey: .random(random))
    return BookingService(configuration: try! TestFixtures.configuration(), clock: TestClock(TestFixtures.instant(2026, 11, 22, 12)),
                          random: random, store: store, tokenHasher: TokenHasher(pepper: .random(random)))
}()

private func decode<T: Decodable>(_ type: T.Type, _ data: Data) -> T? {
    do { return try JSONBody.decode(type, from: data) } catch {
        precondition(error.status == .badRequest, "a JSON body refused with \(error.status)")
        return nil
    }
}

private func check(_ application: BookingApplication) {
    do {
        let service = try bookings.service(application.serviceId)
        let answers = try bookings.answers(application)
        try bookings.assess(answers, for: service)
        _ = try bookings.requests(application)
        _ = try bookings.bookableSlot(application.slotId, for: service)
    } catch {
        // A ServiceError becomes a 4xx problem (ServiceError+Problem.swift); never a 5xx for a body's content.
        precondition(error.problem.status.code < 500, "a booking body gave \(error.problem.status)")
    }
}

@main enum Fuzz { static func main() { runFuzzer(fuzzJSONBody) } }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONBody(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(start, count)
    guard count > 0 else { return 0 }
    let bytes = input
    let data = Data(input.dropFirst())
    switch input[0] % 12 {
    case 0: if let body = decode(BookingBody.self, data) { check(body.application) }
    case 1: _ = decode(RequestsBody.self, data)
    case 2: _ = decode(FollowUpBody.self, data)
    case 3: _ = decode(ComplaintBody.self, data)
    case 4: _ = decode(RescheduleBody.self, data)
    case 5: _ = decode(StaffAPIController.CourseBody.self, data)
    case 6: _ = decode(StaffAPIController.SignInBody.self, data)
    case 7: _ = decode(StaffAPIController.WalkInBody.self, data)
    case 8: _ = decode(StaffAPIController.DecisionBody.self, data)
    case 9: _ = decode(StaffAPIController.CloseBody.self, data)
    case 10: _ = decode(StaffAPIController.HandoverBody.self, data)
    default: _ = decode(StaffAPIController.NoteBody.self, data)
    }
    return 0
}
