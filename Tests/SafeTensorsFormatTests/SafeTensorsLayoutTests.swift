import Foundation
import Testing
import TensorEngine
@testable import SafeTensorsFormat

@Suite struct SafeTensorsLayoutTests {
    @Test func theWriterProducesTheExpectedBytes() throws {
        let data = try SafeTensors.encode(
            ["b": StoredTensor(mask: Tensor(shape: [3], scalars: [1, 0, 1]), dtype: .u8),
             "a": StoredTensor(Tensor(shape: [2], scalars: [1, -2]))],
            metadata: ["k": "v"])

        let header = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}"#
        #expect(header.utf8.count == 132)
        var expected: [UInt8] = [136, 0, 0, 0, 0, 0, 0, 0]   // 132 bytes of JSON + 4 spaces of padding
        expected += Array(header.utf8) + [0x20, 0x20, 0x20, 0x20]
        expected += [0x00, 0x00, 0x80, 0x3F]   // 1.0 little-endian
        expected += [0x00, 0x00, 0x00, 0xC0]   // -2.0
        expected += [1, 0, 1]
        #expect(Array(data) == expected)
    }

    @Test func wideDTypesComeFirstThenNamesInOrder() throws {
        let tensors: [String: StoredTensor] = [
            "a.flag": StoredTensor(dtype: .bool, shape: [1], bytes: Data([1])),
            "b.mask": StoredTensor(dtype: .u8, shape: [1], bytes: Data([1])),
            "c.weight": StoredTensor(Tensor(scalar: 1)),
            "d.count": StoredTensor(dtype: .i64, shape: [], bytes: Data(count: 8)),
            "e.double": StoredTensor(dtype: .f64, shape: [], bytes: Data(count: 8)),
            "f.half": StoredTensor(dtype: .f16, shape: [], bytes: Data(count: 2)),
            "g.bhalf": StoredTensor(dtype: .bf16, shape: [], bytes: Data(count: 2)),
            "h.int": StoredTensor(dtype: .i32, shape: [], bytes: Data(count: 4)),
        ]
        let file = try SafeTensors.decode(SafeTensors.encode(tensors))
        // The order Python's safetensors 0.8 writes for the same dtypes.
        #expect(file.names == ["d.count", "e.double", "c.weight", "h.int", "g.bhalf", "f.half", "b.mask", "a.flag"])
    }

    @Test func theHeaderIsPaddedToAMultipleOfEight() throws {
        for length in 1...9 {
            let name = String(repeating: "x", count: length)
            let data = try SafeTensors.encode([name: StoredTensor(Tensor(scalar: 1))])
            let headerLength = data.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
            #expect(headerLength % 8 == 0)
            #expect(data.count == 8 + headerLength + 4)
            let header = String(decoding: data[8..<(8 + headerLength)], as: UTF8.self)
            #expect(header.hasPrefix("{\"\(name)\":"))
            #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
        }
    }
}
