/// An element type of the safetensors format, spelled as in the file's header.
///
/// Shears writes `F32` (weights) and `U8`/`BOOL` (masks); it reads all listed types so that files written
/// from PyTorch (`I64` batch-norm counters, `F16`/`BF16`/`F64` weights) load, converting values to `Float`.
public enum SafeTensorsDType: String, CaseIterable, Equatable, Hashable, Sendable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u8 = "U8"
    case bool = "BOOL"

    /// The number of bytes one element occupies.
    public var byteWidth: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8, .u8, .bool: return 1
        }
    }

    /// The position of this dtype in the Rust library's `Dtype` enum; Python's writer orders tensors by this
    /// rank (descending), then by name, so wide types come first and every tensor stays aligned.
    var serializationRank: Int {
        switch self {
        case .bool: return 0
        case .u8: return 1
        case .i8: return 2
        case .i16: return 3
        case .f16: return 4
        case .bf16: return 5
        case .i32: return 6
        case .f32: return 7
        case .f64: return 8
        case .i64: return 9
        }
    }
}

/// The element type a mask file stores: one byte per element either way.
public enum MaskDType: String, CaseIterable, Equatable, Sendable {
    /// `U8`: what `torch.uint8` masks and most tools use.
    case u8
    /// `BOOL`: loads as `torch.bool` in PyTorch.
    case bool

    /// The corresponding safetensors dtype.
    public var dtype: SafeTensorsDType { self == .u8 ? .u8 : .bool }
}
