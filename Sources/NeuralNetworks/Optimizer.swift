import TensorEngine

/// Updates parameters from their gradients; its state can be saved and restored to resume training exactly.
///
/// ```swift
/// final class PlainDescent: Optimizer {
///     var learningRate: Float
///     let parameters: [(name: String, variable: Variable)]
///     init(_ parameters: [(name: String, variable: Variable)], learningRate: Float) {
///         self.parameters = parameters; self.learningRate = learningRate
///     }
///     func step() {
///         for (_, p) in parameters { if let g = p.gradient { p.value = p.value - learningRate * g } }
///     }
///     func zeroGradients() { for (_, p) in parameters { p.zeroGradient() } }
///     func stateTensors() -> [String: Tensor] { [:] }
///     func loadState(_ state: [String: Tensor]) throws {}
/// }
/// ```
public protocol Optimizer: AnyObject {
    /// The step size of the next ``step()``; schedules change it between steps.
    var learningRate: Float { get set }
    /// Updates every parameter that has a gradient; parameters whose gradient is nil are skipped.
    func step()
    /// Clears every parameter's gradient.
    func zeroGradients()
    /// The optimizer's per-parameter state, keyed `<parameter name>.<slot>` (e.g. `fc1.weight.momentum_buffer`).
    func stateTensors() -> [String: Tensor]
    /// Replaces the state with a saved one, or changes nothing and throws if it does not fit.
    /// - Parameter state: Tensors as ``stateTensors()`` returned them.
    func loadState(_ state: [String: Tensor]) throws
}

/// A per-parameter buffer of the same size as the parameter, kept in a class so loops update it in place.
final class StateBuffer {
    var values: [Float]
    init(count: Int) { values = [Float](repeating: 0, count: count) }
    init(values: [Float]) { self.values = values }
}

/// Converts model parameter entries to the (name, variable) pairs optimizers work on.
func namedPairs(_ entries: [ParameterEntry]) -> [(name: String, variable: Variable)] {
    entries.map { ($0.name, $0.variable) }
}

/// Checks saved optimizer state against the parameters; returns, per parameter index, the slot tensors found.
///
/// Every key must be `<parameter name>.<slot>` for a known parameter and slot, with the parameter's shape
/// (or [] for scalar slots); each parameter has either all slots or none.
func parseOptimizerState(_ state: [String: Tensor], parameters: [(name: String, variable: Variable)],
                         tensorSlots: [String], scalarSlots: [String]) throws -> [[String: Tensor]?] {
    var indexByName: [String: Int] = [:]
    for (index, parameter) in parameters.enumerated() { indexByName[parameter.name] = index }
    var found = [[String: Tensor]](repeating: [:], count: parameters.count)
    var problems: [String] = []
    for (key, tensor) in state.sorted(by: { $0.key < $1.key }) {
        guard let dot = key.lastIndex(of: "."), let index = indexByName[String(key[..<dot])] else {
            problems.append("unexpected key \(key)")
            continue
        }
        let slot = String(key[key.index(after: dot)...])
        let expected: [Int]
        if tensorSlots.contains(slot) {
            expected = parameters[index].variable.value.shape
        } else if scalarSlots.contains(slot) {
            expected = []
            guard tensor.count == 1, tensor.scalars[0].isFinite, tensor.scalars[0] >= 0 else {
                problems.append("\(key) must be one non-negative number")
                continue
            }
        } else {
            problems.append("unexpected key \(key)")
            continue
        }
        guard tensor.shape == expected || (expected.isEmpty && tensor.count == 1) else {
            problems.append("shape mismatch for \(key): expected \(describeShape(expected)), found \(describeShape(tensor.shape))")
            continue
        }
        found[index][slot] = tensor
    }
    let allSlots = tensorSlots + scalarSlots
    for (index, slots) in found.enumerated() where !slots.isEmpty && slots.count != allSlots.count {
        let missing = allSlots.filter { slots[$0] == nil }.map { parameters[index].name + "." + $0 }
        problems.append("missing keys \(missing.joined(separator: ", "))")
    }
    guard problems.isEmpty else { throw NeuralNetworkError.optimizerState(problems.joined(separator: "; ")) }
    return found.map { $0.isEmpty ? nil : $0 }
}
