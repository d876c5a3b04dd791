import Foundation
import GatewayCore
import GatewayServices
import HTTPTypes
import Hummingbird

/// The figures page (manager, provider-admin): SVG charts and, beside each, a table of the same
/// figures. Whole months only, suppressed as the API answers them.
struct FiguresPage {
    struct Chart {
        struct Row { let month: String; let values: [String] }
        let id: String
        let title: String
        let caption: String
        let svg: String
        let columns: [String]
        let rows: [Row]
    }
    let from: String
    let to: String
    let charts: [Chart]
    let error: String?
}

extension StaffPages {
    @Sendable func figuresPage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let today = CalendarMonth(desk.today)
        // Default: the last six months up to this one.
        var first = today
        for _ in 0..<5 { first = first.month == 1 ? CalendarMonth(iso: String(format: "%04d-12", first.year - 1))! : CalendarMonth(iso: String(format: "%04d-%02d", first.year, first.month - 1))! }
        let from = query["from"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? first.description
        let to = query["to"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? today.description
        let member = context.staff.member
        do {
            let months = try await run { () throws(ServiceError) in try statistics.months(from: from, to: to) }
            let grid = try await run { () async throws(ServiceError) in try await statistics.grid(months: months) }
            let provider = member.role == .manager ? nil : member.providerId
            return render("staffFigures", FiguresPage(from: from, to: to, charts: charts(grid, provider: provider), error: nil), session: context.session)
        } catch {
            let shown = { (text: String) in CalendarMonth(iso: text)?.description ?? "" }
            return render("staffFigures", FiguresPage(from: shown(from), to: shown(to), charts: [], error: texts.detail(error, .da)),
                          session: context.session, status: error.status)
        }
    }

    /// The same figures as CSV, for the page's download link (the API's `stats.csv` needs a bearer session).
    @Sendable func figuresCSV(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let months = try await run { () throws(ServiceError) in
            try statistics.months(from: query["from"].map(String.init), to: query["to"].map(String.init))
        }
        let grid = try await run { () async throws(ServiceError) in try await statistics.grid(months: months) }
        let member = context.staff.member
        return StatisticsReport(grid: grid, provider: member.role == .manager ? nil : member.providerId).csvResponse()
    }

    func charts(_ grid: StatisticsGrid, provider: ProviderID?) -> [FiguresPage.Chart] {
        let months = grid.months
        func cell(_ month: CalendarMonth, _ figure: StatFigure) -> StatCell { StatCell(month: month, service: nil, provider: provider, figure: figure) }
        func counts(_ figure: StatFigure) -> [StatValue?] { months.map { grid.value(cell($0, figure)) } }
        func plotted(_ values: [StatValue?]) -> [Double?] { values.map { if case .count(let n)? = $0 { Double(n) } else { nil } } }
        func shown(_ value: StatValue?) -> String { value?.description ?? "–" }
        func countChart(_ id: String, _ title: TextKey, _ figures: [(TextKey, StatFigure)]) -> FiguresPage.Chart {
            let series = figures.map { (texts.text($0.0, .da), counts($0.1)) }
            return FiguresPage.Chart(
                id: id, title: texts.text(title, .da), caption: series.map(\.0).joined(separator: " · "),
                svg: FigureChart(title: texts.text(title, .da), months: months.map(\.description),
                                 series: series.map { FigureChart.Series(label: $0.0, values: plotted($0.1)) }).svg,
                columns: series.map(\.0),
                rows: months.indices.map { index in FiguresPage.Chart.Row(month: months[index].description, values: series.map { shown($0.1[index]) }) })
        }
        let returnShares = months.map { grid.share(cell($0, .returnsAfterDrugFree), of: cell($0, .outcomesDrugFree)) }
        var returnChart = FigureChart(title: texts.text(.staffChartFollowUp, .da), months: months.map(\.description),
                                      series: [FigureChart.Series(label: texts.text(.staffSeriesReturnShare, .da), values: returnShares)])
        returnChart.target = (33, texts.text(.staffChartTargetAtMost, .da))
        returnChart.maximum = 100
        let shares = months.map { grid.share(cell($0, .outcomesDrugFreeOrReduced), of: cell($0, .outcomes)) }
        var outcomeChart = FigureChart(title: texts.text(.staffChartOutcomes, .da), months: months.map(\.description),
                                       series: [FigureChart.Series(label: texts.text(.staffChartOutcomesShare, .da), values: shares)])
        outcomeChart.target = (50, texts.text(.staffChartTarget, .da))
        outcomeChart.maximum = 100
        return [
            countChart("chart-activity", .staffChartActivity, [(.staffSeriesBookings, .bookings), (.staffSeriesSessions, .sessionsHeld),
                                                               (.staffSeriesCoursesStarted, .coursesStarted), (.staffSeriesCoursesCompleted, .coursesCompleted)]),
            countChart("chart-guarantee", .staffChartGuarantee, [(.staffSeriesStraks, .firstConversationsStraks),
                                                                 (.staffSeries14Days, .firstConversationsWithin14Days), (.staffSeriesLater, .firstConversationsLater)]),
            FiguresPage.Chart(
                id: "chart-outcomes", title: texts.text(.staffChartOutcomes, .da), caption: texts.text(.staffChartOutcomesCaption, .da),
                svg: outcomeChart.svg, columns: [texts.text(.staffChartOutcomesShare, .da), texts.text(.staffSeriesDischarged, .da)],
                rows: months.indices.map { index in
                    FiguresPage.Chart.Row(month: months[index].description, values: [
                        shares[index].map { String(format: "%.0f %%", $0) } ?? "–", shown(grid.value(cell(months[index], .outcomes))),
                    ])
                }),
            countChart("chart-discharges", .staffChartDischarges, [
                (.staffDischargeCompleted, .dischargesCompleted), (.staffDischargeOtherOffer, .dischargesOtherOffer),
                (.staffDischargeHospital, .dischargesHospital), (.staffDischargeOther, .dischargesOther), (.staffSeriesTransferred, .dischargesTransferred),
            ]),
            FiguresPage.Chart(
                id: "chart-follow-up", title: texts.text(.staffChartFollowUp, .da), caption: texts.text(.staffChartFollowUpCaption, .da),
                svg: returnChart.svg,
                columns: [texts.text(.staffSeriesFollowUpOneMonth, .da), texts.text(.staffSeriesFollowUpSixMonths, .da),
                          texts.text(.staffSeriesReturnShare, .da), texts.text(.staffSeriesDischargedDrugFree, .da)],
                rows: months.indices.map { index in
                    let month = months[index]
                    return FiguresPage.Chart.Row(month: month.description, values: [
                        shown(grid.value(cell(month, .followUpsOneMonth))), shown(grid.value(cell(month, .followUpsSixMonths))),
                        returnShares[index].map { String(format: "%.0f %%", $0) } ?? "–", shown(grid.value(cell(month, .outcomesDrugFree))),
                    ])
                }),
            countChart("chart-complaints", .staffChartComplaints, [
                (.complaintAboutTreatment, .complaintsTreatment), (.complaintAboutStaff, .complaintsStaff),
                (.complaintAboutService, .complaintsService), (.complaintAboutDecision, .complaintsDecision),
            ]),
        ]
    }
}
