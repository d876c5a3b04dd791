// libFuzzer target: the statistics query `?from=YYYY-MM&to=YYYY-MM` of /api/v1/staff/statistics
// and /staff/figures, read the way the server reads it (scripts/fuzz, Fuzz/README.md).
import FuzzDriver
import GatewayCore
import GatewayServices
import HummingbirdCore

@main enum Fuzz { static func main() { runFuzzer(fuzzStatisticsQuery) } }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatisticsQuery(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(start, count)
    let text = String(decoding: input, as: UTF8.self)
    let query = URI("/api/v1/staff/statistics?" + text).queryParameters
    let months: [CalendarMonth]
    do {
        months = try StatisticsService.months(from: query["from"].map(String.init), to: query["to"].map(String.init))
    } catch {
        return 0 // ServiceError: a 400 naming the field.
    }
    // A period is 1…longestPeriod whole months, each the month after the one before.
    precondition(!months.isEmpty && months.count <= StatisticsService.longestPeriod)
    for (earlier, later) in zip(months, months.dropFirst()) {
        precondition(earlier < later && (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month) == 1)
    }
    return 0
}
