import Foundation
import GatewayCore
import GatewayServices
import HTTPTypes
import Hummingbird
import Mustache

/// The citizen's web form: server-rendered, no JavaScript, no cookies. Every step is a POST so
/// answers never land in the browser history or a URL; the page title stays neutral.
struct CitizenPages: Sendable {
    let desk: PageBookings
    let complaints: ComplaintService
    let network: ClientNetwork
    let receipts: BookingReceipts
    let renderer: PageRenderer
    /// The start page depends only on the language and the configuration: rendered once per language.
    let startPages: [Language: Response]

    var texts: TextCatalog { renderer.texts }

    init(desk: PageBookings, complaints: ComplaintService, network: ClientNetwork, renderer: PageRenderer) {
        self.desk = desk; self.complaints = complaints; self.network = network; self.renderer = renderer
        self.receipts = BookingReceipts(clock: desk.service.clock, random: desk.service.random)
        var pages: [Language: Response] = [:]
        for language in Language.allCases {
            pages[language] = Self.renderStart(desk.configuration, renderer, language, error: nil, status: .ok)
        }
        startPages = pages
    }

    static let answerFields = ["lang", "service", "ageBand", "substances", "otherSupport", "enrolled"]
    static let detailFields = ["interpreterLanguage", "interpreterLanguageOther", "companion", "message"]
    static let daysPerPage = 7

