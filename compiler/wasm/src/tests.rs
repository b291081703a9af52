use super::*;

fn compile_text(text: &str) -> Result<Vec<u8>, WasmError> {
    let module = cwcc_simt::parse_module(text).expect("test IR parses");
    compile(&module)
}

#[test]
fn rejects_per_thread_modules() {
    let err = compile_text(
        "module phase simt
fn fn0 \"k\"() {
  return
}
kernel \"k\" = fn0() static_shared 0
",
    )
    .unwrap_err();
    assert!(err.to_string().contains("warp-to-loop"), "{err}");
}

#[test]
fn manifest_describes_parameters_in_the_launch_record() {
    let bytes = compile_text(
        "module phase perblock
fn fn0 \"k\"(%v0: i32, %v1: ptr<global>, %v2: f64, %v3: i8) {
  store %v1, %v0 align 4
  return
}
kernel \"k\" = fn0(\"n\": i32, \"out\": ptr<global>, \"x\": f64, \"c\": i8) static_shared 0
",
    )
    .unwrap();
    let manifest = Manifest::from_wasm(&bytes).unwrap();
    let kernel = &manifest.kernels[0];
    let offsets: Vec<(u32, u32)> = kernel.params.iter().map(|p| (p.offset, p.size)).collect();
    assert_eq!(offsets, [(32, 4), (40, 8), (48, 8), (56, 1)]);
    assert_eq!(kernel.launch_record_bytes, 64);
    assert_eq!(kernel.stack_bytes, Some(0));
}

#[test]
fn every_operation_class_validates() {
    // Loops, ifs, small integers, 64-bit high multiplies, conversions, atomics, locals.
    let bytes = compile_text(
        "module phase perblock
fn fn0 \"k\"(%v0: ptr<global>, %v1: i64, %v2: f32) {
  local %l0 \"i\": i32 align 4
  local %l1 \"arr\": [4 x f32] align 4
  %v3: ptr<local> = local_addr %l0
  %v4: i32 = const 0
  store %v3, %v4 align 4
  loop {
    %v5: i32 = load %v3 align 4
    %v6: i32 = const 10
    %v7: i1 = cmp.slt %v5, %v6
    %v8: i1 = not %v7
    if %v8 {
      break
    } else {
    }
    %v9: i8 = trunc %v5
    %v10: i8 = sdiv %v9, %v9
    %v11: i64 = mulhi.s %v1, %v1
    %v12: i32 = fptosi %v2
    %v13: i64 = fptosi %v2
    %v14: i32 = atomic.add.device %v0, %v5
    %v15: f32 = atomic.add.device %v0, %v2
    %v16: i32 = atomic.smax.device %v0, %v12
    %v17: i32 = bitreverse %v5
    %v18: i64 = byteswap %v11
    %v19: f32 = fmin %v2, %v2
    %v20: f32 = frem %v2, %v2
  } continuing {
    %v21: i32 = load %v3 align 4
    %v22: i32 = const 1
    %v23: i32 = add %v21, %v22
    store %v3, %v23 align 4
  }
  %v24: ptr<local> = local_addr %l1
  store %v24, %v2 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"n\": i64, \"x\": f32) static_shared 0
",
    );
    match bytes {
        Ok(bytes) => {
            let manifest = Manifest::from_wasm(&bytes).unwrap();
            // `i` lives in a register, the array in the frame.
            assert_eq!(manifest.kernels[0].stack_bytes, Some(16));
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn math_without_the_device_library_is_a_clear_error() {
    let err = compile_text(
        "module phase perblock
fn fn0 \"k\"(%v0: f32) {
  %v1: f32 = math \"sinf\"(%v0)
  return
}
kernel \"k\" = fn0(\"x\": f32) static_shared 0
",
    )
    .unwrap_err();
    assert!(err.to_string().contains("`sinf`"), "{err}");
}

/// The offsets of the `f32.load`s and `f32.store`s of the module's functions, in order.
fn f32_access_offsets(bytes: &[u8]) -> Vec<u64> {
    let mut offsets = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
            let mut reader = body.get_operators_reader().expect("operators");
            while !reader.eof() {
                match reader.read().expect("operator") {
                    wasmparser::Operator::F32Load { memarg }
                    | wasmparser::Operator::F32Store { memarg } => offsets.push(memarg.offset),
                    _ => {}
                }
            }
        }
    }
    offsets
}

#[test]
fn neighbour_addresses_put_positive_constants_in_the_offset() {
    // p[i + 1] and p[i - 1]: the first is `p + 4i` with offset 4, the second adds -4 (an
    // offset cannot be negative); the store to p[i] has none.
    let bytes = compile_text(
        "module phase perblock
fn fn0 \"k\"(%v0: ptr<global>, %v1: i32) {
  %v2: i32 = const 1
  %v3: i32 = add %v1, %v2
  %v4: i64 = sext %v3
  %v5: i64 = const 4
  %v6: i64 = mul %v4, %v5
  %v7: ptr<global> = ptradd %v0, %v6
  %v8: f32 = load %v7 align 4
  %v9: i32 = sub %v1, %v2
  %v10: i64 = sext %v9
  %v11: i64 = mul %v10, %v5
  %v12: ptr<global> = ptradd %v0, %v11
  %v13: f32 = load %v12 align 4
  %v14: f32 = fadd %v8, %v13
  %v15: i64 = sext %v1
  %v16: i64 = mul %v15, %v5
  %v17: ptr<global> = ptradd %v0, %v16
  store %v17, %v14 align 4
  return
}
kernel \"k\" = fn0(\"p\": ptr<global>, \"i\": i32) static_shared 0
",
    )
    .unwrap();
    assert_eq!(f32_access_offsets(&bytes), [4, 0, 0]);
}
