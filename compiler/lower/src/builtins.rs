//! Calls of device-library builtins (declared without a body in a bundled header): barriers,
//! warp collectives, atomics, fences, bit intrinsics, conversions, math and `printf`.

use crate::func::{err, FnLower, Place, R};
use crate::types::Scalar;
use cwcc_hir::ir as h;
use cwcc_simt::builtins::math_signature;
use cwcc_simt::ir as s;
use s::Value;

/// Lowers a call of the builtin `hf`; returns its value (`None` for `void`).
pub(crate) fn call_builtin(
    fl: &mut FnLower<'_, '_>,
    hf: &h::Function,
    args: &[h::Expr],
    e: &h::Expr,
) -> R<Option<Value>> {
    let name = hf.name.as_str();
    let ret = fl.lw.scalar(hf.ret);
    let unsupported = || {
        err(
            e.span,
            format!("not supported yet: the device-library function `{name}`"),
        )
    };
    // printf takes its format string as written.
    if name == "printf" {
        return printf(fl, args, e).map(Some);
    }
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        let v = fl.rvalue(a)?;
        let sc = match fl.lw.scalar(a.ty) {
            Some(sc) => sc,
            None => return unsupported(),
        };
        vals.push((v, sc));
    }
    let arg = |i: usize| vals.get(i).copied();
    // Placeholder for builtins without arguments; every use below checks the count first.
    let first = arg(0).unwrap_or((Value(0), Scalar::Bool));
    let need = |n: usize| -> R<()> {
        if vals.len() < n {
            err(
                e.span,
                format!("`{name}` takes {n} arguments, {} given", vals.len()),
            )
        } else {
            Ok(())
        }
    };
    let i32t = fl.ty(s::Type::Int(s::IntWidth::W32));
    let ret_ty = ret.map(|r| fl.lw.scalar_type(r));
    let to_ret = |fl: &mut FnLower<'_, '_>, v: Value, from: Scalar| -> Value {
        match ret {
            Some(r) => fl.convert(v, from, r),
            None => v,
        }
    };
    let as_bool =
        |fl: &mut FnLower<'_, '_>, (v, sc): (Value, Scalar)| fl.convert(v, sc, Scalar::Bool);
    let as_i32 = |fl: &mut FnLower<'_, '_>, (v, sc): (Value, Scalar)| {
        fl.convert(v, sc, Scalar::Int(s::IntWidth::W32, false))
    };

    // ---- barriers, fences, warp operations
    let barrier_pred = |fl: &mut FnLower<'_, '_>| -> R<Value> {
        need(1)?;
        Ok(as_bool(fl, first))
    };
    match name {
        "__syncthreads" => {
            fl.effect_inst(s::Inst::Barrier(s::BarrierKind::Sync));
            return Ok(None);
        }
        "__syncthreads_count" | "__syncthreads_and" | "__syncthreads_or" => {
            let p = barrier_pred(fl)?;
            let kind = match name {
                "__syncthreads_count" => s::BarrierKind::Count(p),
                "__syncthreads_and" => s::BarrierKind::And(p),
                _ => s::BarrierKind::Or(p),
            };
            let v = fl.inst(i32t, s::Inst::Barrier(kind));
            return Ok(Some(to_ret(fl, v, Scalar::Int(s::IntWidth::W32, true))));
        }
        "__syncwarp" => {
            let mask = match arg(0) {
                Some(m) => as_i32(fl, m),
                None => fl.i32c(-1),
            };
            fl.effect_inst(s::Inst::SyncWarp { mask });
            return Ok(None);
        }
        "__threadfence" | "__threadfence_block" | "__threadfence_system" => {
            let scope = match name {
                "__threadfence_block" => s::Scope::Block,
                "__threadfence_system" => s::Scope::System,
                _ => s::Scope::Device,
            };
            fl.effect_inst(s::Inst::Fence(scope));
            return Ok(None);
        }
        "__activemask" => return Ok(Some(fl.inst(i32t, s::Inst::ActiveMask))),
        "clock" | "clock64" => {
            let i64t = fl.ty(s::Type::Int(s::IntWidth::W64));
            let v = fl.inst(i64t, s::Inst::Clock);
            return Ok(Some(to_ret(fl, v, Scalar::Int(s::IntWidth::W64, true))));
        }
        "__trap" | "__brkpt" => {
            fl.effect_inst(s::Inst::Trap {
                message: format!("{name}() called"),
            });
            return Ok(None);
        }
        "__assert_fail_device" | "__assertfail" => {
            let expr = args
                .first()
                .and_then(string_literal)
                .map(|b| {
                    String::from_utf8_lossy(&b)
                        .trim_end_matches('\0')
                        .to_string()
                })
                .unwrap_or_default();
            fl.effect_inst(s::Inst::Trap {
                message: format!("assertion `{expr}` failed"),
            });
            return Ok(None);
        }
        "__shfl_sync" | "__shfl_up_sync" | "__shfl_down_sync" | "__shfl_xor_sync" => {
            need(3)?;
            let kind = match name {
                "__shfl_sync" => s::ShuffleKind::Idx,
                "__shfl_up_sync" => s::ShuffleKind::Up,
                "__shfl_down_sync" => s::ShuffleKind::Down,
                _ => s::ShuffleKind::Xor,
            };
            let mask = as_i32(fl, first);
            let (value, vsc) = arg(1).unwrap_or(first);
            let lane = as_i32(fl, arg(2).unwrap_or(first));
            let width = match arg(3) {
                Some(w) => as_i32(fl, w),
                None => fl.i32c(32),
            };
            let ty = fl.lw.scalar_type(vsc);
            if !matches!(
                vsc,
                Scalar::Int(s::IntWidth::W32 | s::IntWidth::W64, _) | Scalar::Float(_)
            ) {
                return unsupported();
            }
            let v = fl.inst(
                ty,
                s::Inst::Shuffle {
                    kind,
                    mask,
                    value,
                    lane_or_delta: lane,
                    width,
                },
            );
            return Ok(Some(to_ret(fl, v, vsc)));
        }
        "__ballot_sync" | "__any_sync" | "__all_sync" | "__uni_sync" => {
            need(2)?;
            let mask = as_i32(fl, first);
            let pred = as_bool(fl, arg(1).unwrap_or(first));
            let kind = match name {
                "__ballot_sync" => s::VoteKind::Ballot,
                "__any_sync" => s::VoteKind::Any,
                "__all_sync" => s::VoteKind::All,
                _ => return unsupported(),
            };
            let (rty, rsc) = if kind == s::VoteKind::Ballot {
                (i32t, Scalar::Int(s::IntWidth::W32, false))
            } else {
                (fl.ty(s::Type::Bool), Scalar::Bool)
            };
            let v = fl.inst(rty, s::Inst::Vote { kind, mask, pred });
            return Ok(Some(to_ret(fl, v, rsc)));
        }
        "__match_any_sync" | "__match_all_sync" => {
            need(2)?;
            let mask = as_i32(fl, first);
            let (value, vsc) = arg(1).unwrap_or(first);
            if !matches!(
                vsc,
                Scalar::Int(s::IntWidth::W32 | s::IntWidth::W64, _) | Scalar::Float(_)
            ) {
                return unsupported();
            }
            let kind = if name == "__match_any_sync" {
                s::MatchKind::Any
            } else {
                s::MatchKind::All
            };
            let v = fl.inst(i32t, s::Inst::Match { kind, mask, value });
            if kind == s::MatchKind::All {
                if let Some((p, Scalar::Ptr(sp))) = arg(2) {
                    let zero = fl.i32c(0);
                    let ok = fl.cmp(s::CmpOp::Ne, v, zero);
                    let ok = fl.convert(ok, Scalar::Bool, Scalar::Int(s::IntWidth::W32, true));
                    fl.store(Place { ptr: p, space: sp }, ok);
                }
            }
            return Ok(Some(to_ret(fl, v, Scalar::Int(s::IntWidth::W32, false))));
        }
        _ => {}
    }
    if let Some(op) = name
        .strip_prefix("__reduce_")
        .and_then(|r| r.strip_suffix("_sync"))
    {
        need(2)?;
        let mask = as_i32(fl, first);
        let (value, vsc) = arg(1).unwrap_or(first);
        let signed = matches!(vsc, Scalar::Int(_, true));
        let op = match (op, signed) {
            ("add", _) => s::ReduceOp::Add,
            ("min", true) => s::ReduceOp::SMin,
            ("min", false) => s::ReduceOp::UMin,
            ("max", true) => s::ReduceOp::SMax,
            ("max", false) => s::ReduceOp::UMax,
            ("and", _) => s::ReduceOp::And,
            ("or", _) => s::ReduceOp::Or,
            ("xor", _) => s::ReduceOp::Xor,
            _ => return unsupported(),
        };
        let value = fl.convert(value, vsc, Scalar::Int(s::IntWidth::W32, signed));
        let v = fl.inst(i32t, s::Inst::WarpReduce { op, mask, value });
        return Ok(Some(to_ret(fl, v, Scalar::Int(s::IntWidth::W32, signed))));
    }

    // ---- atomics
    if let Some(rest) = name.strip_prefix("atomic") {
        let (base, scope) = if let Some(b) = rest.strip_suffix("_block") {
            (b, s::Scope::Block)
        } else if let Some(b) = rest.strip_suffix("_system") {
            (b, s::Scope::System)
        } else {
            (rest, s::Scope::Device)
        };
        let Some((ptr, _)) = arg(0) else {
            return unsupported();
        };
        if base == "CAS" {
            need(3)?;
            let (expected, esc) = arg(1).unwrap_or(first);
            let (desired, _) = arg(2).unwrap_or(first);
            let ty = fl.lw.scalar_type(esc);
            let v = fl.inst(
                ty,
                s::Inst::AtomicCas {
                    ptr,
                    expected,
                    desired,
                    scope,
                },
            );
            return Ok(Some(to_ret(fl, v, esc)));
        }
        need(2)?;
        let (value, vsc) = arg(1).unwrap_or(first);
        let signed = matches!(vsc, Scalar::Int(_, true));
        let op = match (base, signed) {
            ("Add", _) => s::AtomicOp::Add,
            ("Sub", _) => s::AtomicOp::Sub,
            ("Exch", _) => s::AtomicOp::Exch,
            ("Min", true) => s::AtomicOp::SMin,
            ("Min", false) => s::AtomicOp::UMin,
            ("Max", true) => s::AtomicOp::SMax,
            ("Max", false) => s::AtomicOp::UMax,
            ("Inc", _) => s::AtomicOp::Inc,
            ("Dec", _) => s::AtomicOp::Dec,
            ("And", _) => s::AtomicOp::And,
            ("Or", _) => s::AtomicOp::Or,
            ("Xor", _) => s::AtomicOp::Xor,
            _ => return unsupported(),
        };
        if matches!(vsc, Scalar::Float(_)) && !matches!(op, s::AtomicOp::Add | s::AtomicOp::Exch) {
            return unsupported();
        }
        let ty = fl.lw.scalar_type(vsc);
        let v = fl.inst(
            ty,
            s::Inst::AtomicRmw {
                op,
                ptr,
                value,
                scope,
            },
        );
        return Ok(Some(to_ret(fl, v, vsc)));
    }

    // ---- loads through the read-only / cache-hint paths
    if matches!(
        name,
        "__ldg" | "__ldcg" | "__ldca" | "__ldcs" | "__ldlu" | "__ldcv"
    ) {
        let (Some((p, Scalar::Ptr(sp))), Some(rty)) = (arg(0), ret_ty) else {
            return unsupported();
        };
        return Ok(Some(fl.load(Place { ptr: p, space: sp }, rty)));
    }

    // ---- integer and bit intrinsics
    let (x, xsc) = first;
    let int_unary = |fl: &mut FnLower<'_, '_>, op: s::UnaryOp| -> R<Option<Value>> {
        need(1)?;
        let v = fl.un(op, x);
        Ok(Some(to_ret(fl, v, xsc)))
    };
    match name {
        "__popc" | "__popcll" => return int_unary(fl, s::UnaryOp::Popcount),
        "__clz" | "__clzll" => return int_unary(fl, s::UnaryOp::Clz),
        "__brev" | "__brevll" => return int_unary(fl, s::UnaryOp::BitReverse),
        "__ffs" | "__ffsll" => {
            need(1)?;
            let t = fl.lw.scalar_type(xsc);
            let zero = fl.konst(t, 0);
            let one = fl.konst(t, 1);
            let tz = fl.un(s::UnaryOp::Ctz, x);
            let plus = fl.bin(s::BinaryOp::Add, tz, one);
            let is_zero = fl.cmp(s::CmpOp::Eq, x, zero);
            let v = fl.select(is_zero, zero, plus);
            return Ok(Some(to_ret(fl, v, xsc)));
        }
        "__mulhi" | "__mul64hi" | "__umulhi" | "__umul64hi" => {
            need(2)?;
            let op = if name.starts_with("__u") {
                s::BinaryOp::MulHiU
            } else {
                s::BinaryOp::MulHiS
            };
            let v = fl.bin(op, x, arg(1).unwrap_or(first).0);
            return Ok(Some(to_ret(fl, v, xsc)));
        }
        "__mul24" | "__umul24" => {
            need(2)?;
            let eight = fl.i32c(8);
            let shift = if name == "__mul24" {
                s::BinaryOp::AShr
            } else {
                s::BinaryOp::LShr
            };
            let a = fl.bin(s::BinaryOp::Shl, x, eight);
            let a = fl.bin(shift, a, eight);
            let y = arg(1).unwrap_or(first).0;
            let b = fl.bin(s::BinaryOp::Shl, y, eight);
            let b = fl.bin(shift, b, eight);
            let v = fl.bin(s::BinaryOp::Mul, a, b);
            return Ok(Some(to_ret(fl, v, xsc)));
        }
        "__sad" | "__usad" => {
            need(3)?;
            let (y, _) = arg(1).unwrap_or(first);
            let (z, zsc) = arg(2).unwrap_or(first);
            let lt = if name == "__sad" {
                s::CmpOp::SLt
            } else {
                s::CmpOp::ULt
            };
            let less = fl.cmp(lt, x, y);
            let d1 = fl.bin(s::BinaryOp::Sub, y, x);
            let d2 = fl.bin(s::BinaryOp::Sub, x, y);
            let d = fl.select(less, d1, d2);
            let v = fl.bin(s::BinaryOp::Add, d, z);
            return Ok(Some(to_ret(fl, v, zsc)));
        }
        "__hadd" | "__rhadd" | "__uhadd" | "__urhadd" => {
            need(2)?;
            let signed = !name.starts_with("__u");
            let wide = Scalar::Int(s::IntWidth::W64, signed);
            let a = fl.convert(x, xsc, wide);
            let (y, ysc) = arg(1).unwrap_or(first);
            let b = fl.convert(y, ysc, wide);
            let mut sum = fl.bin(s::BinaryOp::Add, a, b);
            if name.contains("rhadd") {
                let one = fl.i64c(1);
                sum = fl.bin(s::BinaryOp::Add, sum, one);
            }
            let one = fl.i64c(1);
            let half = fl.bin(
                if signed {
                    s::BinaryOp::AShr
                } else {
                    s::BinaryOp::LShr
                },
                sum,
                one,
            );
            return Ok(Some(to_ret(fl, half, wide)));
        }
        "__funnelshift_l" | "__funnelshift_lc" | "__funnelshift_r" | "__funnelshift_rc" => {
            need(3)?;
            let u64s = Scalar::Int(s::IntWidth::W64, false);
            let lo = fl.convert(x, xsc, u64s);
            let (hi, hsc) = arg(1).unwrap_or(first);
            let hi = fl.convert(hi, hsc, u64s);
            let (sh, ssc) = arg(2).unwrap_or(first);
            let sh = fl.convert(sh, ssc, Scalar::Int(s::IntWidth::W32, false));
            let n = if name.ends_with('c') {
                let k = fl.i32c(32);
                fl.bin(s::BinaryOp::UMin, sh, k)
            } else {
                let k = fl.i32c(31);
                fl.bin(s::BinaryOp::And, sh, k)
            };
            let n = fl.convert(n, Scalar::Int(s::IntWidth::W32, false), u64s);
            let k32 = fl.i64c(32);
            let hi_sh = fl.bin(s::BinaryOp::Shl, hi, k32);
            let both = fl.bin(s::BinaryOp::Or, hi_sh, lo);
            let v = if name.starts_with("__funnelshift_l") {
                let s1 = fl.bin(s::BinaryOp::Shl, both, n);
                fl.bin(s::BinaryOp::LShr, s1, k32)
            } else {
                fl.bin(s::BinaryOp::LShr, both, n)
            };
            return Ok(Some(to_ret(fl, v, u64s)));
        }
        "__byte_perm" => {
            need(3)?;
            let u64s = Scalar::Int(s::IntWidth::W64, false);
            let u32s = Scalar::Int(s::IntWidth::W32, false);
            let lo = fl.convert(x, xsc, u64s);
            let (hi, hsc) = arg(1).unwrap_or(first);
            let hi = fl.convert(hi, hsc, u64s);
            let (sel, ssc) = arg(2).unwrap_or(first);
            let sel = fl.convert(sel, ssc, u32s);
            let k32 = fl.i64c(32);
            let hi = fl.bin(s::BinaryOp::Shl, hi, k32);
            let both = fl.bin(s::BinaryOp::Or, hi, lo);
            let mut result = fl.i32c(0);
            for i in 0..4 {
                let sh = fl.i32c(4 * i);
                let nib = fl.bin(s::BinaryOp::LShr, sel, sh);
                let seven = fl.i32c(7);
                let nib = fl.bin(s::BinaryOp::And, nib, seven);
                let eight = fl.i32c(8);
                let bits = fl.bin(s::BinaryOp::Mul, nib, eight);
                let bits = fl.convert(bits, u32s, u64s);
                let byte = fl.bin(s::BinaryOp::LShr, both, bits);
                let byte = fl.convert(byte, u64s, u32s);
                let ff = fl.i32c(0xff);
                let byte = fl.bin(s::BinaryOp::And, byte, ff);
                let at = fl.i32c(8 * i);
                let byte = fl.bin(s::BinaryOp::Shl, byte, at);
                result = fl.bin(s::BinaryOp::Or, result, byte);
            }
            return Ok(Some(to_ret(fl, result, u32s)));
        }
        "__float_as_int"
        | "__int_as_float"
        | "__float_as_uint"
        | "__uint_as_float"
        | "__double_as_longlong"
        | "__longlong_as_double" => {
            need(1)?;
            let Some(rty) = ret_ty else {
                return unsupported();
            };
            return Ok(Some(fl.conv(s::ConvOp::Bitcast, x, rty)));
        }
        "__double2hiint" | "__double2loint" => {
            need(1)?;
            let i64t = fl.ty(s::Type::Int(s::IntWidth::W64));
            let bits = fl.conv(s::ConvOp::Bitcast, x, i64t);
            let bits = if name == "__double2hiint" {
                let k = fl.i64c(32);
                fl.bin(s::BinaryOp::LShr, bits, k)
            } else {
                bits
            };
            let v = fl.conv(s::ConvOp::Trunc, bits, i32t);
            return Ok(Some(v));
        }
        "__hiloint2double" => {
            need(2)?;
            let u64s = Scalar::Int(s::IntWidth::W64, false);
            let hi = fl.convert(x, Scalar::Int(s::IntWidth::W32, false), u64s);
            let (lo, _) = arg(1).unwrap_or(first);
            let lo = fl.convert(lo, Scalar::Int(s::IntWidth::W32, false), u64s);
            let k = fl.i64c(32);
            let hi = fl.bin(s::BinaryOp::Shl, hi, k);
            let bits = fl.bin(s::BinaryOp::Or, hi, lo);
            let f64t = fl.ty(s::Type::Float(s::FloatWidth::F64));
            return Ok(Some(fl.conv(s::ConvOp::Bitcast, bits, f64t)));
        }
        _ => {}
    }

    // ---- conversions with explicit rounding: __float2int_rn, __int2float_rz, ...
    if let Some((stem, mode)) = name.strip_prefix("__").and_then(|n| n.rsplit_once('_')) {
        if matches!(mode, "rn" | "rz" | "ru" | "rd") && stem.contains('2') {
            if let (Some(r), Scalar::Float(_)) = (ret, xsc) {
                if matches!(r, Scalar::Int(..)) {
                    let op = match mode {
                        "rn" => Some(s::UnaryOp::RoundEven),
                        "ru" => Some(s::UnaryOp::Ceil),
                        "rd" => Some(s::UnaryOp::Floor),
                        _ => None,
                    };
                    let rounded = match op {
                        Some(op) => fl.un(op, x),
                        None => x,
                    };
                    return Ok(Some(fl.convert(rounded, xsc, r)));
                }
                if let (Scalar::Float(_), "rn") = (r, mode) {
                    return Ok(Some(fl.convert(x, xsc, r)));
                }
            }
            if let (Some(r @ Scalar::Float(_)), Scalar::Int(..), "rn") = (ret, xsc, mode) {
                return Ok(Some(fl.convert(x, xsc, r)));
            }
            return err(
                e.span,
                format!("not supported yet: the conversion `{name}` (only round-to-nearest conversions to float are exact here)"),
            );
        }
    }

    // ---- arithmetic builtins with a direct SIMT operation
    let float = matches!(xsc, Scalar::Float(_));
    let simple_unary = |name: &str| -> Option<s::UnaryOp> {
        Some(match name {
            "fabsf" | "fabs" => s::UnaryOp::FAbs,
            "floorf" | "floor" => s::UnaryOp::Floor,
            "ceilf" | "ceil" => s::UnaryOp::Ceil,
            "truncf" | "trunc" => s::UnaryOp::Trunc,
            "rintf" | "rint" | "nearbyintf" | "nearbyint" => s::UnaryOp::RoundEven,
            _ => return None,
        })
    };
    if let Some(op) = simple_unary(name) {
        need(1)?;
        let v = fl.un(op, x);
        return Ok(Some(to_ret(fl, v, xsc)));
    }
    match name {
        "abs" | "labs" | "llabs" if float => {
            let v = fl.un(s::UnaryOp::FAbs, x);
            return Ok(Some(to_ret(fl, v, xsc)));
        }
        "abs" | "labs" | "llabs" => {
            need(1)?;
            let t = fl.lw.scalar_type(xsc);
            let zero = fl.konst(t, 0);
            let neg = fl.un(s::UnaryOp::Neg, x);
            let lt = fl.cmp(s::CmpOp::SLt, x, zero);
            let v = fl.select(lt, neg, x);
            return Ok(Some(to_ret(fl, v, xsc)));
        }
        "min" | "max" | "umin" | "umax" | "llmin" | "llmax" | "ullmin" | "ullmax" | "fminf"
        | "fmaxf" | "fmin" | "fmax" | "copysignf" | "copysign" | "fmodf" | "fmod" | "__fadd_rn"
        | "__fsub_rn" | "__fmul_rn" | "__fdiv_rn" | "__dadd_rn" | "__dsub_rn" | "__dmul_rn"
        | "__ddiv_rn" | "__fdividef" => {
            need(2)?;
            let Some(r) = ret else { return unsupported() };
            let a = fl.convert(x, xsc, r);
            let (y, ysc) = arg(1).unwrap_or(first);
            let b = fl.convert(y, ysc, r);
            let op = match (name, r) {
                ("__fdividef", _) => s::BinaryOp::FDiv,
                (n, Scalar::Float(_)) if n.contains("min") => s::BinaryOp::FMin,
                (n, Scalar::Float(_)) if n.contains("max") => s::BinaryOp::FMax,
                (n, _) if n.starts_with("copysign") => s::BinaryOp::CopySign,
                (n, _) if n.starts_with("fmod") => s::BinaryOp::FRem,
                (n, _) if n.contains("add") => s::BinaryOp::FAdd,
                (n, _) if n.contains("sub") => s::BinaryOp::FSub,
                (n, _) if n.contains("mul") => s::BinaryOp::FMul,
                (n, _) if n.contains("div") => s::BinaryOp::FDiv,
                (n, Scalar::Int(_, true)) if n.contains("min") => s::BinaryOp::SMin,
                (n, Scalar::Int(_, true)) if n.contains("max") => s::BinaryOp::SMax,
                (n, Scalar::Int(_, false)) if n.contains("min") => s::BinaryOp::UMin,
                (n, Scalar::Int(_, false)) if n.contains("max") => s::BinaryOp::UMax,
                _ => return unsupported(),
            };
            return Ok(Some(fl.bin(op, a, b)));
        }
        "isnan" | "__isnan" | "__isnanf" | "isinf" | "__isinf" | "__isinff" | "isfinite"
        | "__finite" | "__finitef" | "signbit" | "__signbit" | "__signbitf" => {
            need(1)?;
            let Scalar::Float(w) = xsc else {
                return unsupported();
            };
            let t = fl.ty(s::Type::Float(w));
            let b = if name.contains("nan") {
                fl.cmp(s::CmpOp::FUno, x, x)
            } else if name.contains("sign") {
                let ity = fl.ty(s::Type::Int(match w {
                    s::FloatWidth::F32 => s::IntWidth::W32,
                    s::FloatWidth::F64 => s::IntWidth::W64,
                }));
                let bits = fl.conv(s::ConvOp::Bitcast, x, ity);
                let zero = fl.konst(ity, 0);
                fl.cmp(s::CmpOp::SLt, bits, zero)
            } else {
                let inf_bits = match w {
                    s::FloatWidth::F32 => u64::from(f32::INFINITY.to_bits()),
                    s::FloatWidth::F64 => f64::INFINITY.to_bits(),
                };
                let inf = fl.konst(t, inf_bits);
                let a = fl.un(s::UnaryOp::FAbs, x);
                if name.contains("inf") {
                    fl.cmp(s::CmpOp::FEq, a, inf)
                } else {
                    fl.cmp(s::CmpOp::FLt, a, inf)
                }
            };
            return Ok(Some(to_ret(fl, b, Scalar::Bool)));
        }
        "frexpf" | "frexp" | "modff" | "modf" => {
            need(2)?;
            let width = if matches!(name, "frexpf" | "modff") {
                s::FloatWidth::F32
            } else {
                s::FloatWidth::F64
            };
            let x = fl.convert(x, xsc, Scalar::Float(width));
            let Some((p, Scalar::Ptr(space))) = arg(1) else {
                return err(
                    e.span,
                    format!("the second argument of `{name}` must be a pointer"),
                );
            };
            let out = Place { ptr: p, space };
            let v = if name.starts_with("frexp") {
                frexp(fl, x, width, out)
            } else {
                modf(fl, x, width, out)
            };
            return Ok(Some(to_ret(fl, v, Scalar::Float(width))));
        }
        "sincosf" | "sincos" | "__sincosf" => {
            need(3)?;
            let (sname, cname) = match name {
                "sincos" => ("sin", "cos"),
                "__sincosf" => ("__sinf", "__cosf"),
                _ => ("sinf", "cosf"),
            };
            let t = fl.lw.scalar_type(xsc);
            let sv = fl.inst(
                t,
                s::Inst::Math {
                    name: sname.to_string(),
                    args: vec![x],
                },
            );
            let cv = fl.inst(
                t,
                s::Inst::Math {
                    name: cname.to_string(),
                    args: vec![x],
                },
            );
            for (i, v) in [(1, sv), (2, cv)] {
                if let Some((p, Scalar::Ptr(sp))) = arg(i) {
                    fl.store(Place { ptr: p, space: sp }, v);
                }
            }
            return Ok(None);
        }
        _ => {}
    }
    // ---- math builtins by name
    let math_name = match name {
        "__fsqrt_rn" | "__dsqrt_rn" => Some(if name == "__fsqrt_rn" {
            "sqrtf"
        } else {
            "sqrt"
        }),
        "__fmaf_rn" => Some("fmaf"),
        "__fma_rn" => Some("fma"),
        _ => None,
    }
    .unwrap_or(name);
    if let Some((arity, width)) = math_signature(math_name) {
        if vals.len() != arity {
            return unsupported();
        }
        let want = Scalar::Float(width);
        let margs: Vec<Value> = vals
            .iter()
            .map(|&(v, sc)| fl.convert(v, sc, want))
            .collect();
        let t = fl.lw.scalar_type(want);
        let v = fl.inst(
            t,
            s::Inst::Math {
                name: math_name.to_string(),
                args: margs,
            },
        );
        return Ok(Some(to_ret(fl, v, want)));
    }
    unsupported()
}

