import Foundation
import GatewayCore
import GatewayServices
import Hummingbird

/// The complaints page (provider-admin: its provider's; manager: every provider's). Reading the
/// list is logged per complaint, like the API.
struct ComplaintsPage {
    struct Item {
        let code: String
        let receivedOn: String
        let place: String
        let about: String
        let text: String
        let isOpen: Bool
        let handled: String?
    }
    struct Filter { let value: String; let label: String; let selected: Bool }
    let filters: [Filter]
    let items: [Item]
    let hasItems: Bool
    let error: String?
}

extension StaffPages {
    @Sendable func complaintsPage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let raw = request.uri.queryParameters["status"].map(String.init) ?? "open"
        do {
            let found = try await run { () async throws(ServiceError) in try await complaints.list(status: raw, for: context.staff) }
            return render("staffComplaints", complaintsPage(found, status: raw, error: nil), session: context.session)
        } catch {
            return render("staffComplaints", complaintsPage([], status: "open", error: texts.detail(error, .da)), session: context.session, status: error.status)
        }
    }

    func complaintsPage(_ found: [Complaint], status: String, error: String?) -> ComplaintsPage {
        let topics: [ComplaintTopic: TextKey] = [.treatment: .complaintAboutTreatment, .staff: .complaintAboutStaff,
                                                 .service: .complaintAboutService, .decision: .complaintAboutDecision]
        let filters: [(String, TextKey)] = [("open", .staffComplaintsOpen), ("handled", .staffComplaintsHandled), ("all", .staffComplaintsAll)]
        return ComplaintsPage(
            filters: filters.map { ComplaintsPage.Filter(value: $0.0, label: texts.text($0.1, .da), selected: $0.0 == status) },
            items: found.map { complaint in
                ComplaintsPage.Item(
                    code: complaint.code.value, receivedOn: complaint.receivedOn.description,
                    place: desk.configuration.provider(complaint.providerId)?.place.name ?? complaint.providerId.rawValue,
                    about: texts.text(topics[complaint.about]!, .da), text: complaint.text, isOpen: complaint.status == .open,
                    handled: complaint.handledOn.map { texts.text(.staffComplaintHandledOn, .da, ["day": $0.description]) })
            },
            hasItems: !found.isEmpty, error: error)
    }

    @Sendable func complaintHandled(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = context.parameters.get("complaintCode")
        do {
            _ = try await run { () async throws(ServiceError) in try await complaints.markHandled(code, by: context.staff) }
            return Self.redirect("/staff/complaints")
        } catch {
            return errorPage(error, session: context.session, back: "/staff/complaints")
        }
    }
}
