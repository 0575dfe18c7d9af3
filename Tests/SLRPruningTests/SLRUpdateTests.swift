import SparsityConstraints
import _TestSupport
import Datasets
import Foundation
import NeuralNetworks
import TensorEngine
import Testing
@testable import PruningCore
@testable import SLRPruning

/// Double-precision reference arithmetic for one bias-free layer `fc.weight` [2, 3] (6 weights, keep 3) and one
/// training image x = (1, 0.5, −1) of class 0, written independently of the library.
private enum Reference {
    static let x: [Double] = [1, 0.5, -1]
    static let keep = 3

    static func d(_ values: [Float]) -> [Double] { values.map(Double.init) }

    /// f(W): the cross-entropy of the one image, log(e^l0 + e^l1) − l0.
    static func loss(_ w: [Float]) -> Double {
        let w = d(w)
        let l0 = w[0] * x[0] + w[1] * x[1] + w[2] * x[2]
        let l1 = w[3] * x[0] + w[4] * x[1] + w[5] * x[2]
        return log(exp(l0) + exp(l1)) - l0
    }

    /// Π: keep the 3 largest |v| (ties to the lower index), zero the rest.
    static func project(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { abs(v[$0]) > abs(v[$1]) || (abs(v[$0]) == abs(v[$1]) && $0 < $1) }
        var result = [Double](repeating: 0, count: v.count)
        for index in order.prefix(keep) { result[index] = v[index] }
        return result
    }

    static func norm(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    /// L_ρ(W, Z, Λ) = f(W) + tr(Λᵀ(W − Z)) + (ρ/2)‖W − Z‖².
    static func lagrangian(_ w: [Float], _ z: [Double], _ lambda: [Double], rho: Double) -> Double {
        let wd = d(w)
        var linear = 0.0
        for i in wd.indices { linear += lambda[i] * (wd[i] - z[i]) }
        return loss(w) + linear + 0.5 * rho * norm(wd, z) * norm(wd, z)
    }

    /// Λ + s (W − Z).
    static func step(_ lambda: [Double], _ s: Double, _ w: [Float], _ z: [Double]) -> [Double] {
        let wd = d(w)
        return lambda.indices.map { lambda[$0] + s * (wd[$0] - z[$0]) }
    }

    static func shifted(_ w: [Float], _ lambda: [Double], rho: Double) -> [Double] {
        zip(d(w), lambda).map { $0 + $1 / rho }
    }

    static let zeros = [Double](repeating: 0, count: 6)
}

/// αₖ for M = 300, r = 0.1, computed with 30-digit arithmetic outside Swift.
private let alpha1 = 0.9966666666666667   // 1 − 1/300
private let alpha2 = 0.9968178571844872   // 1 − 1/(300 · 2^(1 − 1/2^0.1))
private let alpha3 = 0.9970267028464089   // 1 − 1/(300 · 3^(1 − 1/3^0.1))

private let w0: [Float] = [0.5, -0.3, 0.2, -0.1, 0.4, 0.6]
private let rho = 1.0
private let s0 = 0.01

/// A session over `fc.weight` [2, 3] starting at W⁰, whose loss data is the one reference image.
private func session() throws -> PruningSession {
    let root = Sequential(named: [("flatten", Flatten()), ("fc", Linear(weight: Tensor(shape: [2, 3], scalars: w0), bias: nil))])
    let model = Model(name: "tiny", root: root, inputShape: [1, 1, 3], classes: 2)
    let image = try LabeledImages(name: "one image", images: Tensor(shape: [1, 1, 1, 3], scalars: [1, 0.5, -1]),
                                  labels: [0], classCount: 2)
    return PruningSession(model: model, parameters: model.namedParameters(),
                          constraint: try SparsityConstraint.unstructured(sparsity: 0.5), trainingData: image,
                          lossData: image, lossDataDescription: "one image", methodEpochs: 4, stepsPerEpoch: 1, seed: 0)
}

/// SLR with ρ = 1, M = 300, r = 0.1, s⁰ = 0.01, updated only when a test calls `iterate` (the batch interval is never due).
private func slr(_ policy: SLRPruning.FailurePolicy) throws -> SLRPruning {
    try SLRPruning(options: LagrangianOptions(rho: try RhoSchedule(initial: rho), updateInterval: .batches(1_000_000)),
                   m: 300, r: 0.1, initialStepSize: s0, policy: policy)
}

private func setWeights(_ session: PruningSession, _ values: [Float]) {
    session.setWeights([NamedTensor(name: "fc.weight", tensor: Tensor(shape: [2, 3], scalars: values))])
}

/// Whether a saved tensor matches reference values within float rounding.
private func matches(_ tensor: Tensor?, _ expected: [Double]) -> Bool {
    guard let tensor else { return false }
    return isClose(tensor, Tensor(shape: [2, 3], scalars: expected.map(Float.init)), relative: 1e-4, absolute: 1e-6)
}

private func close(_ a: Double?, _ b: Double, relative: Double = 1e-5) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= relative * max(abs(b), 1e-3)
}

