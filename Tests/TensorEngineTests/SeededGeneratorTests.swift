import Foundation
import Testing
import _TestSupport
import TensorEngine

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameStream() {
        var a = SeededGenerator(seed: 99), b = SeededGenerator(seed: 99), c = SeededGenerator(seed: 100)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        #expect(seededUniformTensor([4], seed: 7) == seededUniformTensor([4], seed: 7))
    }

    @Test func codableStateResumesTheStream() throws {
        var generator = SeededGenerator(seed: 5)
        _ = generator.next()
        let saved = try JSONEncoder().encode(generator)
        var restored = try JSONDecoder().decode(SeededGenerator.self, from: saved)
        #expect((0..<3).map { _ in generator.next() } == (0..<3).map { _ in restored.next() })
    }

    @Test func unitFloatsAndNormalsAreInRange() {
        var generator = SeededGenerator(seed: 6)
        let uniforms = (0..<1000).map { _ in generator.nextUnitFloat() }
        #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        let normals = (0..<4000).map { _ in Double(generator.nextNormal()) }
        let mean = normals.reduce(0, +) / 4000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4000
        #expect(abs(mean) < 0.06 && abs(variance - 1) < 0.1)
    }
}
