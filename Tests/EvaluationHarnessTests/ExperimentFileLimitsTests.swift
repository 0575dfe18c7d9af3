import Foundation
import Testing
@testable import EvaluationHarness
import PruningCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Experiment files: size and depth caps, duplicate keys, positions, non-files")
struct ExperimentFileLimitsTests {
    static func error(_ text: String, format: ExperimentFile.Format) -> ExperimentFileError? {
        ExperimentFileTests.error { try ExperimentFile.decode(Data(text.utf8), format: format, source: "bad.\(format.rawValue)") }
    }

    /// Text nested 10,000 deep in each style the YAML parser would recurse on.
    static let deepTexts: [(String, ExperimentFile.Format)] = [
        ("model: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n", .yaml),
        ("model: " + String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + "\n", .yaml),
        ("model:\n" + String(repeating: "- ", count: 10_000) + "x\n", .yaml),
        // Block mappings one space deeper per line: 1,000 levels keep the file under the size cap.
        ((0..<1_000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1\n", .yaml),
        // A sequence at its key's indentation: two levels per two-space step.
        ((0..<600).map { String(repeating: "  ", count: $0) + "- k\($0):" }.joined(separator: "\n") + " 1\n", .yaml),
        (##"{"model": "# { [ not nesting", "seeds": "# [", "withinPoints": "##
            + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}", .json),
    ]

    @Test("text nested 10,000 deep is refused before the parser sees it", arguments: 0..<6)
    func deepNesting(caseIndex: Int) throws {
        let (text, format) = Self.deepTexts[caseIndex]
        let error = try #require(Self.error(text, format: format))
        #expect(error.file == "bad.\(format.rawValue)")
        #expect(error.detail.contains("more than 64 deep"), "\(error.detail)")
    }

    @Test("nesting is counted exactly: 64 levels pass, 65 do not, whatever quotes and scalars surround them")
    func exactDepth() throws {
        func flow(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        // The top-level mapping is one level, so a value may open 63 more.
        #expect(YAMLStructureChecks.firstCollectionTooDeep("a: " + flow(63), limit: 64) == nil)
        let position = try #require(YAMLStructureChecks.firstCollectionTooDeep("a: " + flow(64), limit: 64))
        #expect(position.line == 1 && position.column == 67)
        // A multi-line plain scalar whose second line starts with a quote, then deep nesting: no quote hides it.
        let tricky = "a: abc\n  'x [[ {{\nb: " + flow(10_000) + "\n"
        #expect(YAMLStructureChecks.firstCollectionTooDeep(tricky, limit: 64)?.line == 3)
        // Brackets inside quoted and block scalars do not nest.
        let shallow = "a: \"[[[[[[\"\nb: '{{{{{{'\nc: |\n  [[[[[[[[[[\nd: x[[[[[[[[\n"
        #expect(YAMLStructureChecks.firstCollectionTooDeep(shallow, limit: 2) == nil)
    }

    @Test("a YAML 1.1 base-60 integer that would overflow in Yams is refused by name; ordinary values pass")
    func sexagesimalOverflow() throws {
        // Yams reads `1:30` as 90 with unchecked arithmetic: 13 parts, or one huge part, trapped it (fuzz-experiment).
        for text in ["1:2:3:4:5:6:7:8:9:10:11:12:13", "999999999999999999:1", "-1_0:2:3:4:5:6:7:8:9:10:11:12"] {
            #expect(YAMLStructureChecks.sexagesimalOverflows(text), "\(text)")
            let error = try #require(Self.error("pretrainEpochs: \(text)\n", format: .yaml))
            #expect(error.field == "pretrainEpochs" && error.detail.contains("base-60 number too large"), "\(error)")
        }
        for text in ["1:30", "nm:2:4", "geometric:1.3:10", "10", "x"] {
            #expect(!YAMLStructureChecks.sexagesimalOverflows(text), "\(text)")
        }
        // Quoted, it is text; a field that wants an integer then says so instead.
        let quoted = try #require(Self.error("pretrainEpochs: '1:2:3:4:5:6:7:8:9:10:11:12:13'\n", format: .yaml))
        #expect(!quoted.detail.contains("base-60"), "\(quoted)")
    }

    @Test("a YAML key given twice is refused naming the field and both lines")
    func yamlDuplicateKey() throws {
        let top = try #require(Self.error("model: mlp\ndataset: synthetic\nmodel: lenet5\n", format: .yaml))
        #expect(top.field == "model")
        #expect(top.detail == "is given twice (lines 1 and 3); expected each field once")
        let nested = try #require(Self.error("pipeline:\n  methodEpochs: 1\n  \"methodEpochs\": 2\n", format: .yaml))
        #expect(nested.field == "pipeline.methodEpochs")
        #expect(nested.detail.contains("lines 2 and 3"))
        let inList = try #require(Self.error("methods:\n  - {name: slr, name: admm}\n", format: .yaml))
        #expect(inList.field == "methods[0].name")
    }

    @Test("a JSON key given twice is refused naming the field and its position")
    func jsonDuplicateKey() throws {
        let error = try #require(Self.error("{\"pipeline\": {\"seed\": 1,\n \"seed\": 2}}", format: .json))
        #expect(error.field == "pipeline.seed")
        #expect(error.detail == "is given twice (the second time on line 2, column 2); expected each field once")
    }

    @Test("malformed JSON is reported with its line and column")
    func jsonPosition() throws {
        let error = try #require(Self.error("{\n  \"model\": \"mlp\",\n  \"seeds\": [1, 2,]\n}\n", format: .json))
        #expect(error.description == "experiment file bad.json: is not valid JSON: line 3, column 18: unexpected ']', expected a value")
        let cut = try #require(Self.error("{\"model\": ", format: .json))
        #expect(cut.detail == "is not valid JSON: line 1, column 11: the text ends where a value was expected")
    }

    @Test("an unknown field still fails as before")
    func unknownFieldStillFails() throws {
        let error = try #require(Self.error("{\"modle\": \"mlp\"}", format: .json))
        #expect(error.field == "modle")
        #expect(error.detail.contains("has no field 'modle'"))
    }

    @Test("YAML aliases that multiply the tree are refused")
    func aliasBomb() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let error = try #require(Self.error(lines.joined(separator: "\n") + "\n", format: .yaml))
        #expect(error.detail.contains("expands (through YAML aliases) to more than 1000000 values"), "\(error.detail)")
    }

    @Test("contents above 1 MiB are refused, from bytes and from a file, before parsing")
    func sizeCap() throws {
        let big = "model: mlp\n" + String(repeating: "# padding\n", count: 110_000)
        let error = try #require(Self.error(big, format: .yaml))
        #expect(error.detail.contains("is \(big.utf8.count) bytes, more than the 1048576"), "\(error.detail)")

        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("big.yaml")
            try Data(big.utf8).write(to: url)
            let fromFile = try #require(ExperimentFileTests.error { try ExperimentFile.load(from: url) })
            #expect(fromFile.file == url.path && fromFile.detail.contains("more than the 1048576"))
        }
    }

    @Test("a folder or a FIFO given as the experiment file is refused by type, without blocking")
    func notRegularFiles() throws {
        try withTemporaryFolder { folder in
            let directory = folder.appendingPathComponent("exp.yaml")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
            let folderError = try #require(ExperimentFileTests.error { try ExperimentFile.load(from: directory) })
            #expect(folderError.description == "experiment file \(directory.path): is a folder; expected a .yaml or .json experiment file")

            let fifo = folder.appendingPathComponent("exp.json")
            #expect(mkfifo(fifo.path, 0o600) == 0)
            let fifoError = try #require(ExperimentFileTests.error { try ExperimentFile.load(from: fifo) })
            #expect(fifoError.detail == "is not a regular file (it is a FIFO); expected a .yaml or .json experiment file")
        }
    }

    /// Runs `body` with a fresh temporary folder, removed afterwards.
    func withTemporaryFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ExperimentFileLimits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }
}
