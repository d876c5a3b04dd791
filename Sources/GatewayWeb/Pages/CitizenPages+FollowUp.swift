import Foundation
import GatewayCore
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird

/// The follow-up after discharge on the web (QS 3.2): found by typing the token on the lookup
/// page, answered with a POST; the six-month token is shown once on the answer page.
struct FollowUpPage {
    let token: String
    let roundName: String
    let intro: String
    let notYet: String?
    let uses: [Choice]
    let conversationYes: Bool
    let conversationNo: Bool
    let error: String?
}

struct FollowUpAnsweredPage {
    let token: String
    let next: String?
    let nextText: String?
    let mayBook: Bool
}

extension CitizenPages {
    func renderFollowUp(_ token: OneTimeToken, _ followUp: DischargeFollowUp, _ form: FormBody, _ language: Language,
                        error: String?, status: HTTPResponse.Status, field: String? = nil) -> Response {
        let place = desk.configuration.provider(followUp.providerId)?.place.name ?? followUp.providerId.rawValue
        let uses: [(FollowUpUse, TextKey)] = [(.none, .followUpUseNone), (.less, .followUpUseLess), (.same, .followUpUseSame), (.more, .followUpUseMore)]
        let page = FollowUpPage(
            token: token.formatted,
            roundName: texts.text(followUp.round == .oneMonth ? .followUpRoundOneMonth : .followUpRoundSixMonths, language),
            intro: texts.text(.followUpIntro, language, ["place": place]),
            notYet: desk.today < followUp.opensOn ? texts.text(.followUpNotYetText, language, ["day": texts.day(followUp.opensOn, language)]) : nil,
            uses: uses.map { Choice(id: $0.0.rawValue, label: texts.text($0.1, language), checked: form["use"] == $0.0.rawValue) },
            conversationYes: form["wantsConversation"] == "yes", conversationNo: form["wantsConversation"] == "no", error: error)
        return renderer.page("followUp", page, language: language, status: status,
                             switch: .form(action: "/booking", fields: [HiddenField(name: "token", value: token.formatted)]), errorField: field)
    }

    @Sendable func answerFollowUp(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        let token: OneTimeToken, followUp: DischargeFollowUp
        do throws(GatewayProblem) {
            token = try desk.parseToken(form["token"])
            guard case .dischargeFollowUp(let found) = try await desk.holding(token) else {
                throw ServiceError.followUp(.notAFollowUpToken).problem
            }
            followUp = found
        } catch {
            return renderManage(language, error)
        }
        let wants: Bool? = switch form["wantsConversation"] { case "yes": true; case "no": false; default: nil }
        do throws(GatewayProblem) {
            let answered: (followUp: DischargeFollowUp, next: OneTimeToken?)
            do { answered = try await desk.service.answerFollowUp(token, use: form["use"], wantsConversation: wants) } catch { throw error.problem }
            let opens = FollowUpRules.opens(.sixMonths, closedOn: answered.followUp.closedOn)
            return renderer.page("followUpAnswered", FollowUpAnsweredPage(
                token: token.formatted, next: answered.next?.formatted,
                nextText: answered.next.map { _ in texts.text(.followUpNextText, language, ["day": texts.day(opens, language)]) },
                mayBook: answered.followUp.mayBook), language: language, status: .ok, switch: .none)
        } catch {
            return renderFollowUp(token, followUp, form, language, error: texts.detail(error, language), status: error.status, field: error.field)
        }
    }
}
