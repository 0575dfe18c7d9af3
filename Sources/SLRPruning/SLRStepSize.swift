import Foundation

/// The contracting step-size rule of surrogate Lagrangian relaxation.
public enum SLRStepSize {
    /// αₖ = 1 − 1 / (M · k^(1 − 1/k^r)), with M > 1 and 0 < r < 1.
    public static func alpha(k: Int, m: Double, r: Double) -> Double {
        let kk = Double(k)
        return 1 - 1 / (m * pow(kk, 1 - 1 / pow(kk, r)))
    }

    /// The next step size, αₖ · s_previous · ‖before‖ / ‖after‖; the previous size when ‖after‖ is zero.
    public static func next(previous: Double, alpha: Double, normBefore: Double, normAfter: Double) -> Double {
        guard normAfter > 0, normAfter.isFinite else { return previous }
        return alpha * previous * normBefore / normAfter
    }
}
