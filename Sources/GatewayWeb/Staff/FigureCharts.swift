import Foundation
import GatewayCore

/// Server-rendered SVG bar charts for the figures page: no JavaScript, no external assets. Every
/// chart is decorative beside its table (`aria-hidden`), which holds the same figures.
struct FigureChart {
    struct Series { let label: String; let values: [Double?] }
    let title: String
    let months: [String]
    let series: [Series]
    /// A horizontal line, e.g. QS 2.2's 50 % target, with its label.
    var target: (value: Double, label: String)?
    var maximum: Double?

    static let palette = ["#1d4e89", "#c8553d", "#2a7f62", "#7a4eab", "#8a6d00"]

    var svg: String {
        let width = 640.0, height = 220.0, left = 40.0, bottom = 30.0, top = 10.0
        let plotHeight = height - bottom - top
        let largest = max(maximum ?? 0, series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0, target?.value ?? 0, 1)
        let groupWidth = (width - left) / Double(max(months.count, 1))
        let barWidth = max(groupWidth * 0.8 / Double(max(series.count, 1)), 1)
        var parts: [String] = []
        parts.append(##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(Int(width)) \##(Int(height))" width="100%" role="img" aria-hidden="true" focusable="false">"##)
        parts.append(##"<line x1="\##(left)" y1="\##(top + plotHeight)" x2="\##(width)" y2="\##(top + plotHeight)" stroke="#555"/>"##)
        parts.append(##"<text x="\##(left - 4)" y="\##(top + 8)" font-size="10" text-anchor="end">\##(Self.number(largest))</text>"##)
        parts.append(##"<text x="\##(left - 4)" y="\##(top + plotHeight)" font-size="10" text-anchor="end">0</text>"##)
        for (index, month) in months.enumerated() {
            let x0 = left + Double(index) * groupWidth + groupWidth * 0.1
            for (seriesIndex, series) in series.enumerated() {
                let x = x0 + Double(seriesIndex) * barWidth
                let colour = Self.palette[seriesIndex % Self.palette.count]
                if let value = series.values[index] {
                    let barHeight = plotHeight * value / largest
                    parts.append(##"<rect x="\##(Self.number(x))" y="\##(Self.number(top + plotHeight - barHeight))" width="\##(Self.number(barWidth - 1))" height="\##(Self.number(barHeight))" fill="\##(colour)"/>"##)
                } else {
                    // Hidden or not available: an outline only.
                    parts.append(##"<rect x="\##(Self.number(x))" y="\##(Self.number(top + plotHeight - 6))" width="\##(Self.number(barWidth - 1))" height="6" fill="none" stroke="\##(colour)" stroke-dasharray="2 2"/>"##)
                }
            }
            parts.append(##"<text x="\##(Self.number(x0 + groupWidth * 0.4))" y="\##(height - 10)" font-size="10" text-anchor="middle">\##(Self.escape(month))</text>"##)
        }
        if let target {
            let y = top + plotHeight - plotHeight * target.value / largest
            parts.append(##"<line x1="\##(left)" y1="\##(Self.number(y))" x2="\##(width)" y2="\##(Self.number(y))" stroke="#000" stroke-dasharray="6 3"/>"##)
            parts.append(##"<text x="\##(width - 2)" y="\##(Self.number(y - 3))" font-size="10" text-anchor="end">\##(Self.escape(target.label))</text>"##)
        }
        parts.append("</svg>")
        return parts.joined()
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
