import Foundation

/// Every file the scaffold creates or edits, with its complete new content, computed before anything is written.
struct ScaffoldPlan {
    /// A file and its new content; `original` is nil for a file the plan creates.
    struct FileChange {
        let url: URL
        let relativePath: String
        let content: String
        let original: Data?
    }

    let name: MethodName
    let changes: [FileChange]
    /// Folders the plan creates (deepest last), removed again if a write fails.
    let newDirectories: [URL]

    /// The edit markers, as they appear in the package's files.
    enum Marker {
        static let products = "// new-pruning-method: products above this line"
        static let targets = "// new-pruning-method: targets above this line"
        /// In the Shears package: the `Shears` umbrella's dependencies.
        static let umbrellaDependencies = "// new-pruning-method: Shears dependencies above this line"
        /// In a package that depends on Shears: the dependencies of the target that registers the methods.
        static let catalogDependencies = "// new-pruning-method: catalog dependencies above this line"
        static let testTargets = "// new-pruning-method: test targets above this line"
        static let registrations = "// new-pruning-method: registrations above this line"
    }

    /// Which package the scaffold edits.
    enum Host {
        /// The Shears package itself: the method joins the built-in catalog and the `Shears` umbrella.
        case shears
        /// A package that depends on Shears: the method joins the package's own catalog, and the new targets name
        /// Shears' products with `package: "<reference>"` (its identity, or the name its manifest gives it).
        case dependent(reference: String)

        /// In a package that depends on Shears under `identity`, with these products: the reference its manifest
        /// already uses for one of them (`.package(name: "Shears", path: …)` makes it "Shears"), else the identity.
        static func dependent(identity: String, products: [String], manifest: String) -> Host {
            for product in products {
                let prefix = ".product(name: \"\(product)\", package: \""
                guard let start = manifest.range(of: prefix)?.upperBound,
                      let end = manifest[start...].firstIndex(of: "\"") else { continue }
                return .dependent(reference: String(manifest[start..<end]))
            }
            return .dependent(reference: identity)
        }

        /// How the new targets name a product of Shears.
        func product(_ name: String) -> String {
            switch self {
            case .shears: return "\"\(name)\""
            case .dependent(let reference): return ".product(name: \"\(name)\", package: \"\(reference)\")"
            }
        }
    }

