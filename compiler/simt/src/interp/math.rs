//! Math builtins for the reference executor, computed with Rust's `std` (and an `erf` of our
//! own, which `std` lacks). `f32` functions are computed in `f64` and rounded once, which is
//! within CUDA's documented error bounds; the `__` fast intrinsics use the same code.

use crate::builtins::math_signature;
use crate::ir::FloatWidth;

/// Computes a math builtin on raw argument bits; `None` if the name or arity is unknown.
pub fn call_math(name: &str, args: &[u64]) -> Option<u64> {
    let (arity, width) = math_signature(name)?;
    if args.len() != arity {
        return None;
    }
    let x: Vec<f64> = args
        .iter()
        .map(|&bits| match width {
            FloatWidth::F32 => f64::from(f32::from_bits(bits as u32)),
            FloatWidth::F64 => f64::from_bits(bits),
        })
        .collect();
    let a = x.first().copied().unwrap_or(0.0);
    let b = x.get(1).copied().unwrap_or(0.0);
    let c = x.get(2).copied().unwrap_or(0.0);
    let base = name.trim_start_matches("__");
    let base = match base {
        "fdividef" => "div",
        "frcp_rn" => "rcp",
        "fsqrt_rn" => "sqrt",
        "saturatef" => "saturate",
        other if width == FloatWidth::F32 => other.strip_suffix('f').unwrap_or(other),
        other => other,
    };
    // The f32 versions of fma and the correctly rounded operations must round once from the
    // exact result; computing them in f64 and rounding is exact for these.
    let result = match base {
        "sin" => a.sin(),
        "cos" => a.cos(),
        "tan" => a.tan(),
        "asin" => a.asin(),
        "acos" => a.acos(),
        "atan" => a.atan(),
        "atan2" => a.atan2(b),
        "sinh" => a.sinh(),
        "cosh" => a.cosh(),
        "tanh" => a.tanh(),
        "asinh" => a.asinh(),
        "acosh" => a.acosh(),
        "atanh" => a.atanh(),
        "exp" => a.exp(),
        "exp2" => a.exp2(),
        "exp10" => 10f64.powf(a),
        "expm1" => a.exp_m1(),
        "log" => a.ln(),
        "log2" => a.log2(),
        "log10" => a.log10(),
        "log1p" => a.ln_1p(),
        "pow" => a.powf(b),
        "sqrt" => a.sqrt(),
        "rsqrt" => 1.0 / a.sqrt(),
        "cbrt" => a.cbrt(),
        "hypot" => a.hypot(b),
        "erf" => erf(a),
        "erfc" => erfc(a),
        "fma" => {
            if width == FloatWidth::F32 {
                // a*b is exact in f64 for f32 inputs; one more rounding in the add can
                // differ from a true fused result only in rare double-rounding cases.
                a.mul_add(b, c)
            } else {
                f64::mul_add(a, b, c)
            }
        }
        "fdim" => {
            if a > b {
                a - b
            } else if a.is_nan() || b.is_nan() {
                f64::NAN
            } else {
                0.0
            }
        }
        "round" => a.round(),
        "sinpi" => sin_pi(a),
        "cospi" => cos_pi(a),
        "normcdf" => 0.5 * erfc(-a * std::f64::consts::FRAC_1_SQRT_2),
        "ldexp" | "scalbn" => scale_by_power_of_two(a, b),
        "div" => a / b,
        "rcp" => 1.0 / a,
        "saturate" => {
            if a.is_nan() {
                0.0
            } else {
                a.clamp(0.0, 1.0)
            }
        }
        _ => return None,
    };
    Some(match width {
        FloatWidth::F32 => u64::from((result as f32).to_bits()),
        FloatWidth::F64 => result.to_bits(),
    })
}

