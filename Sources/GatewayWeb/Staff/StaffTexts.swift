import GatewayCore

/// The staff side's sentences about progress, limits and decisions, from the text catalog, in
/// both languages at once (the API answers with both; the staff pages show the Danish).
struct StaffTexts: Sendable {
    let texts: TextCatalog

    private func both(_ key: TextKey, _ values: [String: String] = [:]) -> LocalizedText {
        LocalizedText(da: texts.text(key, .da, values), en: texts.text(key, .en, values))
    }

    var oneLeft: LocalizedText { both(.staffOneLeft) }

    /// "samtale 3 af 5" / "conversation 3 of 5"; in a PAS course with the session's phase (§101a stk. 8).
    func progress(session: Int, limit: SessionLimit) -> LocalizedText {
        let values = ["session": String(session), "total": String(limit.totalSessions)]
        switch limit {
        case .conversations: return both(.staffProgressConversation, values)
        case .groupMeetings: return both(.staffProgressMeeting, values)
        case .boundedCourse:
            let phase = phaseName(SessionProgress(used: session, limit: limit).phase(ofSession: session))
            return LocalizedText(da: texts.text(.staffProgressCourse, .da, values.merging(["phase": phase.da]) { $1 }),
                                 en: texts.text(.staffProgressCourse, .en, values.merging(["phase": phase.en]) { $1 }))
        }
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

    /// The decision letter (`DecisionLetter`), worded: §101a stk. 6, QS 6.2 and 6.6.
    func letter(_ letter: DecisionLetter) -> LocalizedText {
        var da: [String] = [], en: [String] = []
        func add(_ text: LocalizedText) { da.append(text.da); en.append(text.en) }
        for part in letter.parts {
            switch part {
            case .outcome(let outcome, let place):
                switch (outcome, place) {
                case (.granted, let place?): add(both(.letterGrantedAt, ["place": place.name]))
                case (.granted, nil): add(both(.letterGranted))
                case (.refused, let place?): add(both(.letterRefusedAt, ["place": place.name]))
                case (.refused, nil): add(both(.letterRefused))
                }
            case .noAdministrativeAppeal: add(both(.letterNoAppeal))
            case .treatmentComplaints(let text): add(text)
            case .citizensAdvisor(let advisor):
                let line = "\(advisor.name), \(advisor.address.joined(separator: ", "))"
                let phone = advisor.phone.map { both(.letterPhone, ["phone": $0]) }
                add(LocalizedText(da: texts.text(.letterCitizensAdvisor, .da, ["advisor": line + (phone.map { ", " + $0.da } ?? "")]),
                                  en: texts.text(.letterCitizensAdvisor, .en, ["advisor": line + (phone.map { ", " + $0.en } ?? "")])))
            }
        }
        return LocalizedText(da: da.joined(separator: " "), en: en.joined(separator: " "))
    }
}
