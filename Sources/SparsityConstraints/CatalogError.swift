// Defined here, in the lowest module that has a registry (ConstraintRegistry); the catalog in PruningCore throws it too.
/// Errors of building or using a ``ShearsCatalog``: a name registered twice, or an entry used without what it needs.
public enum CatalogError: Error, Equatable, CustomStringConvertible {
    /// Two entries of one kind (`method`, `model`, `dataset`) share a name (compared without case for models and
    /// datasets, whose names are matched without case).
    case duplicateName(kind: String, name: String)
    /// A dataset that is read from files was requested without the `dataDirectory` option; `contents` says what
    /// the folder must hold.
    case missingDataDirectory(dataset: String, contents: String)

    public var description: String {
        switch self {
        case .duplicateName(let kind, let name):
            return "a \(kind) named '\(name)' is already registered; each \(kind) needs a distinct name"
        case .missingDataDirectory(let dataset, let contents):
            return "dataset \(dataset) needs the option dataDirectory: the folder with \(contents)"
        }
    }
}