    /// Checks the name against the package and computes every change.
    /// - Parameter shearsDependency: For a package that depends on Shears, the identity and products of that
    ///   dependency; nil in Shears itself.
    static func make(rawName: String, packageRoot root: URL,
                     shearsDependency: (identity: String, products: [String])?) throws -> ScaffoldPlan {
        let name = try MethodName(rawName)
        let manifestURL = root.appendingPathComponent("Package.swift")
        let manifest = try read(manifestURL, "Package.swift")
        let host = shearsDependency.map {
            Host.dependent(identity: $0.identity, products: $0.products, manifest: String(decoding: manifest, as: UTF8.self))
        } ?? .shears
        // The file that registers methods is the one Swift file under Sources/ with the registrations marker:
        // Sources/Shears/BuiltInMethods.swift here, the catalog of a package that depends on Shears (its main.swift).
        let registryPath = try registrationFile(root: root)
        let registryURL = root.appendingPathComponent(registryPath)
        let registry = try read(registryURL, registryPath)

        try checkUnused(name, root: root, manifest: String(decoding: manifest, as: UTF8.self))

        var newManifest = String(decoding: manifest, as: UTF8.self)
        newManifest = try TextEdits.insert(
            ".library(name: \"\(name.module)\", targets: [\"\(name.module)\"]),",
            aboveMarker: Marker.products, in: newManifest, file: "Package.swift")
        newManifest = try TextEdits.insert(
            ".target(name: \"\(name.module)\", dependencies: [\(host.product("PruningCore"))], swiftSettings: languageMode),",
            aboveMarker: Marker.targets, in: newManifest, file: "Package.swift")
        let registeringTargetMarker: String
        switch host {
        case .shears: registeringTargetMarker = Marker.umbrellaDependencies
        case .dependent: registeringTargetMarker = Marker.catalogDependencies
        }
        newManifest = try TextEdits.insert(
            "\"\(name.module)\",", aboveMarker: registeringTargetMarker, in: newManifest, file: "Package.swift")
        let testDependencies: String
        switch host {
        case .shears: testDependencies = "\"\(name.module)\", \"_TestSupport\""
        case .dependent: testDependencies = "\"\(name.module)\", " + ["PruningCore", "NeuralNetworks", "Datasets", "TensorEngine"]
            .map(host.product).joined(separator: ", ")
        }
        newManifest = try TextEdits.insert(
            ".testTarget(name: \"\(name.testModule)\", dependencies: [\(testDependencies)], swiftSettings: languageMode),",
            aboveMarker: Marker.testTargets, in: newManifest, file: "Package.swift")
        guard newManifest.contains("let languageMode") else {
            throw ScaffoldError("Package.swift defines no `languageMode` (the Swift settings of the new targets), e.g. "
                + "`let languageMode: [SwiftSetting] = [.swiftLanguageMode(.v5)]`; add it and run again (nothing was changed)")
        }

        var newRegistry = String(decoding: registry, as: UTF8.self)
        newRegistry = try TextEdits.insert("\(name.module).registration,", aboveMarker: Marker.registrations,
                                           in: newRegistry, file: registryPath)
        newRegistry = try TextEdits.insert("import \(name.module)", belowLastLineStartingWith: "import ",
                                           in: newRegistry, file: registryPath)

        let sourceDirectory = root.appendingPathComponent("Sources/\(name.module)")
        let testDirectory = root.appendingPathComponent("Tests/\(name.testModule)")
        var changes = [
            FileChange(url: sourceDirectory.appendingPathComponent("\(name.module).swift"),
                       relativePath: "Sources/\(name.module)/\(name.module).swift",
                       content: Templates.method(name), original: nil),
            FileChange(url: testDirectory.appendingPathComponent("\(name.testModule).swift"),
                       relativePath: "Tests/\(name.testModule)/\(name.testModule).swift",
                       content: Templates.tests(name), original: nil),
            FileChange(url: manifestURL, relativePath: "Package.swift", content: newManifest, original: manifest),
            FileChange(url: registryURL, relativePath: registryPath, content: newRegistry, original: registry),
        ]
        if case .shears = host {
            // The umbrella re-exports every method module of Shears.
            let umbrellaURL = root.appendingPathComponent("Sources/Shears/Shears.swift")
            let umbrella = try read(umbrellaURL, "Sources/Shears/Shears.swift")
            let newUmbrella = try TextEdits.insert("@_exported import \(name.module)",
                                                   belowLastLineStartingWith: "@_exported import ",
                                                   in: String(decoding: umbrella, as: UTF8.self),
                                                   file: "Sources/Shears/Shears.swift")
            changes.append(FileChange(url: umbrellaURL, relativePath: "Sources/Shears/Shears.swift", content: newUmbrella,
                                      original: umbrella))
        }
        // A package of its own may have no Tests folder yet.
        let testsFolder = root.appendingPathComponent("Tests")
        let missingTests = FileManager.default.fileExists(atPath: testsFolder.path) ? [] : [testsFolder]
        return ScaffoldPlan(name: name, changes: changes, newDirectories: [sourceDirectory] + missingTests + [testDirectory])
    }

