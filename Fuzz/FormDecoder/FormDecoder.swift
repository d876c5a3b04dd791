// libFuzzer target: an application/x-www-form-urlencoded body as the citizen and staff pages read
// it (scripts/fuzz, Fuzz/README.md). `@testable` because FormBody is the web module's own type.
import FuzzDriver
import Foundation
@testable import GatewayWeb

private let carried = ["service", "slot", "ageBand", "substances", "otherSupport", "enrolled", "interpreterLanguage",
                       "interpreterLanguageOther", "companion", "message", "lang", "token"]
private let valueCharacters = CharacterSet.alphanumerics.subtracting(CharacterSet(charactersIn: "+&=%"))

@main enum Fuzz { static func main() { runFuzzer(fuzzFormDecoder) } }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormDecoder(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(start, count)
    // As FormBody.read: a body that is not UTF-8 is refused before it is parsed.
    guard let text = String(validating: input, as: UTF8.self) else { return 0 }
    let form: FormBody
    do { form = try FormBody(encoded: text) } catch {
        precondition(error.status == .badRequest || error.status == .contentTooLarge, "a form refused without a 4xx")
        return 0
    }
    precondition(form.values.values.reduce(0) { $0 + $1.count } <= FormBody.maximumFields)
    _ = PageRenderer.language(form: form)
    _ = form.yesNo("otherSupport")
    // What a page carries to the next step as hidden fields reads back as the same answers.
    let hidden = form.hidden(carried)
    let encoded = hidden.map { field in
        "\(field.name.addingPercentEncoding(withAllowedCharacters: valueCharacters)!)=\(field.value.addingPercentEncoding(withAllowedCharacters: valueCharacters)!)"
    }.joined(separator: "&")
    let again: FormBody
    do { again = try FormBody(encoded: encoded) } catch { preconditionFailure("carried fields were refused: \(error)") }
    for name in carried { precondition(again.all(name) == form.all(name), "the carried field \(name) changed") }
    return 0
}
