// Module PruningCore: the method protocol, the session, the pipeline in its phases, the catalog, schedules and the
// augmented-Lagrangian bookkeeping. See docs/ARCHITECTURE.md.
//
// A method's public API speaks in constraints, named tensors and masks (`PruningMethod.finalize` returns
// `[NamedTensor]`, a session holds its `Constraint`), so PruningCore re-exports SparsityConstraints: a method module
// that depends on the product `PruningCore` sees the types its protocol names. Files of this package still import
// SparsityConstraints themselves, and every target here declares it.
@_exported import SparsityConstraints
