import Foundation
import GatewayCore
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body, bounded in size and number of fields.
///
/// Hand-written because the citizen forms repeat field names (`substances` checkboxes, answers
/// carried as hidden fields from step to step), which Hummingbird's `URLEncodedFormDecoder`
/// refuses as duplicate keys. Staff forms that repeat nothing use the decoder.
struct FormBody: Sendable {
    static let maximumFields = 100
    private(set) var values: [String: [String]] = [:]

    init(_ values: [String: [String]] = [:]) { self.values = values }

    init(encoded text: String) throws(GatewayProblem) {
        let pairs = text.split(separator: "&", omittingEmptySubsequences: true)
        guard pairs.count <= Self.maximumFields else {
            throw GatewayProblem.tooManyFields
        }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
        // One answer per question: two different values of a single-valued name would let one part of
        // the gateway read the first and another the last. Our pages never send that (the language
        // switch carries the answers without `lang`; its buttons add the one chosen).
        for (name, sent) in values where !Self.multiValued.contains(name) && Set(sent).count > 1 {
            var problem = GatewayProblem.conflictingValues(name)
            if name != "lang", let lang = values["lang"]?.first { problem.language = Language(rawValue: lang) }
            throw problem
        }
    }

    /// The names a form may repeat with different values: the substances' checkboxes.
    static let multiValued: Set<String> = ["substances"]

    static func read(_ request: Request) async throws -> FormBody {
        var request = request
        return try await read(&request)
    }

    /// Reads the form and keeps the collected body in `request`, so a later reader sees the same bytes.
    static func read(_ request: inout Request) async throws -> FormBody {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > GatewayRequestContext.maximumBodyBytes {
            throw GatewayProblem.bodyTooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: GatewayRequestContext.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw GatewayProblem.bodyTooLarge
        } catch {
            throw GatewayProblem.invalidForm   // the body did not arrive whole (bad chunk framing, a closed connection)
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw GatewayProblem.invalidEncoding
        }
        guard isForm(request.headers[.contentType]) else {
            // Said in the language the body asks for, when it reads as a form at all.
            var problem = GatewayProblem.notAForm
            do { problem.language = PageRenderer.language(form: try FormBody(encoded: text)) } catch { problem.language = nil }
            throw problem
        }
        return try FormBody(encoded: text)
    }

    /// Our forms are `application/x-www-form-urlencoded` (parameters such as `; charset=UTF-8` are
    /// fine). Anything else is refused with 415 rather than guessed at, and so is a body without a
    /// Content-Type: every browser labels a form it sends, so only a hand-made request lacks it.
    static func isForm(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased() == "application/x-www-form-urlencoded"
    }

    /// As WHATWG's urlencoded parser: `+` is a space, `%XX` a byte, any other `%` stays as it is. The
    /// bytes must be UTF-8 (`%FF%FE` is refused like raw invalid bytes, never read as a missing answer).
    static func decode(_ part: Substring) throws(GatewayProblem) -> String {
        let input = Array(part.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
                continue
            }
            bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw GatewayProblem.invalidEncoding }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    subscript(_ name: String) -> String? {
        guard let value = values[name]?.first, !value.isEmpty else { return nil }
        return value
    }

    func all(_ name: String) -> [String] { values[name]?.filter { !$0.isEmpty } ?? [] }

    /// "yes"/"no" radios; anything else counts as unanswered.
    func yesNo(_ name: String) -> Bool? {
        switch self[name] {
        case "yes": return true
        case "no": return false
        default: return nil
        }
    }

    /// The fields to carry to the next step, in a stable order.
    func hidden(_ names: [String], overriding: [String: String] = [:]) -> [HiddenField] {
        var fields: [HiddenField] = []
        for name in names {
            if let value = overriding[name] {
                fields.append(HiddenField(name: name, value: value))
            } else {
                for value in all(name) { fields.append(HiddenField(name: name, value: value)) }
            }
        }
        return fields
    }
}
