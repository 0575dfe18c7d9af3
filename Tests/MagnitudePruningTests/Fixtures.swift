@_exported import _PruningTestSupport

/// The shared pruning fixtures under the name these tests use.
typealias Fixtures = PruningFixtures