/// `sin(pi * x)`, with the argument reduced exactly (so integers give exact zeros).
pub fn sin_pi(x: f64) -> f64 {
    if !x.is_finite() {
        return f64::NAN;
    }
    // r = x - 2k is exact; r in [-1, 1].
    let r = x - 2.0 * (x * 0.5).round();
    let s = if r.abs() == 1.0 || r == 0.0 {
        0.0
    } else if r.abs() == 0.5 {
        r.signum()
    } else {
        (std::f64::consts::PI * r).sin()
    };
    // sinpi(+-0) keeps the sign of zero; integers give +0 as in CUDA.
    if x == 0.0 {
        x
    } else if s == 0.0 {
        0.0f64.copysign(x)
    } else {
        s
    }
}

/// `cos(pi * x)`, with the argument reduced exactly (so half-integers give exact zeros).
pub fn cos_pi(x: f64) -> f64 {
    if !x.is_finite() {
        return f64::NAN;
    }
    let r = (x - 2.0 * (x * 0.5).round()).abs();
    if r == 0.5 {
        0.0
    } else if r == 0.0 {
        1.0
    } else if r == 1.0 {
        -1.0
    } else if r > 0.5 {
        -cos_reduced(1.0 - r)
    } else {
        cos_reduced(r)
    }
}

/// `cos(pi * r)` for `0 < r < 0.5`, as `sin(pi * (0.5 - r))` where that is more accurate.
fn cos_reduced(r: f64) -> f64 {
    if r > 0.25 {
        (std::f64::consts::PI * (0.5 - r)).sin()
    } else {
        (std::f64::consts::PI * r).cos()
    }
}

/// `x * 2^exponent` (`ldexp`/`scalbn`); the exponent arrives as a float.
///
/// Exact whenever the result is a normal number; for `f32` callers the f64 result is always
/// exact and rounds once to `f32`. An `f64` result that is subnormal can round twice.
pub fn scale_by_power_of_two(x: f64, exponent: f64) -> f64 {
    if exponent.is_nan() {
        return f64::NAN;
    }
    // Beyond +-2200 every finite non-zero x overflows or underflows anyway.
    let mut n = exponent.clamp(-2200.0, 2200.0) as i32;
    let mut result = x;
    // Each factor 2^k with |k| <= 1000 is a normal f64.
    while n.abs() > 1000 {
        let step = 1000 * n.signum();
        result *= 2f64.powi(step);
        n -= step;
    }
    result * 2f64.powi(n)
}

/// The error function, within 2 ulp of f64 (CUDA's bound for `erf`).
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.abs() < 1.4 {
        // Maclaurin series 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)), summed with
        // Neumaier compensation (plain summation lost up to 5 ulp).
        let x2 = x * x;
        let mut term = x;
        let mut sum = x;
        let mut compensation = 0.0;
        let mut n = 0.0f64;
        loop {
            n += 1.0;
            term *= -x2 / n;
            let add = term / (2.0 * n + 1.0);
            let next = sum + add;
            compensation += if sum.abs() >= add.abs() {
                (sum - next) + add
            } else {
                (add - next) + sum
            };
            sum = next;
            if add.abs() < 1e-17 * sum.abs() || n > 200.0 {
                break;
            }
        }
        (sum + compensation) * std::f64::consts::FRAC_2_SQRT_PI
    } else {
        // Here erfc(|x|) < 0.05, so its relative error shrinks twentyfold in 1 - erfc.
        let tail = erfc(x.abs());
        if x > 0.0 {
            1.0 - tail
        } else {
            tail - 1.0
        }
    }
}

