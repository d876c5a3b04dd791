import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// Threat: a newcomer (or a phone operator) copies an example from the docs and is told it is a
/// typo. Every example reference and case code in the docs and the pages must pass its own check.
@Suite("Documented examples")
struct DocumentedExamplesTests {
    static var repository: URL {
        URL(fileURLWithPath: TestFixtures.configurationPath).deletingLastPathComponent().deletingLastPathComponent()
    }

    static let documents = ["README.md", "SECURITY.md", "Keys/README.md", "docs/architecture.md", "docs/openapi.yaml", "docs/performance.md",
                            "Sources/GatewayWeb/Resources/Text/da.json", "Sources/GatewayWeb/Resources/Text/en.json"]

    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    @Test func everyExampleTokenAndCaseCodeInTheDocsPassesItsCheckSymbol() throws {
        var tokens: [String] = [], codes: [String] = []
        for document in Self.documents {
            let text = try String(contentsOf: Self.repository.appendingPathComponent(document), encoding: .utf8)
            // Five groups of four (hyphens or spaces, any case): a reference.
            let found = try Self.matches(#"(?<![0-9A-Za-z-])[0-9A-Za-z]{4}([- ][0-9A-Za-z]{4}){4}(?![0-9A-Za-z-])"#, in: text)
                .filter { $0.contains(where: \.isNumber) && $0.contains(where: \.isLetter) }
            tokens += found
            // Two groups of four, not part of a reference, with a digit and a letter: a case code.
            codes += try Self.matches(#"(?<![0-9A-Za-z-])[0-9A-Z]{4}-[0-9A-Z]{4}(?![0-9A-Za-z-])"#, in: text)
                .filter { $0.contains(where: \.isNumber) && $0.contains(where: \.isLetter) }
            codes += try Self.matches(#"(?<=examples: \[)[^\]]*"#, in: text).flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count == 8 && $0.allSatisfy { $0.isLetter || $0.isNumber } }
        }
        #expect(tokens.count >= 4)
        #expect(codes.count >= 3)
        for token in tokens {
            #expect(throws: Never.self, "\(token)") { _ = try OneTimeToken.parse(token) }
        }
        for code in codes {
            #expect(CaseCode(code) != nil, "\(code) fails its check symbol")
        }
    }
}
