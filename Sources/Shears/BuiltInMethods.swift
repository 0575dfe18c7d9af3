import ADMMPruning
import LayerwisePruning
import MagnitudePruning
import PruningCore
import SLRPruning

/// Every built-in pruning method: the `methods` of ``PruningCore/ShearsCatalog/builtIn``.
///
/// Adding a method module takes one line here (the scaffold `swift package new-pruning-method NAME` adds it).
public enum BuiltInMethods {
    /// The built-in registrations, in listing order.
    public static let registrations: [MethodRegistration] = [
        SLRPruning.registration,
        ADMMPruning.registration,
        MagnitudePruning.registration,
        LayerwisePruning.registration,
        // new-pruning-method: registrations above this line
    ]

    /// The registry of built-in methods, in listing order.
    public static let registry: MethodRegistry = {
        do { return try MethodRegistry(registrations) } catch {
            // The list above is this package's own; a clash is a bug here, not something a user can cause.
            fatalError("the built-in pruning methods share a name: \(error)")
        }
    }()
}
