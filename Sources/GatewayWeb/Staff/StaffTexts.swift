import GatewayCore
import GatewayStore

/// The staff side's sentences about progress, limits and decisions, from the text catalog, in
/// both languages at once (the API answers with both; the staff pages show the Danish).
struct StaffTexts: Sendable {
    let texts: TextCatalog

    private func both(_ key: TextKey, _ values: [String: String] = [:]) -> LocalizedText {
        LocalizedText(da: texts.text(key, .da, values), en: texts.text(key, .en, values))
    }

    var oneLeft: LocalizedText { both(.staffOneLeft) }

    /// "samtale 3 af 5" / "conversation 3 of 5"; in a PAS course with the session's phase (§101a stk. 8).
    /// With two kinds (parents: conversations or the group), `session` counts the kind `group` says.
    func progress(session: Int, limit: SessionLimit, group: Bool = false) -> LocalizedText {
        let values = ["session": String(session), "total": String(SessionProgress(used: session, limit: limit, group: group).total)]
        switch limit {
        case .conversations: return both(.staffProgressConversation, values)
        case .groupMeetings: return both(.staffProgressMeeting, values)
        case .conversationsOrGroup: return both(group ? .staffProgressMeeting : .staffProgressConversation, values)
        case .boundedCourse:
            let phase = phaseName(SessionProgress(used: session, limit: limit).phase(ofSession: session))
            return LocalizedText(da: texts.text(.staffProgressCourse, .da, values.merging(["phase": phase.da]) { $1 }),
                                 en: texts.text(.staffProgressCourse, .en, values.merging(["phase": phase.en]) { $1 }))
        }
    }

    /// Where a case stands: "samtale 3 af 5"; with two kinds both, "samtale 2 af 5 · gang 1 af 5".
    func progress(of found: AnonymousCase, limit: SessionLimit) -> LocalizedText {
        guard case .conversationsOrGroup = limit else { return progress(session: max(found.sessionsUsed, 1), limit: limit) }
        let conversations = progress(session: SessionProgress(of: found, limit: limit).used, limit: limit)
        let meetings = progress(session: SessionProgress(of: found, limit: limit, group: true).used, limit: limit, group: true)
        return LocalizedText(da: conversations.da + " · " + meetings.da, en: conversations.en + " · " + meetings.en)
    }

    /// A session just held: "samtale 3 af 5"; a parents' group meeting counts against the group's own limit.
    func progress(of result: CheckInResult, limit: SessionLimit) -> (SessionProgress, LocalizedText) {
        guard case .conversationsOrGroup = limit else {
            return (SessionProgress(used: result.sessionNumber, limit: limit), progress(session: result.sessionNumber, limit: limit))
        }
        let kind = SessionProgress(of: result.anonymousCase, limit: limit, group: result.isGroup)
        return (kind, progress(session: kind.used, limit: limit, group: result.isGroup))
    }

    func phaseName(_ phase: SessionProgress.CoursePhase) -> LocalizedText {
        switch phase {
        case .clarifying: both(.staffPhaseClarifying)
        case .group: both(.staffPhaseGroup)
        case .concluding: both(.staffPhaseConcluding)
        case .counselling: both(.staffPhaseCounselling)
        }
    }

    /// What to say when the anonymous sessions are used up (QS 4.4.2; Barnets Lov §32 for under-18s).
    func guidance(_ guidance: LimitGuidance) -> LocalizedText {
        switch guidance {
        case .identifiedEnrolment: both(.guidanceIdentifiedEnrolment)
        case .identifiedEnrolmentWithConsentAndApproval: both(.guidanceConsentAndApproval)
        }
    }

    /// The decision letter (`DecisionLetter`), worded: §101a stk. 4–6, QS 3.4, 6.2 and 6.6 — one
    /// sentence group per part, so a page can show them as paragraphs.
    func letterLines(_ letter: DecisionLetter) -> [LocalizedText] {
        func place(_ place: ContactPlace) -> String {
            place.name + (place.address.isEmpty ? "" : ", " + place.address.joined(separator: ", "))
        }
        return letter.parts.map { part in
            switch part {
            case .outcome(let outcome, let place?):
                let sentence = both(outcome == .granted ? .letterGrantedAt : .letterRefusedAt, ["place": place.name])
                guard outcome == .granted, !place.address.isEmpty else { return sentence }
                let address = place.address.joined(separator: ", ")
                let phone = place.phone.map { both(.letterPhone, ["phone": $0]) }
                let line = both(.letterAddress, ["address": address])
                return LocalizedText(da: sentence.da + " " + line.da + (phone.map { " " + $0.da + "." } ?? ""),
                                     en: sentence.en + " " + line.en + (phone.map { " " + $0.en + "." } ?? ""))
            case .outcome(let outcome, nil): return both(outcome == .granted ? .letterGranted : .letterRefused)
            case .reason(let reason): return both(.letterReason, ["reason": reason])
            case .freeChoice(let places): return both(.letterFreeChoice, ["places": places.map(place).joined(separator: "; ")])
            case .noAdministrativeAppeal: return both(.letterNoAppeal)
            case .treatmentComplaints(let text): return text
            case .citizensAdvisor(let advisor):
                let line = place(advisor)
                let phone = advisor.phone.map { both(.letterPhone, ["phone": $0]) }
                return LocalizedText(da: texts.text(.letterCitizensAdvisor, .da, ["advisor": line + (phone.map { ", " + $0.da } ?? "")]),
                                     en: texts.text(.letterCitizensAdvisor, .en, ["advisor": line + (phone.map { ", " + $0.en } ?? "")]))
            }
        }
    }

    func letter(_ letter: DecisionLetter) -> LocalizedText {
        let lines = letterLines(letter)
        return LocalizedText(da: lines.map(\.da).joined(separator: " "), en: lines.map(\.en).joined(separator: " "))
    }
}
