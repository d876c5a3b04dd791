import GatewayCore
import Mustache

/// What a template sees: the page's typed model parts, looked up in order, so a page can add its
/// own fields to a shared part (the booking summary) and to what every page has (language, texts).
struct TemplateContext: MustacheParent {
    let parts: [Any]

    func child(named name: String) -> Any? {
        for part in parts {
            if let parent = part as? MustacheParent {
                if let value = parent.child(named: name) { return value }
                continue
            }
            guard let value = Mirror(reflecting: part).children.first(where: { $0.label == name })?.value else { continue }
            // An absent optional is no value: the section is skipped, as for a missing key.
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else { return nil }
                return wrapped
            }
            return value
        }
        return nil
    }
}

/// A hidden form field carried to the next step.
struct HiddenField: Sendable, Equatable {
    let name: String
    let value: String
}

/// What every citizen page has besides its own model.
struct PageCommon {
    let lang: String
    let dir: String
    let t: [String: String]
    /// `?lang=xx` for links that keep the page's language (empty for Danish).
    let langQuery: String
    /// The id the error summary links to.
    var errorLink: String? = nil
}

struct LayoutModel {
    /// One of the other languages: a link (GET pages) or a submit button carrying `lang` (POST steps).
    struct LanguageChoice { let lang: String; let name: String; let href: String? }
    struct SwitchForm { let action: String; let fields: [HiddenField] }
    let lang: String
    let dir: String
    let langQuery: String
    let t: [String: String]
    let content: String
    let languages: [LanguageChoice]
    let hasLanguages: Bool
    let switchForm: SwitchForm?
    let accessibilityStatement: String
}

/// A choice in a list of radio buttons or checkboxes.
struct Choice {
    let id: String
    let label: String
    var checked = false
}

struct ErrorBox { let error: String? }

struct StartPage {
    struct Service { let id: String; let name: String; let summary: String; let first: String }
    /// A place one can call instead (QS 4.4.4, 9.1): its phone and opening hours.
    struct CallPlace { let name: String; let phone: String; let hours: String }
    let services: [Service]
    let callPlaces: [CallPlace]
    let error: String?
}

/// QS 3.4, *frit valg*: the places that give a service, where there is more than one.
struct FamiliesPage {
    let relativesLine: String
    let offersRelatives: Bool
    let offersParents: Bool
}

struct FreeChoice {
    struct Place { let name: String; let detail: String }
    let places: [Place]
}

struct QuestionsPage {
    let serviceName: String
    let freeChoice: FreeChoice?
    let hidden: [HiddenField]
    let ageBands: [Choice]
    let asksSubstances: Bool
    let asksEnrolled: Bool
    let substances: [Choice]
    let supportYes: Bool, supportNo: Bool, enrolledYes: Bool, enrolledNo: Bool
    let error: String?
}

struct TimesPage {
    struct Day { let label: String; let slots: [Time] }
    struct Time { let id: String; let time: String; let place: String; let remaining: String }
    let heading: String
    let serviceName: String
    let conversation: String
    let minutes: Int
    let action: String
    let submitLabel: String
    let hidden: [HiddenField]
    let days: [Day]
    let hasDays: Bool
    let later: Bool
    let laterAction: String?
    let laterHidden: [HiddenField]
    /// QS 2.2 note 1: a PAS enquirer aged 18–24 is told that U-turn serves them too, before booking.
    var uturnOffer: [HiddenField] = []
    var offersUturn: Bool = false
    /// The service's places that are booked by phone only, with the number to call (issue 10).
    var byPhone: [FreeChoice.Place] = []
    /// Stored, not computed: templates read models by reflection.
    var hasByPhone: Bool = false
    let error: String?
}

struct PlaceModel {
    let name: String
    let address: [String]
    let phone: String?
    let tel: String?

    init(_ place: ContactPlace) {
        name = place.name; address = place.address; phone = place.phone
        tel = place.phone.map { "+45" + $0.filter(\.isNumber) }
    }
}

struct ReferralPage {
    struct Referral { let title: String; let explanation: String; let hours: String; let places: [PlaceModel] }
    let reason: String
    let referrals: [Referral]
}

struct DetailsPage {
    let hidden: [HiddenField]
    let companion: Bool
    /// The interpreter languages as a list, with "another language" and its typed field.
    let interpreterChoices: [Choice]
    let interpreterOther: String
    let message: String?
    let error: String?
}

