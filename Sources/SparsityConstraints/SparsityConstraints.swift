// Module SparsityConstraints: which weights may be non-zero, and which weights are pruned at all — depends on the
// tensor engine only, so a constraint or a selection rule of one's own needs nothing else. See docs/ARCHITECTURE.md.
//
// Layout of the module:
//   Constraints/  the Constraint protocol (Euclidean projection, verification), the built-in patterns
//                 (unstructured, N:M, blocks, channels and filters, a bounded global budget), their text form
//                 (ConstraintSpec), the registry of constraints of other packages (ConstraintRegistry) and
//                 the selection kernels they share (largest-k, radix select, groups)
//   CatalogError.swift  the error of a name registered twice (here because ConstraintRegistry is the lowest registry)
//   Selection/    which parameters are pruned: parameter descriptions, glob patterns, the selector
//   Masks.swift   a 0/1 mask per pruned weight, and applying it
