import TensorEngine

extension Layer {
    /// Every layer of the tree with its dotted path, the root first with the empty name (PyTorch's `named_modules`).
    public func namedLayers() -> [(name: String, layer: any Layer)] {
        var result: [(name: String, layer: any Layer)] = []
        visit(prefix: "") { name, layer in result.append((name, layer)) }
        return result
    }

    /// Every trainable parameter with its full dotted name, in PyTorch's `named_parameters()` order.
    public func namedParameters() -> [ParameterEntry] {
        var result: [ParameterEntry] = []
        visit(prefix: "") { path, layer in
            for (localName, variable) in layer.localParameters {
                result.append(ParameterEntry(name: joinName(path, localName), variable: variable,
                                             owner: layer, localName: localName))
            }
        }
        return result
    }

    /// Every buffer with its full dotted name, in PyTorch's `named_buffers()` order.
    public func namedBuffers() -> [BufferEntry] {
        var result: [BufferEntry] = []
        visit(prefix: "") { path, layer in
            for (localName, value) in layer.localBuffers {
                result.append(BufferEntry(name: joinName(path, localName), value: value, owner: layer, localName: localName))
            }
        }
        return result
    }

    /// The parameters and buffers under their `state_dict` names, in PyTorch's order: each layer's own
    /// parameters, then its own buffers, then its children's entries.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        stateEntries().map { ($0.name, $0.currentValue) }
    }

    /// The total number of trainable scalars.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.variable.value.count } }

    /// Replaces every parameter and buffer with the tensor of the same name, or changes nothing and throws.
    ///
    /// All keys and shapes are checked before anything is assigned. A buffer of shape `[]` (e.g.
    /// `num_batches_tracked`) also accepts a one-element tensor of shape `[1]`.
    /// - Parameter tensors: The state, keyed by `state_dict` names.
    /// - Throws: ``StateDictError`` listing missing keys, unexpected keys and shape mismatches.
    public func loadStateDict(_ tensors: [String: Tensor]) throws {
        let entries = stateEntries()
        var error = StateDictError()
        var expectedNames = Set<String>()
        for entry in entries {
            expectedNames.insert(entry.name)
            guard let found = tensors[entry.name] else {
                error.missingKeys.append(entry.name)
                continue
            }
            if !shapeAccepts(expected: entry.shape, found: found.shape) {
                error.shapeMismatches.append(.init(name: entry.name, expected: entry.shape, found: found.shape))
            }
        }
        error.unexpectedKeys = tensors.keys.filter { !expectedNames.contains($0) }.sorted()
        guard error.isEmpty else { throw error }

        for entry in entries {
            let value = tensors[entry.name]!.reshaped(entry.shape)
            switch entry.kind {
            case .parameter(let variable): variable.value = value
            case .buffer(let owner, let localName): owner.setBuffer(named: localName, to: value)
            }
        }
    }

    /// Calls `body` for this layer and every descendant, depth first, in registration order.
    func visit(prefix: String, _ body: (String, any Layer) -> Void) {
        body(prefix, self)
        for (name, child) in children { child.visit(prefix: joinName(prefix, name), body) }
    }

    fileprivate func stateEntries() -> [StateEntry] {
        var result: [StateEntry] = []
        visit(prefix: "") { path, layer in
            for (localName, variable) in layer.localParameters {
                result.append(StateEntry(name: joinName(path, localName), shape: variable.value.shape,
                                         kind: .parameter(variable), currentValue: variable.value))
            }
            for (localName, value) in layer.localBuffers {
                result.append(StateEntry(name: joinName(path, localName), shape: value.shape,
                                         kind: .buffer(layer, localName), currentValue: value))
            }
        }
        return result
    }
}

private struct StateEntry {
    enum Kind {
        case parameter(Variable)
        case buffer(any Layer, String)
    }
    let name: String
    let shape: [Int]
    let kind: Kind
    let currentValue: Tensor
}

private func shapeAccepts(expected: [Int], found: [Int]) -> Bool {
    if expected == found { return true }
    // PyTorch writes scalar buffers with shape []; some exporters write [1].
    return expected.isEmpty && found == [1]
}

func joinName(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }

/// Why a state dict could not be loaded: every missing key, unexpected key and shape mismatch at once.
public struct StateDictError: Error, Equatable, CustomStringConvertible {
    /// A tensor whose shape differs from the model's.
    public struct ShapeMismatch: Equatable, Sendable {
        /// The `state_dict` name.
        public let name: String
        /// The shape the model has.
        public let expected: [Int]
        /// The shape that was offered.
        public let found: [Int]

        /// Creates a mismatch record.
        public init(name: String, expected: [Int], found: [Int]) {
            self.name = name
            self.expected = expected
            self.found = found
        }
    }

    /// Names the model has but the offered state lacks, in model order.
    public var missingKeys: [String] = []
    /// Names the offered state has but the model lacks, sorted.
    public var unexpectedKeys: [String] = []
    /// Names present on both sides with different shapes, in model order.
    public var shapeMismatches: [ShapeMismatch] = []

    /// Creates an error; an empty one means nothing was wrong.
    public init(missingKeys: [String] = [], unexpectedKeys: [String] = [], shapeMismatches: [ShapeMismatch] = []) {
        self.missingKeys = missingKeys
        self.unexpectedKeys = unexpectedKeys
        self.shapeMismatches = shapeMismatches
    }

    /// Whether nothing was wrong.
    public var isEmpty: Bool { missingKeys.isEmpty && unexpectedKeys.isEmpty && shapeMismatches.isEmpty }

    public var description: String {
        var lines = ["state dict does not fit the model (nothing was loaded):"]
        if !missingKeys.isEmpty { lines.append("  missing keys: " + missingKeys.joined(separator: ", ")) }
        if !unexpectedKeys.isEmpty { lines.append("  unexpected keys: " + unexpectedKeys.joined(separator: ", ")) }
        for mismatch in shapeMismatches {
            lines.append("  shape mismatch for \(mismatch.name): expected \(describeShape(mismatch.expected)), found \(describeShape(mismatch.found))")
        }
        return lines.joined(separator: "\n")
    }
}
