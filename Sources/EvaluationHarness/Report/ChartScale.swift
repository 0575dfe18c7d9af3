import Foundation

/// Maps data values to pixels along one axis, linearly or logarithmically, and picks readable ticks.
struct ChartScale {
    /// The data range shown (for a log scale: the decade exponents' values, i.e. 10^lower … 10^upper).
    var lower: Double
    var upper: Double
    /// The pixel range; `pixelStart` is where `lower` goes.
    var pixelStart: Double
    var pixelEnd: Double
    var logarithmic: Bool

    /// The pixel of a data value.
    func pixel(_ value: Double) -> Double {
        let (low, high, v) = logarithmic ? (log10(lower), log10(upper), log10(max(value, lower))) : (lower, upper, value)
        let fraction = high > low ? (v - low) / (high - low) : 0.5
        return pixelStart + fraction * (pixelEnd - pixelStart)
    }

    /// Tick values inside the range: 1-2-5 steps on a linear scale, powers of ten (plus 2× and 5× when there are
    /// few decades) on a log scale.
    func ticks() -> [Double] {
        if logarithmic {
            let first = Int(log10(lower).rounded(.down)), last = Int(log10(upper).rounded(.up))
            var values: [Double] = []
            for exponent in first...max(first, last) {
                let base = pow(10, Double(exponent))
                values += last - first <= 2 ? [base, 2 * base, 5 * base] : [base]
            }
            return values.filter { $0 >= lower * (1 - 1e-9) && $0 <= upper * (1 + 1e-9) }
        }
        let step = Self.niceStep((upper - lower) / 5)
        var values: [Double] = []
        var value = (lower / step).rounded(.up) * step
        while value <= upper + step * 1e-9 {
            values.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return values
    }

    /// The tick spacing of a linear scale.
    var tickStep: Double { Self.niceStep((upper - lower) / 5) }

    /// 1, 2 or 5 times a power of ten, near `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let residual = raw / magnitude
        let factor: Double = residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10
        return factor * magnitude
    }

    /// A linear range covering `values`, widened to whole tick steps (and to a non-empty span).
    static func linear(covering values: [Double], pixelStart: Double, pixelEnd: Double, padFraction: Double = 0.05) -> ChartScale {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if high - low < 1e-12 {
            let pad = max(abs(low) * 0.05, 1e-3)
            low -= pad
            high += pad
        }
        let pad = (high - low) * padFraction
        let step = niceStep((high - low + 2 * pad) / 5)
        return ChartScale(lower: ((low - pad) / step).rounded(.down) * step, upper: ((high + pad) / step).rounded(.up) * step,
                          pixelStart: pixelStart, pixelEnd: pixelEnd, logarithmic: false)
    }

    /// A logarithmic range covering the positive `values`, widened to whole decades.
    static func logarithmic(covering values: [Double], pixelStart: Double, pixelEnd: Double) -> ChartScale {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        let low = positive.min() ?? 1, high = positive.max() ?? 10
        var first = log10(low).rounded(.down), last = log10(high).rounded(.up)
        if last <= first { last = first + 1 }
        if first == last { first -= 1 }
        return ChartScale(lower: pow(10, first), upper: pow(10, last), pixelStart: pixelStart, pixelEnd: pixelEnd, logarithmic: true)
    }

    /// Whether values spread over enough orders of magnitude that a log scale reads better.
    static func prefersLogarithmic(_ values: [Double]) -> Bool {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), low > 0 else { return false }
        return high / low >= 50
    }
}
