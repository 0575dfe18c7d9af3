import Testing
@testable import SLRPruning