/// The float constant `value` of a width.
fn float_const(fl: &mut FnLower<'_, '_>, width: s::FloatWidth, value: f64) -> Value {
    let t = fl.ty(s::Type::Float(width));
    let bits = match width {
        s::FloatWidth::F32 => u64::from((value as f32).to_bits()),
        s::FloatWidth::F64 => value.to_bits(),
    };
    fl.konst(t, bits)
}

/// `frexp(x, exp)`: stores the exponent `e` (`i32`) through `exp` and returns the mantissa
/// `m` with `x = m * 2^e`, `0.5 <= |m| < 1`; zeros, infinities and NaN are returned
/// unchanged with exponent 0. Subnormals are scaled into the normal range first.
fn frexp(fl: &mut FnLower<'_, '_>, x: Value, width: s::FloatWidth, exp: Place) -> Value {
    // (int width, mantissa bits, exponent mask, bias - 1, scale exponent for subnormals)
    let (iw, mbits, mask, half_bias, scale) = match width {
        s::FloatWidth::F32 => (s::IntWidth::W32, 23, 0xff_u64, 126, 24),
        s::FloatWidth::F64 => (s::IntWidth::W64, 52, 0x7ff, 1022, 54),
    };
    let it = fl.ty(s::Type::Int(iw));
    let i32t = fl.ty(s::Type::Int(s::IntWidth::W32));
    let ax = fl.un(s::UnaryOp::FAbs, x);
    // 2^(1 - bias): the smallest normal number.
    let min_normal = float_const(fl, width, 2f64.powi(-half_bias));
    let subnormal = fl.cmp(s::CmpOp::FLt, ax, min_normal);
    let factor = float_const(fl, width, 2f64.powi(scale));
    let scaled = fl.bin(s::BinaryOp::FMul, x, factor);
    let y = fl.select(subnormal, scaled, x);
    let bits = fl.conv(s::ConvOp::Bitcast, y, it);
    let shift = fl.konst(it, mbits);
    let field = fl.bin(s::BinaryOp::LShr, bits, shift);
    let mask_v = fl.konst(it, mask);
    let field = fl.bin(s::BinaryOp::And, field, mask_v);
    let field = if iw == s::IntWidth::W32 {
        field
    } else {
        fl.conv(s::ConvOp::Trunc, field, i32t)
    };
    let bias_v = fl.i32c(i64::from(half_bias));
    let e = fl.bin(s::BinaryOp::Sub, field, bias_v);
    let scale_v = fl.i32c(i64::from(scale));
    let zero_i32 = fl.i32c(0);
    let adjust = fl.select(subnormal, scale_v, zero_i32);
    let e = fl.bin(s::BinaryOp::Sub, e, adjust);
    let keep = fl.konst(it, !(mask << mbits));
    let mantissa = fl.bin(s::BinaryOp::And, bits, keep);
    let half_exp = fl.konst(it, (half_bias as u64) << mbits);
    let mantissa = fl.bin(s::BinaryOp::Or, mantissa, half_exp);
    let ft = fl.ty(s::Type::Float(width));
    let m = fl.conv(s::ConvOp::Bitcast, mantissa, ft);
    // Finite and non-zero (false for NaN).
    let zero = float_const(fl, width, 0.0);
    let inf = float_const(fl, width, f64::INFINITY);
    let positive = fl.cmp(s::CmpOp::FGt, ax, zero);
    let finite = fl.cmp(s::CmpOp::FLt, ax, inf);
    let ordinary = fl.bin(s::BinaryOp::And, positive, finite);
    let e = fl.select(ordinary, e, zero_i32);
    fl.store(exp, e);
    fl.select(ordinary, m, x)
}

