import _TestSupport
import Foundation
import Shears
import Testing
@testable import ShearsCommandLine

/// Every case of ``BadInputCatalog``: `shears` refuses it with the documented exit status and a message that names
/// the culprit, quotes no Foundation error domain, and changes no file outside the run's own folder.
@Suite("The bad-input catalog: refused by name, with the documented exit status, nothing else touched", .serialized)
struct BadInputCatalogTests {
    @Test("the catalog holds at least 60 cases, each with a distinct label")
    func catalogSize() {
        #expect(BadInputCatalog.all.count >= 60)
        #expect(Set(BadInputCatalog.all.map(\.description)).count == BadInputCatalog.all.count)
    }

    @Test("each bad input is refused", arguments: BadInputCatalog.all)
    func refused(_ input: BadInput) throws {
        try withTemporaryDirectory { root in
            let box = BadInputSandbox(root: root)
            let (arguments, fragments) = try input.prepare(box)
            let before = box.snapshotOutsideTheRun()
            let (code, message) = CLI.failure(arguments)
            #expect(code == input.exitCode, "exit \(code), message: \(message)")
            for fragment in fragments {
                #expect(message.contains(fragment), "'\(fragment)' missing from: \(message)")
            }
            for domain in ["NSCocoaErrorDomain", "Error Domain=", "NSPOSIXErrorDomain", "Fatal error"] {
                #expect(!message.contains(domain), "message quotes \(domain): \(message)")
            }
            #expect(box.snapshotOutsideTheRun() == before, "a file outside the run's folder changed")
        }
    }
}
