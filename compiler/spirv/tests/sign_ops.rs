//! Negation and `fabsf` under the `f32` subnormal emulation are integer operations on the
//! bits, with a mask the driver cannot see as a constant: NVIDIA's compiler turned an XOR
//! with the constant `0x80000000` back into a float negation, which flushes subnormals.

mod common;

use rspirv::dr::Operand;
use rspirv::spirv::Op;

#[test]
fn negation_and_fabs_use_masks_that_are_not_constants() {
    let m = common::soft_denormals_module(
        "extern \"C\" __global__ void k(const float *x, float *out) {
    int i = threadIdx.x;
    out[2 * i] = -x[i];
    out[2 * i + 1] = fabsf(x[i]);
}",
    );
    // The sign masks as constants, which no XOR / AND may use.
    let constants: Vec<u32> = m
        .types_global_values
        .iter()
        .filter(|i| i.class.opcode == Op::Constant)
        .filter(|i| {
            matches!(
                i.operands.first(),
                Some(Operand::LiteralBit32(0x8000_0000 | 0x7fff_ffff))
            )
        })
        .filter_map(|i| i.result_id)
        .collect();
    assert_eq!(constants.len(), 2, "the masks are built from constants");
    let insts: Vec<&rspirv::dr::Instruction> = m.functions[0]
        .blocks
        .iter()
        .flat_map(|b| b.instructions.iter())
        .collect();
    assert!(
        !insts.iter().any(|i| i.class.opcode == Op::FNegate),
        "a float negation is left"
    );
    for op in [Op::BitwiseXor, Op::BitwiseAnd] {
        let masked: Vec<_> = insts.iter().filter(|i| i.class.opcode == op).collect();
        assert!(!masked.is_empty(), "no {op:?}");
        for i in masked {
            let constant_operand = i.operands.iter().any(|o| match o {
                Operand::IdRef(id) => constants.contains(id),
                _ => false,
            });
            assert!(!constant_operand, "{op:?} with a constant mask: {i:?}");
        }
    }
}
