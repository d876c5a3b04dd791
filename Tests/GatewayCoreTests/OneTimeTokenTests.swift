import GatewayCore
import GatewayTestSupport
import Testing

@Suite("One-time token")
struct OneTimeTokenTests {
    let random = SeededRandom(seed: 7)

    @Test func formatIsFiveGroupsOfFourFromCrockfordsAlphabet() {
        for _ in 0..<200 {
            let token = OneTimeToken(generatingWith: random)
            let groups = token.formatted.split(separator: "-")
            #expect(groups.count == 5)
            #expect(groups.allSatisfy { $0.count == 4 })
            #expect(token.canonical.count == 20)
            #expect(token.canonical.allSatisfy { OneTimeToken.alphabet.contains($0) })
            #expect(!token.canonical.contains { "ILOU".contains($0) })
        }
    }

    @Test func carriesAtLeastEightyRandomBits() {
        #expect(OneTimeToken.randomBits >= 80)
        // Different random bytes give different tokens; equal bytes the same.
        let a = OneTimeToken(randomBytes: Array(repeating: 0, count: 12))
        var bytes = Array(repeating: UInt8(0), count: 12)
        bytes[11] = 0b0000_0010   // bit 94, the last one used
        let b = OneTimeToken(randomBytes: bytes)
        #expect(a != b)
        #expect(OneTimeToken(randomBytes: bytes) == b)
    }

    @Test func parsingIgnoresCaseSpacesAndHyphens() throws {
        let token = OneTimeToken(generatingWith: random)
        let messy = " " + token.formatted.lowercased().replacingOccurrences(of: "-", with: " - ") + "  "
        #expect(try OneTimeToken.parse(messy) == token)
        #expect(try OneTimeToken.parse(token.canonical) == token)
    }

    @Test func confusableLettersReadAsDigits() throws {
        // Find a token containing 0 and 1 and type them as O, I and L.
        var token = OneTimeToken(generatingWith: random)
        while !(token.canonical.contains("0") && token.canonical.contains("1")) { token = OneTimeToken(generatingWith: random) }
        let typedO = token.canonical.replacingOccurrences(of: "0", with: "O")
        #expect(try OneTimeToken.parse(typedO) == token)
        #expect(try OneTimeToken.parse(token.canonical.replacingOccurrences(of: "1", with: "I")) == token)
        #expect(try OneTimeToken.parse(token.canonical.replacingOccurrences(of: "1", with: "l")) == token)
    }

    @Test func everySingleWrongCharacterIsDetected() {
        for _ in 0..<25 {
            let token = OneTimeToken(generatingWith: random)
            let symbols = Array(token.canonical)
            for position in symbols.indices {
                for replacement in OneTimeToken.alphabet where replacement != symbols[position] {
                    var typo = symbols
                    typo[position] = replacement
                    #expect(throws: TokenFormatError.checkFailed) { try OneTimeToken.parse(String(typo)) }
                }
            }
        }
    }

    @Test func everySwapOfNeighboursIsDetected() {
        var swaps = 0
        for _ in 0..<200 {
            let token = OneTimeToken(generatingWith: random)
            let symbols = Array(token.canonical)
            for position in 0..<(symbols.count - 1) where symbols[position] != symbols[position + 1] {
                var swapped = symbols
                swapped.swapAt(position, position + 1)
                swaps += 1
                #expect(throws: TokenFormatError.checkFailed) { try OneTimeToken.parse(String(swapped)) }
            }
        }
        #expect(swaps > 3000)
    }

    @Test func wrongLengthAndForeignCharactersAreTypos() {
        let token = OneTimeToken(generatingWith: random)
        #expect(throws: TokenFormatError.wrongLength) { try OneTimeToken.parse(String(token.canonical.dropLast())) }
        #expect(throws: TokenFormatError.wrongLength) { try OneTimeToken.parse(token.canonical + "0") }
        #expect(throws: TokenFormatError.wrongLength) { try OneTimeToken.parse("") }
        #expect(throws: TokenFormatError.invalidCharacter) { try OneTimeToken.parse("U" + token.canonical.dropFirst()) }
        #expect(throws: TokenFormatError.invalidCharacter) { try OneTimeToken.parse("*" + token.canonical.dropFirst()) }
        #expect(throws: TokenFormatError.invalidCharacter) { try OneTimeToken.parse("Æ" + token.canonical.dropFirst()) }
        #expect(throws: TokenFormatError.wrongLength) { try OneTimeToken.parse(String(repeating: "A", count: 10_000)) }
    }

    @Test func describingATokenNeverPrintsIt() {
        let token = OneTimeToken(generatingWith: random)
        #expect(!"\(token)".contains(token.canonical))
        #expect(!String(describing: token).contains(token.formatted))
    }
}

@Suite("Base64URL")
struct Base64URLTests {
    @Test func roundTripsWithoutPaddingAndRefusesOtherAlphabets() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0x00, 0x10, 0x3E]
        let text = Base64URL.encode(bytes)
        #expect(text == "-_8AED4")
        #expect(Base64URL.decode(text) == bytes)
        #expect(Base64URL.decode("+/8AED4") == nil)
        #expect(Base64URL.decode("AB=C") == nil)
    }
}
