import ArgumentParser
import Foundation
import GatewayCore
import GatewayServices
import GatewayStore

/// `anongate stats --from YYYY-MM --to YYYY-MM [--format table|json|csv]`: the reported figures,
/// suppressed as the API answers them. Opens the anonymous store only.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The reported figures for whole months (QS 4.3), small counts suppressed.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @Option(help: "First month, YYYY-MM.") var from: String
    @Option(help: "Last month, YYYY-MM (at most 36 months).") var to: String
    @Option(help: "table, json or csv.") var format: Format = .table
    @OptionGroup var location: StoreOptions

    func run() async throws {
        let configuration = try location.loadConfiguration()
        let store = try location.openExistingAnonymous()
        let service = StatisticsService(store: store, configuration: configuration)
        let months: [CalendarMonth]
        do { months = try service.months(from: from, to: to) } catch {
            throw fail("--from/--to: whole months as YYYY-MM, from not after to, at most \(StatisticsService.longestPeriod) months", ExitCode(64))
        }
        let grid: StatisticsGrid
        do { grid = try await service.grid(months: months) } catch { throw fail("the anonymous store could not be read", Exit.storage) }
        let report = StatisticsReport(grid: grid, provider: nil)
        switch format {
        case .table: print(report.table(), terminator: "")
        case .json: print(String(decoding: report.json(), as: UTF8.self))
        case .csv: print(report.csv(), terminator: "")
        }
    }
}
