import Foundation
import GatewayCore
@testable import GatewayWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 10: errors on a form are summarised at the top with a link to the field at fault, as
/// Det Fælles Designsystem's error summary does — in the page's language, the link only where the
/// page has that field.
@Suite("Error summary")
struct ErrorSummaryTests {
    func linked(_ page: TestResponse, to anchor: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(page.text.contains("<div class=\"error error-summary\" role=\"alert\" id=\"error\">"), sourceLocation: sourceLocation)
        #expect(page.text.contains("<li><a href=\"#\(anchor)\">"), "no link to \(anchor)", sourceLocation: sourceLocation)
        #expect(page.text.contains("id=\"\(anchor)\""), "no element \(anchor)", sourceLocation: sourceLocation)
    }

    @Test func eachFormErrorLinksToItsField() async throws {
        try await TestGateway().test { client in
            // A missing age on the questions page (sent without the browser's own `required` check).
            let age = try await client.form("/book/times", [("lang", "ar"), ("service", "uturn")])
            #expect(age.status == .badRequest)
            linked(age, to: "field-ageBand")
            #expect(age.text.contains("dir=\"rtl\""))
            let support = try await client.form("/book/times", [("lang", "en"), ("service", "pas"), ("ageBand", "25-plus"), ("substances", "cocaine")])
            linked(support, to: "field-receivesOtherSocialSupport")
            // A time that is not on the schedule: back to the times, linked to the list.
            let answers = [("lang", "da"), ("service", "pas"), ("ageBand", "25-plus"), ("substances", "cocaine"), ("otherSupport", "no")]
            let slot = try await client.form("/book/details", answers + [("slot", "kk-pas.pas.20261123T0830")])
            linked(slot, to: "field-slot")
            // Too long a message on the details page.
            let message = try await client.form("/book/confirm", answers + [("slot", "kk-pas.pas.20261123T0900"), ("message", String(repeating: "x", count: 1001))])
            linked(message, to: "message")
            // A reference with a typo on the lookup page.
            let typo = try await client.form("/booking", [("lang", "tr"), ("token", "1234")])
            linked(typo, to: "token")
            // The complaint form without its text.
            let complaint = try await client.form("/complaints", [("lang", "so"), ("providerId", "uturn"), ("about", "staff"), ("text", " ")])
            linked(complaint, to: "complaint-text")
        }
    }

    @Test func anErrorWithoutAFieldOnThePageIsStillSaidButNotLinked() {
        #expect(PageRenderer.anchor(forField: "ageBand", in: "<p id=\"x\">") == nil)
        #expect(PageRenderer.anchor(forField: nil, in: "<p id=\"ageBand\">") == nil)
        #expect(PageRenderer.anchor(forField: "token", in: "<input id=\"complaint-token\"><input id=\"token\">") == "complaint-token")
        #expect(PageRenderer.anchor(forField: "ageBand", in: "<fieldset id=\"field-ageBand\">") == "field-ageBand")
    }
}
