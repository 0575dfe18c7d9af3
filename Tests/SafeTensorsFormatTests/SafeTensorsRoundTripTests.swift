import Foundation
import Testing
import TensorEngine
@testable import SafeTensorsFormat

@Suite struct SafeTensorsRoundTripTests {
    @Test func floatTensorsAndMetadataSurviveAWriteAndRead() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var generator = SeededGenerator(seed: 7)
        let weights: [String: Tensor] = [
            "fc1.weight": .normal([4, 3], generator: &generator),
            "fc1.bias": Tensor(shape: [4], scalars: [0, -0.0, .infinity, -0x1p-140]),
            "bn.num_batches_tracked": Tensor(scalar: 12),
            "empty": Tensor.zeros([0, 3]),
        ]
        let url = folder.file("weights.safetensors")
        try SafeTensors.writeFloatTensors(weights, metadata: ["model": "mlp", "epoch": "3"], to: url)

        let file = try SafeTensors.read(from: url)
        #expect(file.metadata == ["model": "mlp", "epoch": "3"])
        #expect(file.names == ["bn.num_batches_tracked", "empty", "fc1.bias", "fc1.weight"])
        #expect(file.tensors.values.allSatisfy { $0.dtype == .f32 })
        let read = file.floatTensors()
        #expect(read == weights)
        // Bit-exact, including the sign of zero, an infinity and a subnormal.
        #expect(read["fc1.bias"]!.scalars.map(\.bitPattern) == weights["fc1.bias"]!.scalars.map(\.bitPattern))
        // As weights, the infinity is refused by name and position.
        let error = try #require(throws: CheckpointError.self) { try SafeTensors.readFloatTensors(from: url) }
        #expect(error.kind == .nonFiniteValue)
        #expect(error.detail.contains("'fc1.bias' holds inf at element 2"), "\(error.detail)")
        #expect(try folder.contents() == ["weights.safetensors"])
    }

    @Test(arguments: MaskDType.allCases)
    func masksAreStoredAsOneByteZeroOrOne(dtype: MaskDType) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("masks.safetensors")
        let mask = Tensor(shape: [2, 3], scalars: [0, 2.5, -1, 0, 1, .nan])
        try SafeTensors.writeMasks(["conv1.weight": mask, "fc.weight": Tensor(shape: [1], scalars: [0])],
                                   to: url, dtype: dtype)

        let file = try SafeTensors.read(from: url)
        let stored = try file.tensor(named: "conv1.weight")
        #expect(stored.dtype == dtype.dtype)
        #expect(stored.shape == [2, 3])
        #expect(Array(stored.bytes) == [0, 1, 1, 0, 1, 1])
        let masks = try SafeTensors.readMasks(from: url)
        #expect(masks["conv1.weight"] == Tensor(shape: [2, 3], scalars: [0, 1, 1, 0, 1, 1]))
        #expect(masks["fc.weight"] == Tensor(shape: [1], scalars: [0]))
    }

    @Test func mixedStoredTensorsRoundTripExactly() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("mixed.safetensors")
        let tensors: [String: StoredTensor] = [
            "weight": StoredTensor(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])),
            "mask": StoredTensor(mask: Tensor(shape: [2, 2], scalars: [1, 0, 0, 1]), dtype: .bool),
            "count": StoredTensor(dtype: .i64, shape: [], bytes: Data(littleEndianBytes(Int64(5)))),
            "scalar": StoredTensor(Tensor(scalar: -3)),
        ]
        try SafeTensors.write(tensors, metadata: ["note": "quote \" backslash \\ newline \n ünïcode"], to: url)
        let file = try SafeTensors.read(from: url)
        #expect(file.tensors == tensors)
        #expect(file.metadata["note"] == "quote \" backslash \\ newline \n ünïcode")
        // Wide types first, then by name — the order Python's writer uses.
        #expect(file.names == ["count", "scalar", "weight", "mask"])
        #expect(file.floatTensors()["count"] == Tensor(scalar: 5))
    }

    @Test func unusualTensorNamesAreEscapedAndReadBack() throws {
        let tensors = ["a \"quoted\"\tname\u{01}": StoredTensor(Tensor(scalar: 1)), "блок.вес": StoredTensor(Tensor(scalar: 2))]
        let file = try SafeTensors.decode(SafeTensors.encode(tensors))
        #expect(file.tensors == tensors)
    }

    @Test func aFileWithoutTensorsRoundTrips() throws {
        let data = try SafeTensors.encode([:])
        #expect(data == handBuiltFile(header: "{}      "))
        let file = try SafeTensors.decode(data)
        #expect(file.names.isEmpty && file.metadata.isEmpty)
    }

    @Test func theReservedMetadataNameCannotBeATensor() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("reserved.safetensors")
        try SafeTensors.writeFloatTensors(["w": Tensor(scalar: 1)], to: url)
        let error = try #require(throws: CheckpointError.self) {
            try SafeTensors.writeFloatTensors(["__metadata__": Tensor(scalar: 2)], to: url)
        }
        #expect(error.kind == .invalidTensor)
        #expect(error.description.contains("reserved.safetensors"))
        // The earlier checkpoint is untouched and no temporary file is left.
        #expect(try SafeTensors.readFloatTensors(from: url) == ["w": Tensor(scalar: 1)])
        #expect(try folder.contents() == ["reserved.safetensors"])
    }

    @Test func aMissingTensorIsAnErrorNamingTheFileAndTheTensor() throws {
        let file = try SafeTensors.decode(SafeTensors.encode(["fc.weight": StoredTensor(Tensor(scalar: 1))]),
                                          source: "model.safetensors")
        let error = try #require(throws: CheckpointError.self) { try file.tensor(named: "fc.bias") }
        #expect(error.kind == .missingTensor)
        #expect(error.description.contains("model.safetensors"))
        #expect(error.description.contains("fc.bias"))
    }

    @Test func readingAWeightsFileAsMasksFails() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("weights-not-masks.safetensors")
        try SafeTensors.writeFloatTensors(["fc.weight": Tensor(shape: [3], scalars: [1, 0, 0.25])], to: url)
        let error = try #require(throws: CheckpointError.self) { try SafeTensors.readMasks(from: url) }
        #expect(error.kind == .invalidMask)
        #expect(error.description.contains("weights-not-masks.safetensors"))
        #expect(error.description.contains("fc.weight") && error.description.contains("element 2"))
        // Float masks of exact zeros and ones (as torch.nn.utils.prune keeps them) are accepted.
        try SafeTensors.writeFloatTensors(["fc.weight_mask": Tensor(shape: [2], scalars: [1, 0])], to: url)
        #expect(try SafeTensors.readMasks(from: url) == ["fc.weight_mask": Tensor(shape: [2], scalars: [1, 0])])
    }
}
