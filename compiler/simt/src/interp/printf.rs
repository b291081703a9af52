//! Device `printf` for the reference executor: C conversions `d i u x X o c s f F e E g G p %`
//! with flags `- + 0 space #`, width and precision (`*` is not supported and is printed as is).

use crate::eval::sign_extend;
use crate::ir::{FloatWidth, Type};

/// Formats a C format string with typed argument bits; `read_byte` reads device memory for
/// `%s`.
pub fn format_printf(
    format: &str,
    args: &[(Type, u64)],
    read_byte: &mut dyn FnMut(u64) -> Result<u8, String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut next_arg = args.iter();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::from("%");
        let (mut left, mut plus, mut space, mut zero, mut alt) =
            (false, false, false, false, false);
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '+' => plus = true,
                ' ' => space = true,
                '0' => zero = true,
                '#' => alt = true,
                _ => break,
            }
            spec.push(f);
            chars.next();
        }
        let mut width = 0usize;
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            width = width
                .saturating_mul(10)
                .saturating_add(d as usize)
                .min(4096);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = 0usize;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                p = p.saturating_mul(10).saturating_add(d as usize).min(4096);
                chars.next();
            }
            precision = Some(p);
        }
        while matches!(chars.peek(), Some('h' | 'l' | 'z' | 'j' | 't' | 'L')) {
            chars.next();
        }
        let Some(conv) = chars.next() else {
            out.push_str(&spec);
            break;
        };
        if conv == '%' {
            out.push('%');
            continue;
        }
        let Some((ty, bits)) = next_arg.next() else {
            out.push_str(&format!("{spec}{conv}"));
            continue;
        };
        let int_bits = match ty {
            Type::Bool => 1,
            Type::Int(w) => w.bits(),
            _ => 64,
        };
        let as_float = || match ty {
            Type::Float(FloatWidth::F32) => f64::from(f32::from_bits(*bits as u32)),
            Type::Float(FloatWidth::F64) => f64::from_bits(*bits),
            _ => *bits as f64,
        };
        let sign = |negative: bool| {
            if negative {
                "-"
            } else if plus {
                "+"
            } else if space {
                " "
            } else {
                ""
            }
        };
        let (prefix, body): (String, String) = match conv {
            'd' | 'i' => {
                let v = sign_extend(*bits, int_bits);
                let mut digits = v.unsigned_abs().to_string();
                if let Some(p) = precision {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                (sign(v < 0).to_string(), digits)
            }
            'u' | 'x' | 'X' | 'o' => {
                let v = crate::eval::truncate(*bits, int_bits);
                let digits = match conv {
                    'u' => v.to_string(),
                    'x' => format!("{v:x}"),
                    'X' => format!("{v:X}"),
                    _ => format!("{v:o}"),
                };
                let prefix = match (alt && v != 0, conv) {
                    (true, 'x') => "0x",
                    (true, 'X') => "0X",
                    (true, 'o') => "0",
                    _ => "",
                };
                (prefix.to_string(), digits)
            }
            'p' => ("0x".to_string(), format!("{bits:x}")),
            'c' => (String::new(), ((*bits as u8) as char).to_string()),
            's' => {
                let mut bytes = Vec::new();
                let limit = precision.unwrap_or(4096);
                let mut address = *bits;
                while bytes.len() < limit {
                    let byte = read_byte(address)?;
                    if byte == 0 {
                        break;
                    }
                    bytes.push(byte);
                    address += 1;
                }
                (String::new(), String::from_utf8_lossy(&bytes).into_owned())
            }
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                let v = as_float();
                let p = precision.unwrap_or(6);
                let text = if v.is_nan() {
                    "nan".to_string()
                } else if v.is_infinite() {
                    "inf".to_string()
                } else {
                    match conv {
                        'f' | 'F' => format!("{:.*}", p, v.abs()),
                        'e' | 'E' => exp_format(v.abs(), p),
                        _ => general_format(v.abs(), p.max(1), alt),
                    }
                };
                let text = if conv.is_ascii_uppercase() {
                    text.to_uppercase()
                } else {
                    text
                };
                (sign(v.is_sign_negative() && !v.is_nan()).to_string(), text)
            }
            other => {
                out.push_str(&format!("{spec}{other}"));
                continue;
            }
        };
        let len = prefix.chars().count() + body.chars().count();
        let pad = width.saturating_sub(len);
        if left {
            out.push_str(&prefix);
            out.push_str(&body);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if zero
            && conv != 's'
            && conv != 'c'
            && !(precision.is_some() && "diuxXo".contains(conv))
        {
            out.push_str(&prefix);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(&body);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&prefix);
            out.push_str(&body);
        }
    }
    Ok(out)
}

/// `%e` of a non-negative finite value: `d.ddddde+XX`.
fn exp_format(v: f64, precision: usize) -> String {
    let text = format!("{:.*e}", precision, v);
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let e: i32 = exponent.parse().unwrap_or(0);
            let sign = if e < 0 { '-' } else { '+' };
            format!("{mantissa}e{sign}{:02}", e.abs())
        }
        None => text,
    }
}

/// `%g` of a non-negative finite value.
fn general_format(v: f64, precision: usize, alt: bool) -> String {
    let exponent = if v == 0.0 {
        0
    } else {
        let e = exp_format(v, precision - 1);
        e.split_once('e')
            .and_then(|(_, x)| x.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let p = precision as i32;
    let text = if exponent < -4 || exponent >= p {
        exp_format(v, precision - 1)
    } else {
        format!("{:.*}", (p - 1 - exponent).max(0) as usize, v)
    };
    if alt {
        return text;
    }
    match text.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{exp}", strip_zeros(mantissa)),
        None => strip_zeros(&text).to_string(),
    }
}

fn strip_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::IntWidth;

    fn fmt(format: &str, args: &[(Type, u64)]) -> String {
        format_printf(format, args, &mut |_| Ok(0)).unwrap()
    }

    #[test]
    fn formats_like_c() {
        let i32t = Type::Int(IntWidth::W32);
        let f64t = Type::Float(FloatWidth::F64);
        assert_eq!(
            fmt(
                "%d|%5d|%-4d|%03d",
                &[
                    (i32t.clone(), 0xffff_ffff),
                    (i32t.clone(), 42),
                    (i32t.clone(), 7),
                    (i32t.clone(), 5)
                ]
            ),
            "-1|   42|7   |005"
        );
        assert_eq!(
            fmt(
                "%u %x %#X",
                &[
                    (i32t.clone(), 0xffff_ffff),
                    (i32t.clone(), 255),
                    (i32t.clone(), 255)
                ]
            ),
            "4294967295 ff 0XFF"
        );
        assert_eq!(
            fmt(
                "%f %.2f %e",
                &[
                    (f64t.clone(), 1.5f64.to_bits()),
                    (f64t.clone(), 2.125f64.to_bits()),
                    (f64t.clone(), 12345.0f64.to_bits())
                ]
            ),
            "1.500000 2.12 1.234500e+04"
        );
        assert_eq!(
            fmt(
                "%g %g %g",
                &[
                    (f64t.clone(), 0.0001f64.to_bits()),
                    (f64t.clone(), 1e10f64.to_bits()),
                    (f64t.clone(), 2.5f64.to_bits())
                ]
            ),
            "0.0001 1e+10 2.5"
        );
        assert_eq!(fmt("100%% %c", &[(i32t, 65)]), "100% A");
    }
}