/// The complementary error function `1 - erf(x)`, accurate also for large `x`.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < 1.4 {
        return 1.0 - erf(x);
    }
    if x > 27.3 {
        return 0.0;
    }
    // Continued fraction (Lentz): erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..1000 {
        let a = f64::from(k) / 2.0;
        d = x + a * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = x + a / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    // exp(-x^2) with the rounding error of x*x put back: exp(-(x2 + low)) ~ exp(-x2)(1 - low).
    let x2 = x * x;
    let low = x.mul_add(x, -x2);
    (-x2).exp() * (1.0 - low) / (f * std::f64::consts::PI.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32_call(name: &str, args: &[f32]) -> f32 {
        let bits: Vec<u64> = args.iter().map(|a| u64::from(a.to_bits())).collect();
        f32::from_bits(call_math(name, &bits).unwrap() as u32)
    }

    #[test]
    fn erf_matches_known_values() {
        assert!((erf(0.5) - 0.520_499_877_813_046_5).abs() < 1e-15);
        assert!((erf(1.0) - 0.842_700_792_949_714_9).abs() < 1e-15);
        assert!((erf(3.0) - 0.999_977_909_503_001_4).abs() < 1e-15);
        assert!((erfc(5.0) - 1.537_459_794_428_034_8e-12).abs() < 1e-25);
        assert_eq!(erf(-1.0), -erf(1.0));
        // math_f64 conformance element: the GPU's (and the correctly rounded) value.
        let near_one = erf(2.360_366_243_333_844);
        let ulps = (near_one.to_bits() as i64 - 0.999_156_350_634_152_1f64.to_bits() as i64).abs();
        assert!(ulps <= 1, "erf(2.36) is {ulps} ulp off");
        for (x, want) in [
            (0.1, 0.112_462_916_018_284_9),
            (0.9, 0.796_908_212_422_832_2),
            (1.7, 0.983_790_458_590_774_5),
            (2.2, 0.998_137_153_702_018_2),
            (2.49, 0.999_570_712_132_266_1),
            (-1.3, -0.934_007_944_940_652_4),
        ] {
            let got: f64 = erf(x);
            let ulps = (got.to_bits() as i64 - f64::to_bits(want) as i64).abs();
            assert!(ulps <= 2, "erf({x}) = {got}, want {want} ({ulps} ulp)");
        }
    }

    #[test]
    fn f32_builtins() {
        assert_eq!(f32_call("sqrtf", &[2.0]), 2f32.sqrt());
        assert_eq!(f32_call("powf", &[2.0, 10.0]), 1024.0);
        assert_eq!(f32_call("__saturatef", &[1.5]), 1.0);
        assert_eq!(f32_call("fdimf", &[1.0, 3.0]), 0.0);
        assert!((f32_call("erff", &[0.5]) - 0.520_499_9).abs() < 1e-7);
        assert!(call_math("nosuch", &[]).is_none());
        assert!(call_math("sinf", &[1, 2]).is_none());
    }

    #[test]
    fn pi_scaled_trig_is_exact_at_special_points() {
        assert_eq!(f32_call("sinpif", &[1.0]), 0.0);
        assert_eq!(f32_call("sinpif", &[0.5]), 1.0);
        assert_eq!(f32_call("sinpif", &[-2.5]), -1.0);
        assert_eq!(f32_call("cospif", &[0.5]), 0.0);
        assert_eq!(f32_call("cospif", &[1.0]), -1.0);
        assert_eq!(f32_call("cospif", &[3.0]), -1.0);
        assert_eq!(f32_call("sinpif", &[0.25]), std::f32::consts::FRAC_1_SQRT_2);
        assert_eq!(
            f32_call("cospif", &[0.75]),
            -std::f32::consts::FRAC_1_SQRT_2
        );
        assert!((sin_pi(0.1) - (std::f64::consts::PI * 0.1).sin()).abs() < 1e-16);
        assert!((cos_pi(0.3) - (std::f64::consts::PI * 0.3).cos()).abs() < 1e-16);
        assert!(sin_pi(f64::INFINITY).is_nan());
    }

    #[test]
    fn ldexp_and_normcdf() {
        assert_eq!(f32_call("ldexpf", &[3.0, -4.0]), 0.1875);
        assert_eq!(f32_call("ldexpf", &[1.5, 200.0]), f32::INFINITY);
        assert_eq!(f32_call("scalbnf", &[1.0, -149.0]), f32::from_bits(1));
        assert_eq!(
            scale_by_power_of_two(1.0, 1023.0 + 1000.0 - 1000.0),
            2f64.powi(1023)
        );
        assert_eq!(
            scale_by_power_of_two(2f64.powi(1000), -2000.0),
            2f64.powi(-1000)
        );
        assert!((f32_call("normcdff", &[0.0]) - 0.5).abs() < 1e-7);
        assert!((f32_call("normcdff", &[1.0]) - 0.841_344_7).abs() < 1e-6);
    }
}
