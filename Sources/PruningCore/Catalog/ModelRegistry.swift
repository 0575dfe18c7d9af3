import NeuralNetworks

/// What a model factory is asked for: the shape of the data and the seed of the initial weights.
public struct ModelRequest: Sendable, Equatable {
    /// Output classes.
    public var classes: Int
    /// Image channels.
    public var inputChannels: Int
    /// Side of the square images.
    public var inputSize: Int
    /// Seeds the initial weights (and the model's dropout stream).
    public var seed: UInt64

    /// Describes a request.
    public init(classes: Int, inputChannels: Int, inputSize: Int, seed: UInt64) {
        self.classes = classes
        self.inputChannels = inputChannels
        self.inputSize = inputSize
        self.seed = seed
    }
}

/// How a model makes itself known to a catalog: its name, one line of description and a seeded factory.
public struct ModelRegistration: Sendable {
    /// The name experiments and `--model` use (matched without case).
    public let name: String
    /// One line describing the network.
    public let summary: String
    /// Builds a freshly initialised model; the same request must give the same weights.
    public let make: @Sendable (ModelRequest) throws -> Model

    /// Describes a model.
    public init(name: String, summary: String, make: @escaping @Sendable (ModelRequest) throws -> Model) {
        self.name = name
        self.summary = summary
        self.make = make
    }
}

/// A set of registered models, looked up by name without case.
public struct ModelRegistry: Sendable {
    /// The registrations, in listing order.
    public private(set) var registrations: [ModelRegistration] = []

    /// An empty registry.
    public init() {}

    /// A registry of `registrations`; throws ``CatalogError/duplicateName(kind:name:)`` when two share a name.
    public init(_ registrations: [ModelRegistration]) throws {
        for registration in registrations { try register(registration) }
    }

    /// Adds a model; throws ``CatalogError/duplicateName(kind:name:)`` when its name is taken.
    public mutating func register(_ registration: ModelRegistration) throws {
        guard find(registration.name) == nil else { throw CatalogError.duplicateName(kind: "model", name: registration.name) }
        registrations.append(registration)
    }

    /// The registered names.
    public var names: [String] { registrations.map(\.name) }

    /// Builds the model `name` for `request`; throws ``NeuralNetworkError/unknownModel(name:known:)`` listing the
    /// known names when none is registered under it.
    public func make(_ name: String, _ request: ModelRequest) throws -> Model {
        guard let registration = find(name) else { throw NeuralNetworkError.unknownModel(name: name, known: names) }
        return try registration.make(request)
    }

    private func find(_ name: String) -> ModelRegistration? {
        registrations.first { $0.name.lowercased() == name.lowercased() }
    }
}

extension ModelRegistry {
    /// The networks of ``ModelZoo``, in its order, each built by `ModelZoo.make` (so the same seed gives the same
    /// weights as before the catalog existed).
    public static let zoo: ModelRegistry = {
        let summaries = [
            "mlp": "LeNet-300-100 on flattened input",
            "lenet5": "LeNet-5",
            "vgg16": "VGG-16 with batch norm, CIFAR layout",
            "resnet18": "ResNet-18 (CIFAR stem)",
            "resnet20": "He et al.'s CIFAR ResNet-20",
            "resnet50": "ResNet-50 (CIFAR stem)",
        ]
        var registry = ModelRegistry()
        for name in ModelZoo.names {
            let registration = ModelRegistration(name: name, summary: summaries[name] ?? name) { request in
                try ModelZoo.make(name: name, classes: request.classes, inputChannels: request.inputChannels,
                                  inputSize: request.inputSize, seed: request.seed)
            }
            // ModelZoo's names are distinct; a clash here is a bug of this file, not something a user can cause.
            do { try registry.register(registration) } catch { fatalError("ModelZoo lists \(name) twice") }
        }
        return registry
    }()
}
