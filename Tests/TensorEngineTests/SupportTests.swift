import Foundation
import Testing
import _TestSupport
import TensorEngine

@Suite struct AllocatorTuningTests {
    @Test func glibcAcceptsTheSetting() {
        #if os(Linux)
        #expect(AllocatorTuning.reuseLargeAllocations(upTo: 1 << 30))
        #else
        #expect(!AllocatorTuning.reuseLargeAllocations())
        #endif
    }
}

@Suite struct TestSupportTests {
    @Test func temporaryDirectoryIsFreshAndRemovable() throws {
        let url = try makeTemporaryDirectory()
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.path).isEmpty)
        try FileManager.default.removeItem(at: url)
        let scoped = try withTemporaryDirectory { $0 }
        #expect(!FileManager.default.fileExists(atPath: scoped.path))
    }

    @Test func distinctTensorsHaveNoTies() {
        let x = seededDistinctTensor([3, 4], seed: 8)
        #expect(Set(x.scalars).count == 12)
    }
}