@Suite("SLR step sizes and multiplier updates, by hand")
struct SLRUpdateTests {
    @Test("αₖ = 1 − 1/(M·k^(1 − 1/k^r)) for k = 1, 2, 3 with M = 300, r = 0.1")
    func alphas() {
        #expect(abs(SLRStepSize.alpha(k: 1, m: 300, r: 0.1) - alpha1) < 1e-15)
        #expect(abs(SLRStepSize.alpha(k: 2, m: 300, r: 0.1) - alpha2) < 1e-15)
        #expect(abs(SLRStepSize.alpha(k: 3, m: 300, r: 0.1) - alpha3) < 1e-15)
        #expect(abs(1 - 1.0 / 300 - alpha1) < 1e-15)
    }

    @Test("s = α · s_previous · ‖before‖ / ‖after‖, and s stays when ‖after‖ is zero")
    func stepRule() {
        #expect(abs(SLRStepSize.next(previous: 0.02, alpha: 0.5, normBefore: 3, normAfter: 2) - 0.015) < 1e-15)
        #expect(SLRStepSize.next(previous: 0.02, alpha: 0.5, normBefore: 3, normAfter: 0) == 0.02)
    }

    @Test("both conditions hold: s¹, Λ', Z¹, s'¹ and Λ² match the hand computation", arguments: SLRPruning.FailurePolicy.allCases)
    func bothConditionsHold(policy: SLRPruning.FailurePolicy) throws {
        let w1: [Float] = [0.55, -0.1, 0.15, -0.05, 0.45, 0.5]
        let z0 = Reference.project(Reference.d(w0))
        #expect(z0 == [0.5, 0, 0, 0, 0.4, 0.6].map { Double(Float($0)) })
        let left1 = Reference.lagrangian(w1, z0, Reference.zeros, rho: rho)
        let right1 = Reference.lagrangian(w0, z0, Reference.zeros, rho: rho)
        #expect(left1 < right1)
        let s1 = alpha1 * s0 * Reference.norm(Reference.d(w0), z0) / Reference.norm(Reference.d(w1), z0)
        let lambdaPrime = Reference.step(Reference.zeros, s1, w1, z0)
        let z1 = Reference.project(Reference.shifted(w1, lambdaPrime, rho: rho))
        let left2 = Reference.lagrangian(w1, z1, lambdaPrime, rho: rho)
        let right2 = Reference.lagrangian(w1, z0, lambdaPrime, rho: rho)
        #expect(left2 < right2)
        let s1Prime = alpha1 * s1 * Reference.norm(Reference.d(w1), z0) / Reference.norm(Reference.d(w1), z1)
        let lambda2 = Reference.step(lambdaPrime, s1Prime, w1, z1)

        let session = try session()
        let method = try slr(policy)
        try method.prepare(session)
        #expect(method.iterationState.k == 1 && method.iterationState.stepSize == s0)
        setWeights(session, w1)
        try method.iterate(session)
        let state = method.saveState()
        #expect(state.values["k"] == 2)
        #expect(close(state.values["s"], s1Prime), "s = \(String(describing: state.values["s"])), expected \(s1Prime)")
        #expect(matches(state.tensors["Z.fc.weight"], z1))
        #expect(matches(state.tensors["Lambda.fc.weight"], lambda2))
        #expect(state.tensors["Wprev.fc.weight"] == Tensor(shape: [2, 3], scalars: w1))
        #expect(close(state.values["previousLoss"], Reference.loss(w1)))

        let diagnostics = try method.afterEpoch(session)
        #expect(diagnostics.count == 1)
        let record = try #require(diagnostics.first)
        #expect(record.iteration == 1)
        #expect(abs((record.alpha ?? 0) - alpha1) < 1e-15)
        #expect(record.condition1Held == true && record.condition2Held == true)
        #expect(close(record.condition1Values?[0], left1) && close(record.condition1Values?[1], right1))
        #expect(close(record.condition2Values?[0], left2) && close(record.condition2Values?[1], right2))
        #expect(close(record.stepSize, s1Prime))
        #expect(close(record.trainingLoss, Reference.loss(w1)))
        #expect(close(record.distanceToConstraint, Reference.norm(Reference.d(w1), z1)))
        #expect(close(record.multiplierNorm, Reference.norm(lambda2, Reference.zeros)))
        #expect(record.rho == rho)
    }

