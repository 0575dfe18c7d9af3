import Foundation
import Testing
import TensorEngine
@testable import SafeTensorsFormat

@Suite struct ScalarConversionTests {
    /// Reads a one-tensor file built by hand and returns the tensor as Float.
    func readOne(dtype: String, shape: [Int], bytes: [UInt8]) throws -> Tensor {
        let shapeText = shape.map(String.init).joined(separator: ",")
        let header = "{\"t\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shapeText)],\"data_offsets\":[0,\(bytes.count)]}}"
        return try SafeTensors.decode(handBuiltFile(header: header, data: bytes)).tensor(named: "t").floatTensor()
    }

    @Test func halfPrecisionDecodesExactly() throws {
        let bits: [UInt16] = [0x3C00, 0xC100, 0x7BFF, 0x0400, 0x0001, 0x8000, 0x7C00, 0xFC00, 0x3555]
        let values = try readOne(dtype: "F16", shape: [9], bytes: bits.flatMap { littleEndianBytes($0) }).scalars
        #expect(Array(values[0..<5]) == [1, -2.5, 65504, 0x1p-14, 0x1p-24])
        #expect(values[5] == 0 && values[5].sign == .minus)
        #expect(values[6] == .infinity && values[7] == -.infinity)
        #expect(values[8] == 0.333251953125)
        let nan = try readOne(dtype: "F16", shape: [], bytes: littleEndianBytes(UInt16(0x7E00)))
        #expect(nan.scalar.isNaN)
    }

    @Test func bfloat16IsTheTopHalfOfAFloat() throws {
        let bits: [UInt16] = [0x3F80, 0xC020, 0x0000]
        let values = try readOne(dtype: "BF16", shape: [3], bytes: bits.flatMap { littleEndianBytes($0) })
        #expect(values.scalars == [1, -2.5, 0])
    }

    @Test func integersDoublesAndBooleansWidenToFloat() throws {
        #expect(try readOne(dtype: "I64", shape: [2], bytes: littleEndianBytes(Int64(-3)) + littleEndianBytes(Int64(1) << 40)).scalars
                == [-3, 0x1p40])
        #expect(try readOne(dtype: "I32", shape: [1], bytes: littleEndianBytes(Int32(-70000))).scalars == [-70000])
        #expect(try readOne(dtype: "I16", shape: [1], bytes: littleEndianBytes(Int16(-300))).scalars == [-300])
        #expect(try readOne(dtype: "I8", shape: [2], bytes: [0x80, 0x7F]).scalars == [-128, 127])
        #expect(try readOne(dtype: "U8", shape: [2], bytes: [255, 0]).scalars == [255, 0])
        #expect(try readOne(dtype: "BOOL", shape: [3], bytes: [1, 0, 2]).scalars == [1, 0, 1])
        let double = try readOne(dtype: "F64", shape: [2, 1], bytes: littleEndianBytes((0.1).bitPattern) + littleEndianBytes((1e300).bitPattern))
        #expect(double.shape == [2, 1])
        #expect(double.scalars == [Float(0.1), .infinity])
    }

    @Test func unalignedFloatDataIsReadCorrectly() throws {
        // A U8 tensor first puts the F32 data at an odd offset; the reader must not assume alignment.
        let header = #"{"m":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"F32","shape":[2],"data_offsets":[1,9]}}"#
        let file = try SafeTensors.decode(handBuiltFile(header: header, data: [1] + floatBytes([2.5, -7])))
        #expect(file.names == ["m", "w"])
        #expect(try file.tensor(named: "w").floatTensor().scalars == [2.5, -7])
    }
}
