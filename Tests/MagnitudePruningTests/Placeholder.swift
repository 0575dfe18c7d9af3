import Testing
@testable import MagnitudePruning
