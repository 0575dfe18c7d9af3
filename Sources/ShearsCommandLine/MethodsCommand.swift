import ArgumentParser
import Shears

/// `shears methods`: every registered pruning method with its options, then the catalog's own constraints.
struct MethodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "methods", abstract: "List the registered pruning methods and their options, and any registered constraints.")

    @Flag(help: "Print JSON.") var json = false

    struct Listing: Codable {
        var name: String
        var summary: String
        var options: [MethodOption]
    }

    func run() throws {
        let listings = ShearsCommand.catalog.methods.registrations.map { Listing(name: $0.name, summary: $0.summary, options: $0.options) }
        if json { try printJSON(listings); return }
        for listing in listings {
            print("\(listing.name)  —  \(listing.summary)")
            for option in listing.options {
                print("    --\(option.key) (default \(option.defaultValue)): \(option.summary)")
            }
        }
        // Constraints of the catalog beyond the built-in patterns (the JSON listing stays a list of methods).
        let constraints = ShearsCommand.catalog.constraints.registrations
        if !constraints.isEmpty {
            print("")
            print("Constraints besides unstructured, nm:N:M, block:HxW, filter and channel (--constraint NAME):")
            for constraint in constraints { print("\(constraint.name)  —  \(constraint.summary)") }
        }
    }
}