    /// Runs the accepted first iteration of ``bothConditionsHold(policy:)`` and returns its results.
    private func firstIteration(_ method: SLRPruning, _ session: PruningSession) throws -> (w1: [Float], z1: [Double], lambda2: [Double], s: Double) {
        let w1: [Float] = [0.55, -0.1, 0.15, -0.05, 0.45, 0.5]
        try method.prepare(session)
        setWeights(session, w1)
        try method.iterate(session)
        let state = method.saveState()
        return (w1, Reference.d(state.tensors["Z.fc.weight"]!.scalars), Reference.d(state.tensors["Lambda.fc.weight"]!.scalars), state.values["s"]!)
    }

    /// A W-step whose loss went up a lot: class 1's logit is far above class 0's.
    private let w2: [Float] = [0.55, -0.1, 0.15, 0.95, 2.45, -0.5]

    @Test("condition 1 fails in strict mode: k, s, Λ, Z and the last accepted W stay as they were")
    func condition1FailsStrict() throws {
        let session = try session()
        let method = try slr(.strict)
        let (w1, z1, lambda2, s) = try firstIteration(method, session)
        _ = try method.afterEpoch(session)
        #expect(Reference.lagrangian(w2, z1, lambda2, rho: rho) >= Reference.lagrangian(w1, z1, lambda2, rho: rho))
        let before = method.saveState()

        setWeights(session, w2)
        try method.iterate(session)
        let after = method.saveState()
        #expect(after == before)
        #expect(after.values["k"] == 2 && after.values["s"] == s)
        let record = try #require(try method.afterEpoch(session).first)
        #expect(record.condition1Held == false && record.condition2Held == nil && record.condition2Values == nil)
        #expect(abs((record.alpha ?? 0) - alpha2) < 1e-15)
        #expect(close(record.condition1Values?[0], Reference.lagrangian(w2, z1, lambda2, rho: rho)))
        #expect(close(record.condition1Values?[1], Reference.lagrangian(w1, z1, lambda2, rho: rho)))
        #expect(close(record.distanceToConstraint, Reference.norm(Reference.d(w2), z1)))
    }

    @Test("condition 1 fails in lenient mode: the first multiplier update is skipped and the Z-step goes on")
    func condition1FailsLenient() throws {
        let session = try session()
        let method = try slr(.lenient)
        let (_, z1, lambda2, s) = try firstIteration(method, session)
        _ = try method.afterEpoch(session)
        // Λ' = Λ² (unchanged), Z² = Π(W² + Λ²/ρ), then condition 2 and the second update with s from before.
        let z2 = Reference.project(Reference.shifted(w2, lambda2, rho: rho))
        #expect(Reference.lagrangian(w2, z2, lambda2, rho: rho) < Reference.lagrangian(w2, z1, lambda2, rho: rho))
        let sPrime = alpha2 * s * Reference.norm(Reference.d(w2), z1) / Reference.norm(Reference.d(w2), z2)
        let lambda3 = Reference.step(lambda2, sPrime, w2, z2)

        setWeights(session, w2)
        try method.iterate(session)
        let state = method.saveState()
        #expect(state.values["k"] == 3)
        #expect(close(state.values["s"], sPrime))
        #expect(matches(state.tensors["Z.fc.weight"], z2))
        #expect(matches(state.tensors["Lambda.fc.weight"], lambda3))
        #expect(state.tensors["Wprev.fc.weight"] == Tensor(shape: [2, 3], scalars: w2))
        let record = try #require(try method.afterEpoch(session).first)
        #expect(record.condition1Held == false && record.condition2Held == true)
    }

