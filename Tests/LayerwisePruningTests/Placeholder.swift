import Testing
@testable import LayerwisePruning