/// `modf(x, iptr)`: stores the integral part `trunc(x)` through `iptr` and returns the
/// fractional part with the sign of `x` (`±0` for infinities and integers).
fn modf(fl: &mut FnLower<'_, '_>, x: Value, width: s::FloatWidth, iptr: Place) -> Value {
    let integral = fl.un(s::UnaryOp::Trunc, x);
    fl.store(iptr, integral);
    let fraction = fl.bin(s::BinaryOp::FSub, x, integral);
    let ax = fl.un(s::UnaryOp::FAbs, x);
    let inf = float_const(fl, width, f64::INFINITY);
    let infinite = fl.cmp(s::CmpOp::FEq, ax, inf);
    let zero = float_const(fl, width, 0.0);
    let fraction = fl.select(infinite, zero, fraction);
    fl.bin(s::BinaryOp::CopySign, fraction, x)
}

/// The bytes of a string literal argument (through decay and pointer casts).
fn string_literal(e: &h::Expr) -> Option<Vec<u8>> {
    match &e.kind {
        h::ExprKind::StringConst(b) => Some(b.clone()),
        h::ExprKind::Convert(_, inner) => string_literal(inner),
        _ => None,
    }
}

/// `printf(format, args...)` with C's default argument promotions.
fn printf(fl: &mut FnLower<'_, '_>, args: &[h::Expr], e: &h::Expr) -> R<Value> {
    let Some(format) = args.first().and_then(string_literal) else {
        return err(
            e.span,
            "not supported yet: a `printf` format that is not a string literal",
        );
    };
    let format = String::from_utf8_lossy(&format)
        .trim_end_matches('\0')
        .to_string();
    let mut values = Vec::new();
    for a in args.iter().skip(1) {
        let v = fl.rvalue(a)?;
        let Some(sc) = fl.lw.scalar(a.ty) else {
            return err(
                a.span,
                "not supported yet: a `printf` argument of this type",
            );
        };
        let v = match sc {
            Scalar::Bool => fl.convert(v, sc, Scalar::Int(s::IntWidth::W32, true)),
            Scalar::Int(w, signed) if w.bits() < 32 => {
                fl.convert(v, sc, Scalar::Int(s::IntWidth::W32, signed))
            }
            Scalar::Float(s::FloatWidth::F32) => {
                fl.convert(v, sc, Scalar::Float(s::FloatWidth::F64))
            }
            _ => v,
        };
        values.push(v);
    }
    let i32t = fl.ty(s::Type::Int(s::IntWidth::W32));
    Ok(fl.inst(
        i32t,
        s::Inst::Printf {
            format,
            args: values,
        },
    ))
}
