import Foundation
import Testing
import TensorEngine
@testable import NeuralNetworks

/// Evaluation-mode logits against PyTorch 1.13 running the same architectures (LeNet-5; He et al.'s ResNet-20 with
/// `F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, p, p))` shortcuts) on the same deterministic weights and inputs.
///
/// Every state tensor k (in `state_dict` order) holds 0.2·sin(0.7k + 0.013j) at element j (running variances
/// 1 + |that|); the input holds sin(0.1j). This pins names, order, layouts, flatten order and block wiring.
@Suite struct PyTorchParityTests {
    func fillDeterministically(_ model: Model) throws {
        var state: [String: Tensor] = [:]
        for (k, (name, tensor)) in model.stateDict().enumerated() {
            if name.hasSuffix("num_batches_tracked") { state[name] = Tensor(scalar: 0); continue }
            let values = (0..<tensor.count).map { j -> Float in
                let v = 0.2 * sin(0.7 * Double(k) + 0.013 * Double(j))
                return Float(name.hasSuffix("running_var") ? 1 + abs(v) : v)
            }
            state[name] = Tensor(shape: tensor.shape, scalars: values)
        }
        try model.loadStateDict(state)
    }

    func input(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(sin(0.1 * Double($0))) })
    }

    func expectClose(_ actual: Tensor, _ expected: [Float]) {
        let scale = expected.map(abs).max()!
        for (a, e) in zip(actual.scalars, expected) {
            #expect(abs(a - e) <= 1e-4 * scale, "got \(actual.scalars), expected \(expected)")
        }
    }

    @Test func lenet5MatchesPyTorch() throws {
        let model = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 0)
        try fillDeterministically(model)
        expectClose(model.predict(input([2, 1, 28, 28])), [
            -233.024017, 1765.776489, 1860.056396, -51.869652, -1907.838257, -1706.040405, 335.87207, 2015.540894,
            1521.315552, -613.740662, -225.712189, 1710.452881, 1801.768188, -50.254116, -1848.061279, -1652.576172,
            325.358337, 1952.388916, 1473.639893, -594.518372,
        ])
    }

    @Test func resnet20MatchesPyTorch() throws {
        let model = try ModelZoo.make(name: "resnet20", classes: 10, inputChannels: 3, seed: 0)
        try fillDeterministically(model)
        expectClose(model.predict(input([2, 3, 32, 32])), [
            -18.778893, -11.322415, 3.409722, 15.795118, 17.744293, 7.984754, -7.107803, -17.674122, -16.811478,
            -5.082556, -18.744137, -11.301669, 3.402906, 15.765193, 17.710804, 7.969578, -7.094755, -17.641371,
            -16.780418, -5.073476,
        ])
    }
}
