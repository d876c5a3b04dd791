import GatewayCore

/// Every sentence on the citizen pages, in Danish and English.
enum Texts {
    static let table: [String: (da: String, en: String)] = [
        "siteTitle": ("Tidsbestilling", "Appointments"),
        "brand": ("Tidsbestilling", "Appointments"),
        "skip": ("Gå til indhold", "Skip to content"),
        "quickExit": ("Forlad siden hurtigt", "Leave this page quickly"),
        "otherLanguage": ("English", "Dansk"),
        "footer": ("Du er anonym. Vi gemmer ikke dit navn, CPR-nummer, telefonnummer, e-mail eller IP-adresse, og vi bruger ikke cookies.",
                   "You are anonymous. We do not store your name, CPR number, phone number, e-mail or IP address, and we use no cookies."),
        "startHeading": ("Bestil en anonym samtale", "Book an anonymous conversation"),
        "startIntro": ("Du skal ikke oplyse, hvem du er. Når du har bestilt, får du en reference. Den er din eneste nøgle til aftalen.",
                       "You do not have to say who you are. When you have booked, you get a reference. It is your only key to the booking."),
        "chooseService": ("Hvad har du brug for hjælp til?", "What do you need help with?"),
        "continue": ("Fortsæt", "Continue"),
        "back": ("Tilbage", "Back"),
        "manageLink": ("Find, flyt eller aflys en aftale", "Find, move or cancel a booking"),
        "questionsHeading": ("Et par spørgsmål", "A few questions"),
        "questionsIntro": ("Svarene bruges kun til at finde det rette tilbud. De siger intet om, hvem du er.",
                           "The answers are used only to find the right service. They say nothing about who you are."),
        "ageQuestion": ("Hvor gammel er du?", "How old are you?"),
        "age.under-14": ("Under 14 år", "Under 14"),
        "age.14-17": ("14–17 år", "14–17"),
        "age.18-24": ("18–24 år", "18–24"),
        "age.25-plus": ("25 år eller ældre", "25 or older"),
        "substanceQuestion": ("Hvad drejer det sig om? (vælg alt, der passer)", "What is it about? (choose all that apply)"),
        "substance.cannabis": ("Hash eller skunk", "Hash or cannabis"),
        "substance.cocaine": ("Kokain", "Cocaine"),
        "substance.party-drugs": ("Andre feststoffer (fx MDMA, ketamin, amfetamin)", "Other party drugs (e.g. MDMA, ketamine, amphetamine)"),
        "substance.opioids": ("Heroin, metadon eller andre opioider", "Heroin, methadone or other opioids"),
        "substance.alcohol": ("Alkohol", "Alcohol"),
        "substance.other": ("Andet", "Something else"),
        "supportQuestion": ("Hjælper kommunen dig allerede med andre sociale problemer, fx bolig, arbejde eller økonomi?",
                            "Does the municipality already help you with other social problems, such as housing, work or money?"),
        "enrolledQuestion": ("Er den, du er bekymret for, i behandling for sit forbrug lige nu?",
                             "Is the person you worry about in treatment for their use right now?"),
        "yes": ("Ja", "Yes"),
        "no": ("Nej", "No"),
        "timesHeading": ("Vælg en tid", "Choose a time"),
        "timesIntro": ("De første ledige tider står øverst.", "The earliest free times are at the top."),
        "noTimes": ("Der er ingen ledige tider i denne periode. Se senere tider, eller ring til stedet.",
                    "There are no free times in this period. See later times, or call the place."),
        "laterTimes": ("Se senere tider", "See later times"),
        "today": ("i dag", "today"),
        "tomorrow": ("i morgen", "tomorrow"),
        "detailsHeading": ("Hvis du har brug for det", "If you need it"),
        "detailsIntro": ("Alt her er frivilligt.", "Everything here is optional."),
        "interpreterLabel": ("Har du brug for tolk? Skriv sproget", "Do you need an interpreter? Name the language"),
        "companionLabel": ("Jeg vil gerne have en bisidder med", "I would like to bring a companion"),
        "messageLabel": ("Besked til dem, du skal tale med (skriv ikke dit navn)", "A message for the people you will talk to (do not write your name)"),
        "messageHint": ("Højst 1000 tegn.", "At most 1000 characters."),
        "confirmHeading": ("Tjek og bestil", "Check and book"),
        "service": ("Tilbud", "Service"),
        "time": ("Tid", "Time"),
        "place": ("Sted", "Place"),
        "interpreter": ("Tolk", "Interpreter"),
        "companion": ("Bisidder", "Companion"),
        "message": ("Besked", "Message"),
        "none": ("Ingen", "None"),
        "book": ("Bestil tiden", "Book this time"),
        "receiptHeading": ("Din tid er bestilt", "Your time is booked"),
        "yourReference": ("Din reference", "Your reference"),
        "referenceOnce": ("Referencen vises kun denne ene gang. Skriv den ned eller tag et billede af den nu. Uden den kan vi ikke finde din aftale – vi ved ikke, hvem du er.",
                          "The reference is shown only this once. Write it down or take a picture of it now. Without it we cannot find your booking – we do not know who you are."),
        "howToChange": ("Du kan flytte eller aflyse tiden på siden ‘Find, flyt eller aflys en aftale’ med din reference, eller ved at ringe til stedet.",
                        "You can move or cancel the time on the page ‘Find, move or cancel a booking’ with your reference, or by calling the place."),
        "bringReference": ("Tag referencen med, når du kommer. Du skal ikke vise legitimation.", "Bring the reference when you come. You do not need to show ID."),
        "print": ("Udskriv siden med din browsers udskriftsfunktion, hvis du vil have den på papir.", "Print this page with your browser's print function if you want it on paper."),
        "calendar": ("Hent kalenderfil (.ics)", "Download calendar file (.ics)"),
        "calendarNote": ("I kalenderen står der kun ‘Samtale’ og adressen.", "The calendar entry says only ‘Samtale’ (conversation) and the address."),
        "savedCheckbox": ("Jeg har gemt min reference", "I have saved my reference"),
        "done": ("Færdig", "Done"),
        "mustConfirmSaved": ("Sæt kryds, når du har gemt referencen. Den vises ikke igen.", "Tick the box when you have saved the reference. It will not be shown again."),
        "doneHeading": ("Tak – vi ses", "Thank you – see you"),
        "doneText": ("Din reference er ikke gemt noget sted på denne enhed. Luk gerne fanen.", "Your reference is not stored anywhere on this device. You may close the tab."),
        "manageHeading": ("Find, flyt eller aflys en aftale", "Find, move or cancel a booking"),
        "tokenLabel": ("Din reference", "Your reference"),
        "tokenHint": ("Fx 7K3M-Q9TX-2B8R-WZ4N-HJ6P. Store og små bogstaver er ligegyldige.", "E.g. 7K3M-Q9TX-2B8R-WZ4N-HJ6P. Upper or lower case does not matter."),
        "find": ("Find aftalen", "Find the booking"),
        "bookingHeading": ("Din aftale", "Your booking"),
        "move": ("Flyt tiden", "Move the time"),
        "cancel": ("Aflys tiden", "Cancel the time"),
        "cancelConfirm": ("Ja, jeg vil aflyse tiden", "Yes, I want to cancel the time"),
        "cancelMustConfirm": ("Sæt kryds for at bekræfte, at du vil aflyse.", "Tick the box to confirm that you want to cancel."),
        "cancelledHeading": ("Tiden er aflyst", "The time is cancelled"),
        "cancelledText": ("Pladsen er givet videre. Du kan altid bestille en ny tid.", "The place has been released. You can always book a new time."),
        "moveHeading": ("Vælg en ny tid", "Choose a new time"),
        "moveButton": ("Flyt til denne tid", "Move to this time"),
        "movedHeading": ("Tiden er flyttet", "The time has been moved"),
        "movedText": ("Din reference er den samme som før.", "Your reference is the same as before."),
        "errorHeading": ("Det gik ikke", "That did not work"),
        "startAgain": ("Start forfra", "Start again"),
        "referralHeading": ("Her kan du få hjælp", "Where you can get help"),
        "referralIntro": ("Det tilbud, du valgte, passer ikke til dig – men der er hjælp at få. Du kan være anonym, når du ringer og spørger.",
                          "The service you chose does not fit you – but help is there. You can stay anonymous when you call and ask."),
        "hours": ("Åbent", "Open"),
        "phone": ("Telefon", "Phone"),
        "chooseAnotherService": ("Vælg et andet tilbud", "Choose another service"),
        "minutes": ("minutter", "minutes"),
    ]

