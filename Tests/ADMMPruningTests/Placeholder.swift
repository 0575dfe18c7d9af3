import Testing
@testable import ADMMPruning