    static let routes: [(String, HTTPRequest.Method)] = [
        ("/", .get), ("/book/questions", .post), ("/book/times", .post), ("/book/details", .post), ("/book/confirm", .post),
        ("/book", .post), ("/book/receipt", .get), ("/book/done", .post), ("/booking/calendar.ics", .post), ("/booking", .get), ("/booking", .post),
        ("/booking/cancel", .post), ("/booking/requests", .post), ("/booking/move", .post), ("/booking/move/confirm", .post),
        ("/booking/forget", .post), ("/booking/forget/confirm", .post),
        ("/anonymity", .get), ("/families", .get), ("/complaints", .get), ("/complaints", .post), ("/complaints/language", .post), ("/follow-up", .post),
    ]

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/", use: start)
        router.post("/book/questions", use: questions)
        router.post("/book/times", use: times)
        router.post("/book/details", use: details)
        router.post("/book/confirm", use: confirm)
        router.post("/book", use: book)
        router.get("/book/receipt", use: receipt)
        router.post("/book/done", use: done)
        router.post("/booking/calendar.ics", use: calendar)
        router.get("/booking", use: manage)
        router.post("/booking", use: find)
        router.post("/booking/cancel", use: cancel)
        router.post("/booking/requests", use: changeRequests)
        router.post("/booking/move", use: moveTimes)
        router.post("/booking/move/confirm", use: moveConfirm)
        router.post("/booking/forget", use: forgetStart)
        router.post("/booking/forget/confirm", use: forgetConfirm)
        router.get("/anonymity", use: anonymity)
        router.get("/families", use: families)
        router.get("/complaints", use: complaintForm)
        router.post("/complaints", use: complain)
        router.post("/complaints/language", use: complaintLanguage)
        router.post("/follow-up", use: answerFollowUp)
    }

    // MARK: Booking, step by step

    @Sendable func start(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let language = PageRenderer.language(query: request)
        return startPages[language] ?? renderStart(language, error: nil, status: .ok)
    }

    func renderStart(_ language: Language, error: String?, status: HTTPResponse.Status, field: String? = nil) -> Response {
        Self.renderStart(desk.configuration, renderer, language, error: error, status: status, field: field)
    }

    static func renderStart(_ configuration: GatewayConfiguration, _ renderer: PageRenderer, _ language: Language, error: String?,
                            status: HTTPResponse.Status, field: String? = nil) -> Response {
        let texts = renderer.texts
        let page = StartPage(
            services: configuration.services.map { service in
                .init(id: service.id.rawValue, name: service.name.text(language), summary: service.summary.text(language),
                      first: TextKey(rawValue: "service.\(service.id.rawValue).first").map { texts.text($0, language) } ?? "")
            },
            callPlaces: configuration.providers.compactMap { provider in
                provider.place.phone.map { StartPage.CallPlace(name: provider.place.name, phone: $0, hours: texts.hours(provider.openingHours, language)) }
            },
            error: error)
        return renderer.page("start", page, language: language, status: status, switch: .link("/"), errorField: field)
    }

    /// Where anonymity ends (QS 2.5, 4.4.2, 4.4.3), said plainly; linked from every citizen page.
    @Sendable func anonymity(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        renderer.page("anonymity", ErrorBox(error: nil), language: PageRenderer.language(query: request), status: .ok, switch: .link("/anonymity"))
    }

    /// For families who know little about drugs and addiction (seed 000): what problematic use is and
    /// how it shows, that help is free and can be anonymous, what relatives themselves can get, the
    /// interpreter, and that faith and ethnicity are never recorded. Linked from every page's footer.
    @Sendable func families(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let language = PageRenderer.language(query: request)
        let line = desk.configuration.referrals[.relativesLine]
        let phone = line?.places.compactMap(\.phone).first ?? ""
        let page = FamiliesPage(
            relativesLine: texts.text(.familiesForYouLine, language, ["phone": phone, "hours": line?.hours.text(language) ?? ""]),
            offersRelatives: desk.configuration.service(.relatives) != nil,
            offersParents: desk.configuration.service(.uturnParents) != nil)
        return renderer.page("families", page, language: language, status: .ok, switch: .link("/families"))
    }

    @Sendable func questions(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        let service: ServiceDefinition
        do { service = try desk.service(form["service"]) } catch {
            return renderStart(language, error: texts.detail(error, language), status: error.status, field: error.field)
        }
        return renderQuestions(form, service, language, error: nil, status: .ok)
    }

    func renderQuestions(_ form: FormBody, _ service: ServiceDefinition, _ language: Language, error: String?, status: HTTPResponse.Status,
                         field: String? = nil) -> Response {
        let chosenSubstances = Set(form.all("substances"))
        let places = desk.configuration.providers(offering: service.id)
        let page = QuestionsPage(
            serviceName: service.name.text(language),
            freeChoice: places.count > 1 ? FreeChoice(places: places.map { provider in
                FreeChoice.Place(name: provider.place.name, detail: placeDetail(provider, language))
            }) : nil,
            hidden: form.hidden(["lang", "service"]),
            ageBands: AgeBand.allCases.map { Choice(id: $0.rawValue, label: texts.text(.age($0), language), checked: form["ageBand"] == $0.rawValue) },
            asksSubstances: service.id == .pas,
            asksEnrolled: service.id == .relatives,
            substances: Substance.allCases.map {
                Choice(id: $0.rawValue, label: texts.text(.substance($0), language), checked: chosenSubstances.contains($0.rawValue))
            },
            supportYes: form["otherSupport"] == "yes", supportNo: form["otherSupport"] == "no",
            enrolledYes: form["enrolled"] == "yes", enrolledNo: form["enrolled"] == "no",
            error: error)
        return renderer.page("questions", page, language: language, status: status,
                             switch: .form(action: "/book/questions", fields: form.hidden(Self.answerFields)), errorField: field)
    }

    @Sendable func times(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        let service: ServiceDefinition
        do { service = try desk.service(form["service"]) } catch {
            return renderStart(language, error: texts.detail(error, language), status: error.status, field: error.field)
        }
        do {
            try desk.assess(try desk.answers(application(form)), for: service)
        } catch {
            if error.slug == "not-eligible" { return renderReferral(error, language, form) }
            return renderQuestions(form, service, language, error: texts.detail(error, language), status: error.status, field: error.field)
        }
        return try await renderTimes(form, service, language, error: nil, status: .ok)
    }

    func renderTimes(
        _ form: FormBody, _ service: ServiceDefinition, _ language: Language, error: String?, status: HTTPResponse.Status,
        moving token: String? = nil, field: String? = nil
    ) async throws -> Response {
        let from = form["from"].flatMap(CalendarDay.init(iso:))
        let days = min(Self.daysPerPage, desk.configuration.booking.maximumDaysPerListing)
        let offered: [OfferedSlot]
        do {
            offered = try await desk.offeredSlots(for: service, from: from, days: days)
        } catch {
            // Past the booking horizon: show the empty page with its explanation, not an error.
            guard error.field == "from" else { throw error }
            offered = []
        }
        let today = desk.today
        var grouped: [(CalendarDay, [OfferedSlot])] = []
        for item in offered {
            if let last = grouped.last, last.0 == item.slot.id.day {
                grouped[grouped.count - 1].1.append(item)
            } else {
                grouped.append((item.slot.id.day, [item]))
            }
        }
        let dayValues: [TimesPage.Day] = grouped.map { day, items in
            var label = texts.day(day, language)
            if day == today { label += " (\(texts.text(.today, language)))" }
            if day == today.adding(days: 1) { label += " (\(texts.text(.tomorrow, language)))" }
            return TimesPage.Day(label: label, slots: items.map { item in
                TimesPage.Time(
                    id: item.slot.id.description, time: "\(item.slot.id.time)–\(desk.calculator.timeOfDay(item.slot.end))",
                    place: desk.configuration.provider(item.slot.providerId)?.place.name ?? item.slot.providerId.rawValue,
                    remaining: texts.placesFree(item.remaining, language))
            })
        }
        let byPhone = desk.configuration.providers(offering: service.id).filter { !$0.isBookableOnTheWeb }.map { provider in
            FreeChoice.Place(name: provider.place.name, detail: placeDetail(provider, language))
        }
        let pageStart = max(from ?? today, today)
        let next = pageStart.adding(days: days)
        let hasLater = next <= today.adding(days: desk.configuration.booking.horizonDays - 1)
        let carried = token == nil ? Self.answerFields : ["lang", "token"]
        let overrides = token.map { ["token": $0] } ?? [:]
        let page = TimesPage(
            heading: texts.text(token == nil ? .timesHeading : .moveHeading, language),
            serviceName: service.name.text(language),
            conversation: service.firstConversation.text(language),
            minutes: service.conversationMinutes,
            action: token == nil ? "/book/details" : "/booking/move/confirm",
            submitLabel: texts.text(token == nil ? .continue : .moveButton, language),
            hidden: form.hidden(carried, overriding: overrides),
            days: dayValues,
            hasDays: !dayValues.isEmpty,
            later: hasLater,
            laterAction: hasLater ? (token == nil ? "/book/times" : "/booking/move") : nil,
            laterHidden: hasLater ? form.hidden(carried, overriding: overrides) + [HiddenField(name: "from", value: next.description)] : [],
            uturnOffer: form.hidden(["lang", "ageBand"]) + [HiddenField(name: "service", value: ServiceID.uturn.rawValue)],
            offersUturn: token == nil && service.id == .pas && form["ageBand"] == AgeBand.from18To24.rawValue,
            byPhone: byPhone,
            hasByPhone: !byPhone.isEmpty,
            error: error)
        let switchTarget: PageRenderer.LanguageSwitch = token == nil
            ? .form(action: "/book/times", fields: form.hidden(Self.answerFields + ["from"]))
            : .form(action: "/booking/move", fields: form.hidden(["lang", "from"], overriding: overrides) + [HiddenField(name: "token", value: token!)])
        return renderer.page("times", page, language: language, status: status, switch: switchTarget, errorField: field)
    }

    /// "Address, phone" — or, for a place booked by phone only, who to call (issue 10).
    func placeDetail(_ provider: ProviderDefinition, _ language: Language) -> String {
        if let through = provider.bookedThrough.flatMap(desk.configuration.provider) {
            return texts.text(.placeBookedByPhone, language, ["name": through.place.name, "phone": through.place.phone ?? ""])
        }
        return (provider.place.address + (provider.place.phone.map { [texts.text(.phone, language) + " " + $0] } ?? [])).joined(separator: ", ")
    }

    /// Where to go instead; the language choice re-posts the answers, so the same advice is read in another language.
    func renderReferral(_ problem: GatewayProblem, _ language: Language, _ form: FormBody) -> Response {
        let referrals = problem.referrals.compactMap { desk.configuration.referrals[$0] }.map { referral in
            ReferralPage.Referral(title: referral.title.text(language), explanation: referral.explanation.text(language),
                                  hours: referral.hours.text(language), places: referral.places.map(PlaceModel.init))
        }
        return renderer.page("referral", ReferralPage(reason: texts.detail(problem, language), referrals: referrals),
                             language: language, status: .ok, switch: .form(action: "/book/times", fields: form.hidden(Self.answerFields)))
    }

    /// Re-validates everything up to the chosen slot; answers the page to show instead when something is wrong.
    func validatedSlot(_ form: FormBody, _ language: Language) async throws -> Validated {
        let service: ServiceDefinition
        do { service = try desk.service(form["service"]) } catch {
            return .failure(renderStart(language, error: texts.detail(error, language), status: error.status, field: error.field))
        }
        do {
            try desk.assess(try desk.answers(application(form)), for: service)
        } catch {
            if error.slug == "not-eligible" { return .failure(renderReferral(error, language, form)) }
            return .failure(renderQuestions(form, service, language, error: texts.detail(error, language), status: error.status, field: error.field))
        }
        do {
            return .success((service, try desk.bookableSlot(form["slot"], for: service)))
        } catch {
            return .failure(try await renderTimes(form, service, language, error: texts.detail(error, language), status: error.status, field: error.field))
        }
    }

    enum Validated {
        case success((ServiceDefinition, Slot))
        case failure(Response)
    }

    @Sendable func details(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        switch try await validatedSlot(form, language) {
        case .failure(let page): return page
        case .success: return renderDetails(form, language, error: nil, status: .ok)
        }
    }

    func renderDetails(_ form: FormBody, _ language: Language, error: String?, status: HTTPResponse.Status, field: String? = nil) -> Response {
        let (choices, other) = interpreterChoices(form, language)
        let page = DetailsPage(hidden: form.hidden(Self.answerFields + ["slot"]), companion: form["companion"] == "yes",
                               interpreterChoices: choices, interpreterOther: other, message: form["message"], error: error)
        return renderer.page("details", page, language: language, status: status,
                             switch: .form(action: "/book/details", fields: form.hidden(Self.answerFields + ["slot"] + Self.detailFields)),
                             errorField: field)
    }

    @Sendable func confirm(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        let service: ServiceDefinition, slot: Slot
        switch try await validatedSlot(form, language) {
        case .failure(let page): return page
        case .success(let chosen): (service, slot) = chosen
        }
        let requests: BookingRequests
        do { requests = try desk.requests(application(form)) } catch {
            return renderDetails(form, language, error: texts.detail(error, language), status: error.status, field: error.field)
        }
        let page = ConfirmPage(hidden: form.hidden(Self.answerFields + ["slot"] + Self.detailFields)
                               + [HiddenField(name: "nonce", value: receipts.issueNonce())])
        return renderer.page("confirm", page, summary(service: service, slot: slot, requests: requests, language), language: language, status: .ok,
                             switch: .form(action: "/book/confirm", fields: form.hidden(Self.answerFields + ["slot"] + Self.detailFields)))
    }

    @Sendable func book(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        switch receipts.spend(form["nonce"]) {
        case .alreadySpent: return alreadyBooked(language)
        case .invalid: return renderer.errorPage(GatewayProblem.bookingFormExpired, language)
        case .fresh: break
        }
        switch try await validatedSlot(form, language) {
        case .failure(let page): return page
        case .success: break
        }
        do throws(GatewayProblem) {
            let (token, booking) = try await desk.book(application(form), client: network.bucket(request, context))
            // Redirect, so Back/reload never posts the form again; the reference is not in the URL.
            let id = receipts.hold(token, booking, language)
            var headers = HTTPFields()
            headers[.location] = "/book/receipt?id=\(id)" + (language == .da ? "" : "&lang=\(language.rawValue)")
            return Response(status: .seeOther, headers: headers)
        } catch {
            let problem = error
            if let seconds = problem.retryAfterSeconds {
                var response = renderer.errorPage(problem, language)
                response.headers[.retryAfter] = String(seconds)
                return response
            }
            // The service was validated above; reading it again cannot fail.
            if problem.slug == "slot-full", let service = try? desk.service(form["service"]) {
                return try await renderTimes(form, service, language, error: texts.detail(problem, language), status: problem.status, field: problem.field)
            }
            if problem.field == "message" || problem.field == "interpreterLanguage" {
                return renderDetails(form, language, error: texts.detail(problem, language), status: problem.status, field: problem.field)
            }
            return renderer.errorPage(problem, language)
        }
    }

    func renderReceipt(_ token: OneTimeToken, _ booking: Booking, _ language: Language, error: String?, status: HTTPResponse.Status) -> Response {
        guard let service = desk.configuration.service(booking.serviceId) else { return renderer.errorPage(GatewayProblem.unknownService, language) }
        let page = ReceiptPage(token: token.formatted, slotId: booking.slotId.description, error: error)
        return renderer.page("receipt", page, summary(service: service, booking: booking, language), language: language, status: status,
                             switch: .none)
    }

    /// The receipt, shown once. Asked again (reload, Back), it says the booking is made — without the reference.
    @Sendable func receipt(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        guard let held = receipts.take(request.uri.queryParameters["id"].map(String.init)) else {
            return alreadyBooked(PageRenderer.language(query: request))
        }
        return renderReceipt(held.token, held.booking, held.language, error: nil, status: .ok)
    }

    func alreadyBooked(_ language: Language) -> Response {
        renderer.page("alreadyBooked", ErrorBox(error: nil), language: language, status: .ok, switch: .none)
    }

    @Sendable func done(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        if form["saved"] == "yes" {
            return renderer.page("done", ErrorBox(error: nil), language: language, status: .ok, switch: .none)
        }
        do {
            let token = try desk.parseToken(form["token"])
            let booking = try await desk.liveBooking(token)
            return renderReceipt(token, booking, language, error: texts.text(.mustConfirmSaved, language), status: .badRequest)
        } catch {
            return renderer.errorPage(error, language)
        }
    }

    /// A calendar entry with a neutral title ("Samtale"), the time and the address, and nothing that
    /// names the gateway or dates the booking: family may see the calendar.
    @Sendable func calendar(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        guard let id = form["slot"].flatMap(SlotID.init), let slot = desk.calculator.slot(id),
              let provider = desk.configuration.provider(id.provider) else {
            throw GatewayProblem.unknownSlot
        }
        let uid = desk.random.bytes(16).hexString
        // The address is the location and the phone and way in the description (issue 10); no
        // name of the place or the service, since family may see the calendar.
        let language = PageRenderer.language(form: form)
        let description = [provider.place.phone.map { texts.text(.phone, language) + " " + $0 }, provider.wayIn?.text(language)]
            .compactMap { $0 }.joined(separator: ". ")
        let body = CalendarFile.event(uid: uid, start: slot.start, end: slot.end, summary: "Samtale",
                                      location: provider.place.address.joined(separator: ", "), description: description)
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"samtale.ics\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    // MARK: Helpers

    /// The service a live booking token or a follow-up token is for.
    func serviceOfToken(_ token: OneTimeToken) async throws(GatewayProblem) -> ServiceID {
        switch try await desk.holding(token) {
        case .followUp(let followUp): return followUp.serviceId
        case .booking(let booking): return booking.serviceId
        case .dischargeFollowUp(let followUp): return followUp.serviceId
        }
    }

    func application(_ form: FormBody) -> BookingApplication {
        BookingApplication(
            serviceId: form["service"], slotId: form["slot"], ageBand: form["ageBand"], substances: form.all("substances"),
            receivesOtherSocialSupport: form.yesNo("otherSupport"), personIsEnrolledInTreatment: form.yesNo("enrolled"),
            interpreterLanguage: Self.interpreterLanguage(form), companion: form["companion"] == "yes", message: form["message"])
    }

    /// The interpreter language a form asks for: a listed one, or with "other" the typed one.
    static func interpreterLanguage(_ form: FormBody) -> String? {
        form["interpreterLanguage"] == InterpreterLanguages.other ? form["interpreterLanguageOther"] : form["interpreterLanguage"]
    }

    /// The list for the interpreter select, with the form's choice (or a kept language) selected;
    /// a language not on the list shows as "another language" with its name typed.
    func interpreterChoices(_ form: FormBody, _ language: Language, kept: String? = nil) -> ([Choice], String) {
        let chosen = Self.interpreterLanguage(form) ?? kept ?? ""
        let listed = InterpreterLanguages.listed.contains(chosen)
        let isOther = !chosen.isEmpty && !listed
        var choices = [Choice(id: "", label: texts.text(.interpreterNone, language), checked: chosen.isEmpty)]
        choices += InterpreterLanguages.listed.map { name in
            Choice(id: name, label: TextKey(rawValue: "interpreter.\(name)").map { texts.text($0, language) } ?? name, checked: name == chosen)
        }
        choices.append(Choice(id: InterpreterLanguages.other, label: texts.text(.interpreterOther, language), checked: isOther))
        return (choices, isOther ? chosen : "")
    }

    func summary(service: ServiceDefinition, booking: Booking, _ language: Language) -> BookingSummary {
        summary(service: service, slot: Slot(id: booking.slotId, start: booking.start, end: booking.end, capacity: 0),
                requests: booking.requests, language)
    }

    func summary(service: ServiceDefinition, slot: Slot, requests: BookingRequests, _ language: Language) -> BookingSummary {
        let provider = desk.configuration.provider(slot.providerId)
        let place = provider?.place
        return BookingSummary(
            serviceName: service.name.text(language), conversation: service.firstConversation.text(language),
            when: texts.appointment(slot.id.day, slot.id.time, desk.calculator.timeOfDay(slot.end), language),
            companion: requests.companion, placeName: place?.name, address: place?.address ?? [], phone: place?.phone,
            wayIn: provider?.wayIn?.text(language),
            bookedByPhone: provider.flatMap { $0.isBookableOnTheWeb ? nil : placeDetail($0, language) },
            interpreterLanguage: requests.interpreterLanguage, message: requests.message)
    }
}
