// libFuzzer target: what a person types as their reference (scripts/fuzz, Fuzz/README.md).
import FuzzDriver
import GatewayCore

@main enum Fuzz { static func main() { runFuzzer(fuzzTokenParser) } }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenParser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(start, count)
    let text = String(decoding: input, as: UTF8.self)
    let token: OneTimeToken
    do { token = try OneTimeToken.parse(text) } catch {
        return 0 // TokenFormatError: the clear refusal; typed throws let nothing else out.
    }
    // A reference that reads is 20 symbols of the alphabet and reads back the same in every spelling it is shown in.
    precondition(token.canonical.count == OneTimeToken.length && token.canonical.allSatisfy(OneTimeToken.alphabet.contains))
    let formatted = try? OneTimeToken.parse(token.formatted)       // nil fails the check below
    let lower = try? OneTimeToken.parse(token.canonical.lowercased())
    precondition(formatted == token && lower == token, "a parsed reference does not read back as itself")
    return 0
}
