import ADMMPruning
import LayerwisePruning
import MagnitudePruning
import PruningCore
import SLRPruning

/// Every pruning method that `shears methods`, `shears prune` and `shears compare` know.
///
/// Adding a method module takes one line here (the scaffold `swift package new-pruning-method NAME` adds it).
public enum BuiltInMethods {
    /// The registry of built-in methods, in listing order.
    public static let registry = MethodRegistry([
        SLRPruning.registration,
        ADMMPruning.registration,
        MagnitudePruning.registration,
        LayerwisePruning.registration,
        // new-pruning-method: registrations above this line
    ])
}
