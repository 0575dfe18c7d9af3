import Testing
@testable import EvaluationHarness
