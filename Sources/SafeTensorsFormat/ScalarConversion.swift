/// Widens stored little-endian elements of `dtype` into `target`, one Float per element.
/// - Precondition: `raw.count == target.count * dtype.byteWidth` (checked by whoever built the bytes).
func convertToFloat(_ raw: UnsafeRawBufferPointer, dtype: SafeTensorsDType, into target: UnsafeMutableBufferPointer<Float>) {
    precondition(raw.count == target.count * dtype.byteWidth, "byte count does not match element count")
    // Loads are unaligned: tensors in a safetensors file are only aligned when the writer chose to be.
    switch dtype {
    case .f32:
        #if _endian(little)
        // The file layout already is the in-memory layout.
        UnsafeMutableRawBufferPointer(target).copyMemory(from: raw)
        #else
        for index in target.indices {
            target[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
        }
        #endif
    case .f64:
        for index in target.indices {
            target[index] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))))
        }
    case .f16:
        for index in target.indices {
            target[index] = floatFromHalfBits(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
        }
    case .bf16:
        // bfloat16 is the top half of an IEEE single, so widening is a shift.
        for index in target.indices {
            let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
            target[index] = Float(bitPattern: UInt32(bits) << 16)
        }
    case .i64:
        for index in target.indices {
            target[index] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)))
        }
    case .i32:
        for index in target.indices {
            target[index] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)))
        }
    case .i16:
        for index in target.indices {
            target[index] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: Int16.self)))
        }
    case .i8:
        for index in target.indices { target[index] = Float(Int8(bitPattern: raw[index])) }
    case .u8:
        for index in target.indices { target[index] = Float(raw[index]) }
    case .bool:
        for index in target.indices { target[index] = raw[index] != 0 ? 1 : 0 }
    }
}

/// Decodes an IEEE 754 binary16 bit pattern into a Float (exactly: every half value is a float value).
///
/// Done by hand rather than through `Float16`, which is unavailable on some macOS targets.
func floatFromHalfBits(_ bits: UInt16) -> Float {
    let sign: UInt32 = UInt32(bits & 0x8000) << 16
    let exponent = UInt32((bits >> 10) & 0x1F)
    let mantissa = UInt32(bits & 0x03FF)
    if exponent == 0 {
        // Zero or subnormal: mantissa × 2^-24, which a Float represents exactly.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    }
    if exponent == 0x1F {
        // Infinity or NaN; the payload moves to the top of the single's mantissa.
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    // Normal: rebias the exponent from 15 to 127.
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}
