import Foundation
import GatewayCore
import GatewayServices
import HTTPTypes
import Hummingbird

/// The complaint form (QS 6): the routes a complaint can take, explained before anyone writes,
/// then the form. A POST, so nothing typed lands in a URL; what was typed comes back on an error.
struct ComplaintPage {
    let treatmentRoute: String
    let advisorRoute: String
    let advisorAddress: [String]
    let advisorPhone: String?
    let providers: [Choice]
    let topics: [Choice]
    let text: String
    let token: String
    let error: String?
}

struct ComplaintSentPage { let sentText: String }

extension CitizenPages {
    @Sendable func complaintForm(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        renderComplaint(FormBody(), PageRenderer.language(query: request), error: nil, status: .ok, switch: .link("/complaints"))
    }

    func renderComplaint(_ form: FormBody, _ language: Language, error: String?, status: HTTPResponse.Status,
                         switch target: PageRenderer.LanguageSwitch? = nil, field: String? = nil) -> Response {
        let configuration = desk.configuration
        let advisor = configuration.complaints.citizensAdvisor
        let topics: [(ComplaintTopic, TextKey)] = [(.treatment, .complaintAboutTreatment), (.staff, .complaintAboutStaff),
                                                   (.service, .complaintAboutService), (.decision, .complaintAboutDecision)]
        let page = ComplaintPage(
            treatmentRoute: configuration.complaints.treatmentComplaints.text(language),
            advisorRoute: texts.text(.complaintRouteAdvisor, language, ["advisor": advisor.name]),
            advisorAddress: advisor.address, advisorPhone: advisor.phone,
            providers: configuration.providers.map { Choice(id: $0.id.rawValue, label: $0.place.name, checked: form["providerId"] == $0.id.rawValue) },
            topics: topics.map { Choice(id: $0.0.rawValue, label: texts.text($0.1, language), checked: form["about"] == $0.0.rawValue) },
            text: form["text"] ?? "", token: form["token"] ?? "", error: error)
        return renderer.page("complaint", page, language: language, status: status,
                             switch: target ?? .form(action: "/complaints/language", fields: form.hidden(["providerId", "about", "text", "token"])),
                             errorField: field)
    }

    /// The language switch of the complaint form: shows the same form, with what was typed, in the other language.
    @Sendable func complaintLanguage(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        return renderComplaint(form, PageRenderer.language(form: form), error: nil, status: .ok)
    }

    @Sendable func complain(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        do {
            var token: OneTimeToken?
            if let raw = form["token"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty { token = try desk.parseToken(raw) }
            let received: ReceivedComplaint
            do {
                received = try await complaints.receive(
                    ComplaintApplication(providerId: form["providerId"], about: form["about"], text: form["text"]),
                    token: token, client: network.bucket(request, context))
            } catch {
                throw error.problem
            }
            let place = desk.configuration.provider(received.providerId)?.place.name ?? received.providerId.rawValue
            let sent = texts.text(.complaintSentText, language, ["place": place, "day": texts.day(received.receivedOn, language)])
            return renderer.page("complaintSent", ComplaintSentPage(sentText: sent), language: language, status: .ok, switch: .none)
        } catch let problem as GatewayProblem {
            var response = renderComplaint(form, language, error: texts.detail(problem, language), status: problem.status, field: problem.field)
            if let retry = problem.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
            return response
        }
    }
}
