/// Everything a run can be made of, by name: pruning methods, models, datasets and constraints.
///
/// The experiment runner, `Comparison` and every `shears` command look names up here, so an entry registered in a
/// catalog reaches all of them. The built-in catalog is `ShearsCatalog.builtIn` (module `Shears`); a package of
/// its own adds to it:
///
/// ```swift
/// var catalog = ShearsCatalog.builtIn
/// try catalog.register(MyPruning.registration)      // throws if the name is taken
/// ```
public struct ShearsCatalog: Sendable {
    /// The pruning methods.
    public var methods: MethodRegistry
    /// The networks.
    public var models: ModelRegistry
    /// The datasets.
    public var datasets: DatasetRegistry
    /// The constraints besides the built-in patterns (`--constraint NAME[:ARG…]`, `pattern:` in experiment files).
    public var constraints: ConstraintRegistry

    /// A catalog of the given registries (empty by default).
    public init(methods: MethodRegistry = MethodRegistry(), models: ModelRegistry = ModelRegistry(),
                datasets: DatasetRegistry = DatasetRegistry(), constraints: ConstraintRegistry = ConstraintRegistry()) {
        self.methods = methods
        self.models = models
        self.datasets = datasets
        self.constraints = constraints
    }

    /// Adds a pruning method; throws ``CatalogError/duplicateName(kind:name:)`` when its name is taken.
    public mutating func register(_ method: MethodRegistration) throws { try methods.register(method) }

    /// Adds a model; throws ``CatalogError/duplicateName(kind:name:)`` when its name is taken.
    public mutating func register(_ model: ModelRegistration) throws { try models.register(model) }

    /// Adds a dataset; throws ``CatalogError/duplicateName(kind:name:)`` when its name or an alias is taken.
    public mutating func register(_ dataset: DatasetRegistration) throws { try datasets.register(dataset) }

    /// Adds a constraint; throws ``CatalogError/duplicateName(kind:name:)`` when its name is taken (built-in
    /// pattern names included).
    public mutating func register(_ constraint: ConstraintRegistration) throws { try constraints.register(constraint) }

    /// This catalog with `methods`, `models`, `datasets` and `constraints` added, in order; throws on the first
    /// taken name.
    public func adding(methods: [MethodRegistration] = [], models: [ModelRegistration] = [],
                       datasets: [DatasetRegistration] = [], constraints: [ConstraintRegistration] = []) throws -> ShearsCatalog {
        var catalog = self
        for method in methods { try catalog.register(method) }
        for model in models { try catalog.register(model) }
        for dataset in datasets { try catalog.register(dataset) }
        for constraint in constraints { try catalog.register(constraint) }
        return catalog
    }

    /// Decoder user info that lets constraint text in decoded files use this catalog's constraints.
    public var decodingUserInfo: [CodingUserInfoKey: Any] { [.shearsConstraints: constraints] }
}
