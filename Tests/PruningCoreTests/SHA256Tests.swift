import Foundation
import Testing
@testable import PruningCore

@Suite("SHA-256")
struct SHA256Tests {
    @Test("the FIPS 180-4 test vectors, fed whole and in uneven pieces")
    func vectors() {
        func digest(_ text: String, pieces: Int = 1) -> String {
            var hash = SHA256()
            let bytes = Array(text.utf8)
            let size = max(1, bytes.count / pieces)
            var start = 0
            while start < bytes.count {
                bytes[start..<min(start + size, bytes.count)].withUnsafeBytes { hash.update($0) }
                start += size
            }
            return hash.hexDigest()
        }
        #expect(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(digest(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digest(long, pieces: 7) == digest(long))
        #expect(digest(String(repeating: "a", count: 1000), pieces: 13) == digest(String(repeating: "a", count: 1000)))
    }
}
