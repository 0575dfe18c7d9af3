import Testing
@testable import PruningCore
