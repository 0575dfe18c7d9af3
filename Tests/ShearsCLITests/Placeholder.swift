import Testing
@testable import ShearsCLI