    static func dictionary(_ language: Language) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in table { result[key] = language == .en ? value.en : value.da }
        return result
    }

    static func text(_ key: String, _ language: Language) -> String {
        guard let value = table[key] else { return key }
        return language == .en ? value.en : value.da
    }

    static let weekdays: [Weekday: (da: String, en: String)] = [
        .monday: ("mandag", "Monday"), .tuesday: ("tirsdag", "Tuesday"), .wednesday: ("onsdag", "Wednesday"),
        .thursday: ("torsdag", "Thursday"), .friday: ("fredag", "Friday"), .saturday: ("lørdag", "Saturday"),
        .sunday: ("søndag", "Sunday"),
    ]
    static let months: [(da: String, en: String)] = [
        ("januar", "January"), ("februar", "February"), ("marts", "March"), ("april", "April"), ("maj", "May"),
        ("juni", "June"), ("juli", "July"), ("august", "August"), ("september", "September"), ("oktober", "October"),
        ("november", "November"), ("december", "December"),
    ]

    /// "1 ledig plads" / "2 ledige pladser".
    static func placesFree(_ count: Int, _ language: Language) -> String {
        switch language {
        case .da: return count == 1 ? "1 ledig plads" : "\(count) ledige pladser"
        case .en: return count == 1 ? "1 place free" : "\(count) places free"
        }
    }

    /// "mandag 23. november" / "Monday 23 November".
    static func day(_ day: CalendarDay, _ language: Language) -> String {
        let weekday = weekdays[day.weekday]!, month = months[day.month - 1]
        return language == .en ? "\(weekday.en) \(day.day) \(month.en)" : "\(weekday.da) \(day.day). \(month.da)"
    }

    /// "mandag 23. november kl. 08:00–09:00".
    static func appointment(_ day: CalendarDay, _ start: TimeOfDay, _ end: TimeOfDay, _ language: Language) -> String {
        let range = "\(start)–\(end)"
        return language == .en ? "\(self.day(day, language)), \(range)" : "\(self.day(day, language)) kl. \(range)"
    }
}