    @Test("condition 2 fails: strict restores k, α, s and Λ; lenient keeps the first update", arguments: SLRPruning.FailurePolicy.allCases)
    func condition2Fails(policy: SLRPruning.FailurePolicy) throws {
        // W¹ = Z⁰ plus a small change off Z⁰'s support, so Π(W¹ + Λ'/ρ) = Z⁰ and L(W¹, Z¹, Λ') = L(W¹, Z⁰, Λ'):
        // condition 2 fails by equality.
        let w1: [Float] = [0.5, 0.05, -0.05, 0.02, 0.4, 0.6]
        let z0 = Reference.project(Reference.d(w0))
        #expect(Reference.lagrangian(w1, z0, Reference.zeros, rho: rho) < Reference.lagrangian(w0, z0, Reference.zeros, rho: rho))
        let s1 = alpha1 * s0 * Reference.norm(Reference.d(w0), z0) / Reference.norm(Reference.d(w1), z0)
        let lambdaPrime = Reference.step(Reference.zeros, s1, w1, z0)
        #expect(Reference.project(Reference.shifted(w1, lambdaPrime, rho: rho)) == z0)

        let session = try session()
        let method = try slr(policy)
        try method.prepare(session)
        setWeights(session, w1)
        try method.iterate(session)
        let state = method.saveState()
        #expect(state.tensors["Z.fc.weight"] == Tensor(shape: [2, 3], scalars: z0.map(Float.init)))
        switch policy {
        case .strict:
            #expect(state.values["k"] == 1 && state.values["s"] == s0)
            #expect(state.tensors["Lambda.fc.weight"] == Tensor.zeros([2, 3]))
        case .lenient:
            #expect(state.values["k"] == 2)
            #expect(close(state.values["s"], s1))
            #expect(matches(state.tensors["Lambda.fc.weight"], lambdaPrime))
        }
        let record = try #require(try method.afterEpoch(session).first)
        #expect(record.condition1Held == true && record.condition2Held == false)
        #expect(record.condition2Values.map { $0[0] == $0[1] } == true)
        // The next iteration uses α of the restored (strict) or advanced (lenient) k.
        setWeights(session, [0.5, 0.01, -0.01, 0.0, 0.4, 0.6])
        try method.iterate(session)
        let next = try #require(try method.afterEpoch(session).first)
        #expect(abs((next.alpha ?? 0) - (policy == .strict ? alpha1 : alpha2)) < 1e-15)
    }

    @Test("the state survives a save and restore, and both copies continue identically")
    func stateRoundTrip() throws {
        let session = try session()
        let method = try slr(.lenient)
        _ = try firstIteration(method, session)
        let state = method.saveState()
        #expect(Set(state.tensors.keys) == ["Z.fc.weight", "Lambda.fc.weight", "Wprev.fc.weight"])
        #expect(Set(state.values.keys) == ["k", "s", "updates", "previousLoss", "rho"])

        let restored = try slr(.lenient)
        #expect(throws: PruningError.invalidState("SLR was not prepared before restoring")) {
            try restored.restoreState(state, session: session)
        }
        try restored.prepare(session)
        try restored.restoreState(state, session: session)
        #expect(restored.saveState() == state)
        setWeights(session, [0.6, -0.05, 0.1, -0.02, 0.5, 0.45])
        try method.iterate(session)
        try restored.iterate(session)
        #expect(restored.saveState() == method.saveState())
    }

    @Test("bad SLR options throw errors that name them", arguments: [
        (["slr-m": "1"], "--slr-m must be greater than 1, got 1.0"),
        (["slr-r": "1"], "--slr-r must be in (0, 1), got 1.0"),
        (["slr-r": "0"], "--slr-r must be in (0, 1), got 0.0"),
        (["slr-s0": "0"], "--slr-s0 must be positive, got 0.0"),
        (["on-failure": "maybe"], "--on-failure expects one of lenient, strict, got 'maybe'"),
        (["rounds": "3"], "method 'slr' has no option 'rounds'; its options: rho, rho-schedule, update-every, slr-m, slr-r, slr-s0, on-failure"),
    ])
    func badOptions(values: [String: String], message: String) {
        #expect(throws: PruningError.invalidOption(message)) {
            _ = try MethodRegistry([SLRPruning.registration]).make("slr", options: MethodOptions(values))
        }
    }

    @Test("the registration reads its options")
    func registration() throws {
        let method = try #require(try SLRPruning.registration.make(
            MethodOptions(["slr-m": "50", "slr-r": "0.3", "slr-s0": "0.1", "on-failure": "strict", "rho": "0.2"])) as? SLRPruning)
        #expect(method.m == 50 && method.r == 0.3 && method.initialStepSize == 0.1 && method.policy == .strict)
        #expect(method.options.rho.initial == 0.2)
    }
}