/// The booking summary (`summary.mustache`), shared by the confirm, receipt, booking and moved pages.
struct BookingSummary {
    let serviceName: String
    let conversation: String
    let when: String
    let companion: Bool
    let placeName: String?
    let address: [String]
    let phone: String?
    let wayIn: String?
    /// A place booked by phone only: who to call to learn where to go.
    let bookedByPhone: String?
    let interpreterLanguage: String?
    let message: String?
}

struct ConfirmPage { let hidden: [HiddenField] }
struct ReceiptPage { let token: String; let slotId: String; let error: String? }
struct BookingPage {
    let token: String
    let error: String?
    /// The citizen's interpreter and companion, changeable for every later session.
    var interpreterChoices: [Choice] = []
    var interpreterOther: String = ""
    var companion: Bool = false
    var notice: String? = nil
    /// The PAS decision letter's paragraphs, in the page's language (QS 3.1: in writing).
    let decisionLines: [String]
    let hasDecision: Bool
    /// The group course the case holds a seat in (issue 10): where, and each meeting in words.
    var courseIntro: String? = nil
    var courseMeetings: [String] = []

    init(token: String, error: String?, decision: [String]? = nil) {
        self.token = token; self.error = error
        decisionLines = decision ?? []
        hasDecision = !(decision ?? []).isEmpty
    }
}
struct MovedPage { let slotId: String }
struct ErrorPage { let detail: String }

// MARK: Staff pages

struct StaffLayoutModel {
    let content: String
    let t: [String: String]
    let signedIn: Bool
    let csrf: String?
    /// The navigation shows only the pages the role may open.
    let mayReadSchedule: Bool
    let mayBookForCallers: Bool
    let mayReadAccessLog: Bool
    let mayReadStatistics: Bool
    let mayReadComplaints: Bool
    let mayWorkWithCases: Bool
    let who: String?
}

/// The auditor's page: the filter as typed, and the entries.
struct AccessLogPage {
    struct Entry { let day: String; let staff: String; let action: String; let caseCode: String }
    let staff: String
    let caseCode: String
    let from: String
    let to: String
    let count: String
    let entries: [Entry]
    let hasEntries: Bool
    let error: String?
}

/// What every staff page has besides its own model.
struct StaffCommon {
    let t: [String: String]
    let csrf: String?
}

struct StaffMessage { let error: String? }

/// The sign-in page: its error, and the signed form token that stands in for a session's CSRF token.
struct StaffSignInPage { let error: String?; let formToken: String }

struct StaffErrorPage { let detail: String; let back: String }

struct StaffDonePage { let heading: String; let text: String }

struct StaffTokenPage {
    let heading: String
    let token: String
    let spelling: [String]
    let code: String?
    let when: String?
}

struct SchedulePage {
    struct Booking { let time: String; let service: String; let status: String; let wishes: String; let caseCode: String? }
    struct Day { let label: String; let bookings: [Booking]; let hasBookings: Bool }
    struct OpenCase { let code: String; let label: String }
    struct Service { let id: String; let name: String }
    let openCases: [OpenCase]
    let hasOpenCases: Bool
    let dayLabel: String
    let days: [Day]
    let services: [Service]
    let ageBands: [Choice]
    let error: String?
}

struct CasePage {
    struct Note { let writtenOn: String; let providerId: String; let text: String }
    struct Provider { let id: String; let name: String }
    struct Time { let id: String; let label: String }
    let code: String
    let progress: String
    let serviceName: String
    let ageBand: String
    let openedOn: String
    let statusText: String
    let open: Bool
    let canContinue: Bool
    let isPAS: Bool
    let decided: Bool
    let hasLiveBooking: Bool
    let minor: Bool
    let notesDestroyed: Bool
    let notes: [Note]
    let pasProviders: [Provider]
    let warning: String?
    let next: String?
    let decisionText: String?
    let decisionReason: String?
    /// The interpreter and companion kept on the case (seed 000, QS 3), in words.
    let wishes: String?
    let slots: [Time]?
    let error: String?
}

struct PhonePage {
    struct Time { let id: String; let label: String }
    let slots: [Time]
    let offersPAS: Bool
    let ageBands: [Choice]
    let substances: [Choice]
    let error: String?
}
