import Foundation
import Testing
import _TestSupport
@testable import SparsityConstraints

@Suite("ConstraintSpec parses command-line text")
struct ConstraintSpecTests {
    @Test("valid text builds the right constraint")
    func valid() throws {
        let unstructured = try ConstraintSpec.parse("unstructured", sparsity: 0.9).makeConstraint()
        #expect((unstructured as? SparsityConstraint) == (try SparsityConstraint.unstructured(sparsity: 0.9)))

        let global = try ConstraintSpec.parse(" Unstructured ", sparsity: 0.8, scope: .global).makeConstraint()
        #expect((global as? SparsityConstraint)?.scope == .global)

        let nm = try ConstraintSpec.parse("nm:2:4", sparsity: 0.3).makeConstraint()
        #expect((nm as? NMConstraint) == (try NMConstraint(n: 2, m: 4)))
        #expect((try ConstraintSpec.parse("1:4", sparsity: 0).makeConstraint() as? NMConstraint)?.n == 1)

        let block = try ConstraintSpec.parse("block:4x2", sparsity: 0.5).makeConstraint() as? SparsityConstraint
        #expect(block?.granularity == .block(height: 4, width: 2))
        let square = try ConstraintSpec.parse("block:8", sparsity: 0.5).makeConstraint() as? SparsityConstraint
        #expect(square?.granularity == .block(height: 8, width: 8))

        #expect((try ConstraintSpec.parse("filter", sparsity: 0.5).makeConstraint() as? SparsityConstraint)?.granularity == .filter)
        #expect((try ConstraintSpec.parse("channels", sparsity: 0.5).makeConstraint() as? SparsityConstraint)?.granularity == .inputChannel)
    }

    @Test("bounds with global scope make a bounded constraint")
    func bounded() throws {
        let spec = ConstraintSpec(pattern: .unstructured, sparsity: 0.9, scope: .global,
                                  defaultBounds: SparsityBounds(minimum: 0.5, maximum: 0.99))
        #expect(try spec.makeConstraint() is BoundedGlobalConstraint)
        var perLayer = spec
        perLayer.scope = .layer
        expectThrows(["scope 'global'"]) { _ = try perLayer.makeConstraint() }
    }

    @Test("malformed text names the problem", arguments: [
        ("", "unknown constraint"),
        ("sparse", "unknown constraint 'sparse'"),
        ("nm:2", "nm:N:M"),
        ("nm:2:4:8", "nm:N:M"),
        ("nm:two:4", "N 'two' is not an integer"),
        ("block", "block:HxW"),
        ("block:4x", "block width '' is not an integer"),
        ("block:ax4", "block height 'a'"),
        ("block:2x2x2", "block:HxW"),
        ("filter:3", "takes no parameters"),
        ("unstructured:0.5", "takes no parameters"),
    ])
    func malformed(text: String, fragment: String) {
        expectThrows(["malformed constraint", fragment]) { _ = try ConstraintSpec.parse(text, sparsity: 0.5) }
    }

    @Test("values out of range are refused while parsing")
    func outOfRange() {
        expectThrows(["4:2", "1 ≤ N < M"]) { _ = try ConstraintSpec.parse("nm:4:2", sparsity: 0.5) }
        expectThrows(["block 0x4"]) { _ = try ConstraintSpec.parse("block:0x4", sparsity: 0.5) }
        expectThrows(["sparsity is 1.0"]) { _ = try ConstraintSpec.parse("filter", sparsity: 1) }
        expectThrows(["scope 'global' does not apply"]) { _ = try ConstraintSpec.parse("nm:2:4", sparsity: 0.5, scope: .global) }
    }

    @Test("Codable round trip writes the pattern as text")
    func codable() throws {
        let spec = ConstraintSpec(pattern: .block(height: 4, width: 4), sparsity: 0.75, scope: .global,
                                  layerBounds: ["fc.weight": SparsityBounds(minimum: 0.1, maximum: 0.9)])
        let data = try JSONEncoder().encode(spec)
        #expect(String(decoding: data, as: UTF8.self).contains("\"block:4x4\""))
        #expect(try JSONDecoder().decode(ConstraintSpec.self, from: data) == spec)
        let minimal = try JSONDecoder().decode(ConstraintSpec.self, from: Data(#"{"pattern":"nm:2:4","sparsity":0.5}"#.utf8))
        #expect(minimal.pattern == .nm(n: 2, m: 4) && minimal.scope == .layer)
        #expect(throws: ConstraintError.self) {
            _ = try JSONDecoder().decode(ConstraintSpec.self, from: Data(#"{"pattern":"bogus","sparsity":0.5}"#.utf8))
        }
        for pattern: ConstraintSpec.Pattern in [.unstructured, .nm(n: 1, m: 2), .block(height: 2, width: 3), .filter, .channel] {
            #expect(try ConstraintSpec.parsePattern(pattern.description) == pattern)
        }
    }
}