    /// The path (from the package root) of the one Swift file under Sources/ that holds the registrations marker.
    private static func registrationFile(root: URL) throws -> String {
        let sources = root.appendingPathComponent("Sources")
        var found: [String] = []
        if let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "swift" {
                guard let text = try? String(contentsOf: url, encoding: .utf8), text.contains(Marker.registrations) else { continue }
                found.append(url.standardizedFileURL.path.replacingOccurrences(of: root.standardizedFileURL.path + "/", with: ""))
            }
        }
        guard found.count == 1 else {
            throw ScaffoldError(found.isEmpty
                ? "no Swift file under Sources/ has the line '\(Marker.registrations)'; put it in the list of registrations "
                    + "your catalog is built from, e.g. `ShearsCatalog.builtIn.adding(methods: [ … ])` (nothing was changed)"
                : "several files have the line '\(Marker.registrations)' (\(found.sorted().joined(separator: ", "))); "
                    + "expected exactly one (nothing was changed)")
        }
        return found[0]
    }

    /// Refuses a name whose module, folders or registry name already exist.
    private static func checkUnused(_ name: MethodName, root: URL, manifest: String) throws {
        let fileManager = FileManager.default
        for (folder, module) in [("Sources", name.module), ("Tests", name.testModule)] {
            let existing = (try? fileManager.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
            // Case-insensitive: on macOS `RandomPruning` and `randomPruning` are the same folder.
            if let clash = existing.first(where: { $0.lowercased() == module.lowercased() }) {
                throw ScaffoldError("\(folder)/\(clash) already exists; choose another NAME (nothing was changed)")
            }
        }
        for module in [name.module, name.testModule] {
            if manifest.range(of: "name: \"\(module)\"", options: .caseInsensitive) != nil {
                throw ScaffoldError("Package.swift already declares '\(module)'; choose another NAME (nothing was changed)")
            }
        }
        if let owner = try registeredMethodOwner(name.registryName, root: root) {
            throw ScaffoldError("a pruning method named '\(name.registryName)' is already registered (in \(owner)); "
                + "choose another NAME (nothing was changed)")
        }
    }

    /// The source file that registers a method called `registryName`, if any.
    private static func registeredMethodOwner(_ registryName: String, root: URL) throws -> String? {
        let sources = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return nil }
        let needle = "name: \"\(registryName)\""
        for case let url as URL in walker where url.pathExtension == "swift" {
            guard let text = try? String(contentsOf: url, encoding: .utf8), text.contains("MethodRegistration(") else { continue }
            if text.contains(needle) { return url.path.replacingOccurrences(of: root.path + "/", with: "") }
        }
        return nil
    }

    private static func read(_ url: URL, _ relativePath: String) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw ScaffoldError("cannot read \(relativePath) (\(error.localizedDescription)); run the plugin in the Shears package or in a package that depends on it")
        }
    }

    /// Writes every change; if any write fails, restores the edited files, deletes the created ones and rethrows.
    func apply() throws {
        let fileManager = FileManager.default
        var createdDirectories: [URL] = []
        var written: [FileChange] = []
        do {
            for directory in newDirectories {
                try fileManager.createDirectory(at: directory, withIntermediateDirectories: false)
                createdDirectories.append(directory)
            }
            for change in changes {
                let data = Data(change.content.utf8)
                // New files must not exist; edited files are replaced atomically.
                try data.write(to: change.url, options: change.original == nil ? .withoutOverwriting : .atomic)
                written.append(change)
            }
        } catch {
            for change in written.reversed() {
                if let original = change.original {
                    try? original.write(to: change.url, options: .atomic)
                } else {
                    try? fileManager.removeItem(at: change.url)
                }
            }
            for directory in createdDirectories.reversed() { try? fileManager.removeItem(at: directory) }
            throw ScaffoldError("writing the scaffold failed (\(error.localizedDescription)); every change was undone")
        }
    }

    /// What was done and what to do next.
    var summary: String {
        let created = changes.filter { $0.original == nil }.map { "  created \($0.relativePath)" }
        let edited = changes.filter { $0.original != nil }.map { "  edited  \($0.relativePath)" }
        return (["Scaffolded the pruning method '\(name.registryName)' (module \(name.module)):"] + created + edited + [
            "Next: swift build && swift test --filter \(name.testModule)",
            "Then: `swift run <your command line> methods` lists '\(name.registryName)'; write the algorithm in \(name.module).swift.",
        ]).joined(separator: "\n")
    }
}
