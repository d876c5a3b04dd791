// libFuzzer target: the configuration loader on any text (scripts/fuzz, Fuzz/README.md). The seed
// corpus is Config/gateway.yaml; a loaded configuration must come out whole, a bad one as a
// ConfigurationError naming the key.
import FuzzDriver
import GatewayConfig
import GatewayCore

@main enum Fuzz { static func main() { runFuzzer(fuzzConfigLoader) } }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigLoader(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(start, count)
    let text = String(decoding: input, as: UTF8.self)
    let configuration: GatewayConfiguration
    do { configuration = try ConfigurationLoader.parse(yaml: text) } catch {
        precondition(!error.description.isEmpty, "a configuration error that says nothing")
        return 0
    }
    precondition(!configuration.services.isEmpty && !configuration.providers.isEmpty)
    return 0
}
