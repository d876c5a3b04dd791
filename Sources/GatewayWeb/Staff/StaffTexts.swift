import GatewayCore

/// The staff side's sentences about progress, limits and decisions, in both languages.
enum StaffTexts {
    static let oneLeft = LocalizedText(da: "Én samtale tilbage før grænsen.", en: "One session left before the limit.")

    /// "samtale 3 af 5" / "conversation 3 of 5"; in a PAS course with the session's phase (§101a stk. 8).
    static func progress(session: Int, limit: SessionLimit) -> LocalizedText {
        switch limit {
        case .conversations(let total): return LocalizedText(da: "samtale \(session) af \(total)", en: "conversation \(session) of \(total)")
        case .groupMeetings(let total): return LocalizedText(da: "gang \(session) af \(total)", en: "meeting \(session) of \(total)")
        case .boundedCourse:
            let name = phaseName(SessionProgress(used: session, limit: limit).phase(ofSession: session))
            return LocalizedText(da: "session \(session) af \(limit.totalSessions) (\(name.da))",
                                 en: "session \(session) of \(limit.totalSessions) (\(name.en))")
        }
    }

    static func phaseName(_ phase: SessionProgress.CoursePhase) -> LocalizedText {
        switch phase {
        case .clarifying: LocalizedText(da: "afklarende samtale", en: "clarifying conversation")
        case .group: LocalizedText(da: "gruppesession", en: "group session")
        case .concluding: LocalizedText(da: "afsluttende individuel samtale", en: "individual concluding conversation")
        case .counselling: LocalizedText(da: "samtale", en: "session")
        }
    }

    /// What to say when the anonymous sessions are used up (QS 4.4.2; Barnets Lov §32 for under-18s).
    static func guidance(_ guidance: LimitGuidance) -> LocalizedText {
        switch guidance {
        case .identifiedEnrolmentWithConsentAndApproval:
            LocalizedText(
                da: "Grænsen for anonyme samtaler er nået. Et længere forløb kræver indskrivning med navn – og for unge under 18 samtykke fra forældremyndighedsindehaveren og godkendelse fra myndighedssagsbehandleren.",
                en: "The limit of anonymous sessions is reached. A longer course requires identified enrolment – and for young people under 18, consent from the holder of parental authority and approval by the municipal caseworker.")
        case .identifiedEnrolment:
            LocalizedText(
                da: "Grænsen for anonyme samtaler er nået. Et længere forløb kræver indskrivning med navn i et identificeret behandlingsforløb.",
                en: "The limit of anonymous sessions is reached. A longer course requires identified enrolment in a treatment course.")
        }
    }

    /// The decision letter (`DecisionLetter`), worded: §101a stk. 6, QS 6.2 and 6.6.
    static func letter(_ letter: DecisionLetter) -> LocalizedText {
        var da: [String] = [], en: [String] = []
        for part in letter.parts {
            switch part {
            case .outcome(let outcome, let place):
                let granted = outcome == .granted
                da.append((granted ? "Du er visiteret til anonym behandling" : "Du er ikke visiteret til anonym behandling")
                          + (place.map { " hos \($0.name)" } ?? "") + ".")
                en.append((granted ? "You have been granted anonymous treatment" : "You have not been granted anonymous treatment")
                          + (place.map { " at \($0.name)" } ?? "") + ".")
            case .noAdministrativeAppeal:
                da.append("Afgørelsen kan ikke indbringes for anden administrativ myndighed (serviceloven §101a, stk. 6).")
                en.append("This decision cannot be appealed to another administrative authority (Social Services Act §101a(6)).")
            case .treatmentComplaints(let text):
                da.append(text.da)
                en.append(text.en)
            case .citizensAdvisor(let advisor):
                let line = "\(advisor.name), \(advisor.address.joined(separator: ", "))" + (advisor.phone.map { ", tlf. \($0)" } ?? "")
                da.append("Du kan også henvende dig til \(line).")
                en.append("You can also contact \(line).")
            }
        }
        return LocalizedText(da: da.joined(separator: " "), en: en.joined(separator: " "))
    }
}
