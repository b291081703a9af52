//! Values of numeric, character and string literals.
//!
//! The lexer keeps literals as spelled ([`crate::token::Token::text`]); the parser calls
//! [`parse_number`], [`parse_char`] and [`parse_string`] to get their values. Errors are
//! returned as messages meant for the user (the caller attaches the token's span).

use crate::ast::{CharPrefix, FloatLiteral, FloatSuffix, IntLiteral, IntSuffix};

/// The value of a pp-number that is a valid C++ integer or floating literal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer literal.
    Int(IntLiteral),
    /// A floating literal.
    Float(FloatLiteral),
}

/// Parses a numeric literal: decimal, octal (leading `0`), hex (`0x`), binary (`0b`) integers
/// with `u`/`l`/`ll` suffixes, and decimal or hexadecimal floating literals with `f`/`l`
/// suffixes. Digit separators (`'`) are allowed between digits.
pub fn parse_number(text: &str) -> Result<Number, String> {
    if text.contains('\'') {
        check_separators(text)?;
        let cleaned: String = text.chars().filter(|&c| c != '\'').collect();
        return parse_number_clean(&cleaned);
    }
    parse_number_clean(text)
}

/// A digit separator must sit between two digits (of any base).
fn check_separators(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\'' {
            let before = i.checked_sub(1).and_then(|j| bytes.get(j));
            let after = bytes.get(i + 1);
            let ok = before.is_some_and(|c| c.is_ascii_hexdigit())
                && after.is_some_and(|c| c.is_ascii_hexdigit());
            if !ok {
                return Err("digit separator `'` must be between two digits".to_string());
            }
        }
    }
    Ok(())
}

fn parse_number_clean(text: &str) -> Result<Number, String> {
    let lower_prefix = text.get(..2).map(|p| p.to_ascii_lowercase());
    match lower_prefix.as_deref() {
        Some("0x") => {
            let body = &text[2..];
            if body.contains(['.', 'p', 'P']) {
                parse_hex_float(body).map(Number::Float)
            } else {
                parse_int(body, 16, false, text).map(Number::Int)
            }
        }
        Some("0b") => parse_int(&text[2..], 2, false, text).map(Number::Int),
        _ => {
            let digits_end = text
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len());
            let is_float = matches!(text.as_bytes().get(digits_end), Some(b'.' | b'e' | b'E'));
            if is_float {
                parse_decimal_float(text).map(Number::Float)
            } else if text.starts_with('0') && text.len() > 1 {
                parse_int(&text[1..], 8, false, text).map(Number::Int)
            } else {
                parse_int(text, 10, true, text).map(Number::Int)
            }
        }
    }
}

/// Parses digits in `radix` followed by an integer suffix.
fn parse_int(body: &str, radix: u32, decimal: bool, whole: &str) -> Result<IntLiteral, String> {
    let digits_end = body
        .find(|c: char| !c.is_ascii_alphanumeric() || (radix <= 10 && !c.is_ascii_digit()))
        .unwrap_or(body.len());
    // For hex, letters beyond `f` start the suffix.
    let digits_end = if radix == 16 {
        body.find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(body.len())
    } else {
        digits_end
    };
    let (digits, suffix) = body.split_at(digits_end);
    if digits.is_empty() && radix != 8 {
        return Err(format!("`{whole}` has no digits after its base prefix"));
    }
    let mut value: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix).ok_or_else(|| match radix {
            8 => format!("invalid digit `{c}` in octal literal"),
            2 => format!("invalid digit `{c}` in binary literal"),
            _ => format!("invalid digit `{c}` in number `{whole}`"),
        })?;
        value = value
            .checked_mul(radix as u64)
            .and_then(|v| v.checked_add(d as u64))
            .ok_or_else(|| "integer literal is too large".to_string())?;
    }
    let suffix = parse_int_suffix(suffix)
        .ok_or_else(|| format!("invalid suffix `{suffix}` on integer literal"))?;
    Ok(IntLiteral {
        value,
        suffix,
        decimal,
    })
}

/// `u`, `l`, `ll` in either order and any case (but `ll` must be `ll` or `LL`).
fn parse_int_suffix(s: &str) -> Option<IntSuffix> {
    let mut rest = s;
    let mut unsigned = false;
    let mut long = 0u8;
    let take_u = |r: &mut &str, unsigned: &mut bool| {
        if let Some(t) = r.strip_prefix(['u', 'U']) {
            *r = t;
            *unsigned = true;
        }
    };
    let take_l = |r: &mut &str, long: &mut u8| {
        if let Some(t) = r.strip_prefix("ll").or_else(|| r.strip_prefix("LL")) {
            *r = t;
            *long = 2;
        } else if let Some(t) = r.strip_prefix(['l', 'L']) {
            *r = t;
            *long = 1;
        }
    };
    take_u(&mut rest, &mut unsigned);
    take_l(&mut rest, &mut long);
    if !unsigned {
        take_u(&mut rest, &mut unsigned);
    }
    if rest.is_empty() {
        Some(IntSuffix { unsigned, long })
    } else {
        None
    }
}

/// The suffix of a floating literal, if `c` is one.
fn float_suffix(s: &str) -> Option<FloatSuffix> {
    match s {
        "" => Some(FloatSuffix::None),
        "f" | "F" => Some(FloatSuffix::F),
        "l" | "L" => Some(FloatSuffix::L),
        _ => None,
    }
}

fn parse_decimal_float(text: &str) -> Result<FloatLiteral, String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i;
    let mut frac_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
            frac_digits += 1;
        }
    }
    if int_digits + frac_digits == 0 {
        return Err(format!("invalid number `{text}`"));
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return Err("exponent has no digits".to_string());
        }
    }
    let (mantissa, suffix_text) = text.split_at(i);
    let suffix = float_suffix(suffix_text)
        .ok_or_else(|| format!("invalid suffix `{suffix_text}` on floating literal"))?;
    // Rust's float parser rounds correctly; it wants a digit before an exponent marker, which
    // `1.e5` lacks, so spell that as `1.0e5`.
    let value: f64 = if mantissa.contains(".e") || mantissa.contains(".E") {
        mantissa.replacen('.', ".0", 1).parse()
    } else {
        mantissa.parse()
    }
    .map_err(|_| format!("invalid floating literal `{text}`"))?;
    if value.is_infinite() {
        return Err("floating literal is too large for type `double`".to_string());
    }
    Ok(FloatLiteral { value, suffix })
}

/// A hexadecimal floating literal after `0x`: hex digits, optional `.` and hex digits, then a
/// mandatory binary exponent `p[+-]digits` and an optional suffix. Rounded exactly (half to
/// even) to `f64`.
fn parse_hex_float(body: &str) -> Result<FloatLiteral, String> {
    let bytes = body.as_bytes();
    let mut i = 0;
    // The mantissa is accumulated into 124 bits; lower digits only feed a sticky bit.
    let mut mantissa: u128 = 0;
    let mut sticky = false;
    let mut exp_adjust: i64 = 0;
    let mut digit_count = 0;
    let mut seen_point = false;
    while let Some(&b) = bytes.get(i) {
        if b == b'.' && !seen_point {
            seen_point = true;
            i += 1;
            continue;
        }
        let Some(d) = (b as char).to_digit(16) else {
            break;
        };
        digit_count += 1;
        if mantissa >> 120 == 0 {
            mantissa = (mantissa << 4) | d as u128;
            if seen_point {
                exp_adjust -= 4;
            }
        } else {
            sticky |= d != 0;
            if !seen_point {
                exp_adjust += 4;
            }
        }
        i += 1;
    }
    if digit_count == 0 {
        return Err("hexadecimal floating literal has no digits".to_string());
    }
    if !matches!(bytes.get(i), Some(b'p' | b'P')) {
        return Err("hexadecimal floating literal requires an exponent (`p`)".to_string());
    }
    i += 1;
    let mut negative = false;
    if let Some(&s) = bytes.get(i) {
        if s == b'+' || s == b'-' {
            negative = s == b'-';
            i += 1;
        }
    }
    let exp_start = i;
    let mut exponent: i64 = 0;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii_digit() {
            break;
        }
        // Saturate: anything this large is infinite or zero anyway.
        exponent = (exponent * 10 + (b - b'0') as i64).min(1 << 40);
        i += 1;
    }
    if i == exp_start {
        return Err("exponent has no digits".to_string());
    }
    let suffix_text = &body[i..];
    let suffix = float_suffix(suffix_text)
        .ok_or_else(|| format!("invalid suffix `{suffix_text}` on floating literal"))?;
    let exponent = if negative { -exponent } else { exponent } + exp_adjust;
    let value = round_to_f64(mantissa, sticky, exponent)
        .ok_or_else(|| "floating literal is too large for type `double`".to_string())?;
    Ok(FloatLiteral { value, suffix })
}

/// `mantissa * 2^exponent` (plus a nonzero tail below the mantissa when `sticky`), rounded to
/// nearest even `f64`; `None` when it overflows.
fn round_to_f64(mantissa: u128, sticky: bool, exponent: i64) -> Option<f64> {
    if mantissa == 0 {
        return Some(0.0);
    }
    let bits = 128 - mantissa.leading_zeros() as i64;
    // The value lies in [2^top, 2^(top+1)).
    let top = exponent + bits - 1;
    if top > 1023 {
        return None;
    }
    // Number of significant bits available at this magnitude (subnormals have fewer).
    let precision = if top >= -1022 { 53 } else { 53 - (-1022 - top) };
    if precision <= 0 {
        // Below half the smallest subnormal, or exactly representable as rounding to it.
        let half_min = top == -1075 && (mantissa.count_ones() > 1 || sticky);
        return Some(if half_min { f64::from_bits(1) } else { 0.0 });
    }
    let shift = bits - precision;
    let (mut kept, mut exp) = if shift > 0 {
        let kept = mantissa >> shift;
        let rest = mantissa & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let round_up = rest > half || (rest == half && (sticky || kept & 1 == 1));
        (kept + round_up as u128, exponent + shift)
    } else {
        // Exact (sticky cannot be set: then the mantissa would be full).
        (mantissa << (-shift), exponent + shift)
    };
    if kept >> precision != 0 {
        kept >>= 1;
        exp += 1;
    }
    // The value is now kept * 2^exp with kept < 2^53, exactly representable.
    let kept = kept as u64;
    let result_top = exp + (64 - kept.leading_zeros() as i64) - 1;
    if result_top > 1023 {
        return None;
    }
    let mut value = kept as f64;
    // Multiply by 2^exp in steps whose factors are normal powers of two; each step is exact.
    let mut e = exp;
    while e != 0 {
        let step = e.clamp(-1022, 1023);
        value *= f64::from_bits(((step + 1023) as u64) << 52);
        e -= step;
    }
    Some(value)
}

/// Splits a character or string literal into its prefix and the rest.
fn split_prefix(text: &str) -> (CharPrefix, &str) {
    if let Some(rest) = text.strip_prefix("u8") {
        (CharPrefix::U8, rest)
    } else if let Some(rest) = text.strip_prefix('u') {
        (CharPrefix::U16, rest)
    } else if let Some(rest) = text.strip_prefix('U') {
        (CharPrefix::U32, rest)
    } else if let Some(rest) = text.strip_prefix('L') {
        (CharPrefix::L, rest)
    } else {
        (CharPrefix::None, text)
    }
}

/// One decoded element of a literal: a code point or a raw code unit from `\x`/octal escapes.
enum Unit {
    Char(char),
    Raw(u32),
}

/// Decodes the characters and escapes between the quotes.
fn decode(body: &str) -> Result<Vec<Unit>, String> {
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(Unit::Char(c));
            continue;
        }
        let Some(e) = chars.next() else {
            return Err("incomplete escape sequence at the end of the literal".to_string());
        };
        let simple = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            '?' => Some('?'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0C'),
            'v' => Some('\x0B'),
            'r' => Some('\r'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(Unit::Char(s));
            continue;
        }
        match e {
            '0'..='7' => {
                let mut v = e as u32 - '0' as u32;
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(Unit::Raw(v));
            }
            'x' => {
                let mut v: u32 = 0;
                let mut n = 0;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(16)) {
                    v = v
                        .checked_mul(16)
                        .map(|v| v + d)
                        .ok_or_else(|| "hex escape sequence out of range".to_string())?;
                    n += 1;
                    chars.next();
                }
                if n == 0 {
                    return Err("`\\x` used with no following hex digits".to_string());
                }
                out.push(Unit::Raw(v));
            }
            'u' | 'U' => {
                let len = if e == 'u' { 4 } else { 8 };
                let mut v: u32 = 0;
                for _ in 0..len {
                    let d = chars.next().and_then(|c| c.to_digit(16)).ok_or_else(|| {
                        format!("`\\{e}` must be followed by {len} hexadecimal digits")
                    })?;
                    v = v * 16 + d;
                }
                let c = char::from_u32(v)
                    .ok_or_else(|| format!("`\\{e}{v:X}` is not a valid Unicode character"))?;
                out.push(Unit::Char(c));
            }
            other => return Err(format!("unknown escape sequence `\\{other}`")),
        }
    }
    Ok(out)
}

/// Parses a character literal (`'a'`, `L'\n'`, `u8'x'`, `U'\U0001F600'`) into its value and
/// prefix.
pub fn parse_char(text: &str) -> Result<(u32, CharPrefix), String> {
    let (prefix, rest) = split_prefix(text);
    let body = rest
        .strip_prefix('\'')
        .ok_or_else(|| format!("`{text}` is not a character literal"))?;
    let body = body
        .strip_suffix('\'')
        .ok_or_else(|| "missing terminating `'` character".to_string())?;
    let units = decode(body)?;
    let unit = match units.as_slice() {
        [] => return Err("empty character constant".to_string()),
        [one] => one,
        _ => return Err("multi-character character constants are not supported".to_string()),
    };
    let (value, is_char) = match unit {
        Unit::Char(c) => (*c as u32, true),
        Unit::Raw(v) => (*v, false),
    };
    let max = match prefix {
        CharPrefix::None | CharPrefix::U8 if is_char => 0x7F,
        CharPrefix::None | CharPrefix::U8 => 0xFF,
        CharPrefix::U16 => 0xFFFF,
        CharPrefix::L | CharPrefix::U32 => u32::MAX,
    };
    if value > max {
        return Err(if is_char {
            "character too large for enclosing character literal type".to_string()
        } else {
            "escape sequence out of range".to_string()
        });
    }
    Ok((value, prefix))
}

/// Parses a string literal (any prefix, raw strings included) into its UTF-8 bytes, without
/// the terminating NUL.
///
/// Escapes `\x`/octal give one byte in plain and `u8` strings; in wide strings they give the
/// character with that code.
pub fn parse_string(text: &str) -> Result<Vec<u8>, String> {
    let (prefix, rest) = split_prefix(text);
    if let Some(raw) = rest.strip_prefix('R') {
        let inner = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .ok_or_else(|| "malformed raw string literal".to_string())?;
        let open = inner
            .find('(')
            .ok_or_else(|| "malformed raw string literal".to_string())?;
        let delimiter = &inner[..open];
        let body = inner[open + 1..]
            .strip_suffix(delimiter)
            .and_then(|b| b.strip_suffix(')'))
            .ok_or_else(|| "malformed raw string literal".to_string())?;
        return Ok(body.as_bytes().to_vec());
    }
    let body = rest
        .strip_prefix('"')
        .ok_or_else(|| format!("`{text}` is not a string literal"))?;
    let body = body
        .strip_suffix('"')
        .ok_or_else(|| "missing terminating `\"` character".to_string())?;
    let wide = matches!(prefix, CharPrefix::L | CharPrefix::U16 | CharPrefix::U32);
    let mut out = Vec::with_capacity(body.len());
    let mut buf = [0u8; 4];
    for unit in decode(body)? {
        match unit {
            Unit::Char(c) => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
            Unit::Raw(v) if !wide => {
                let byte =
                    u8::try_from(v).map_err(|_| "escape sequence out of range".to_string())?;
                out.push(byte);
            }
            Unit::Raw(v) => {
                let c = char::from_u32(v)
                    .ok_or_else(|| "escape sequence is not a valid character".to_string())?;
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(text: &str) -> IntLiteral {
        match parse_number(text) {
            Ok(Number::Int(i)) => i,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn float(text: &str) -> FloatLiteral {
        match parse_number(text) {
            Ok(Number::Float(f)) => f,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn err(text: &str) -> String {
        match parse_number(text) {
            Err(e) => e,
            other => panic!("{text}: expected an error, got {other:?}"),
        }
    }

    #[test]
    fn integer_bases() {
        assert_eq!(int("0").value, 0);
        assert_eq!(int("123").value, 123);
        assert!(int("123").decimal);
        assert_eq!(int("0x1F").value, 31);
        assert!(!int("0x1F").decimal);
        assert_eq!(int("0XfF").value, 255);
        assert_eq!(int("017").value, 15);
        assert!(!int("017").decimal);
        assert_eq!(int("0b1010").value, 10);
        assert_eq!(int("0B1").value, 1);
        assert_eq!(int("1'000'000").value, 1_000_000);
        assert_eq!(int("0xFF'FF").value, 0xFFFF);
    }

    #[test]
    fn integer_suffixes() {
        let s = |t: &str| int(t).suffix;
        let su = |unsigned, long| IntSuffix { unsigned, long };
        assert_eq!(s("1"), su(false, 0));
        assert_eq!(s("1u"), su(true, 0));
        assert_eq!(s("1U"), su(true, 0));
        assert_eq!(s("1l"), su(false, 1));
        assert_eq!(s("1L"), su(false, 1));
        assert_eq!(s("1ul"), su(true, 1));
        assert_eq!(s("1LU"), su(true, 1));
        assert_eq!(s("1lu"), su(true, 1));
        assert_eq!(s("1ll"), su(false, 2));
        assert_eq!(s("1LL"), su(false, 2));
        assert_eq!(s("1ull"), su(true, 2));
        assert_eq!(s("1ULL"), su(true, 2));
        assert_eq!(s("1llu"), su(true, 2));
        assert_eq!(s("1LLU"), su(true, 2));
        assert_eq!(s("0xFFull"), su(true, 2));
        assert_eq!(int("0xFFull").value, 255);
        assert!(err("1lL").contains("invalid suffix"));
        assert!(err("1Ll").contains("invalid suffix"));
        assert!(err("1uu").contains("invalid suffix"));
        assert!(err("1lul").contains("invalid suffix"));
        assert!(err("1abc").contains("invalid suffix"));
        assert!(err("0x1g").contains("invalid suffix"));
    }

    #[test]
    fn integer_edges() {
        assert_eq!(int("0xFFFFFFFFFFFFFFFF").value, u64::MAX);
        assert_eq!(int("18446744073709551615").value, u64::MAX);
        assert_eq!(int("4294967296").value, 4_294_967_296);
        assert_eq!(err("18446744073709551616"), "integer literal is too large");
        assert_eq!(err("0x10000000000000000"), "integer literal is too large");
        assert_eq!(err("08"), "invalid digit `8` in octal literal");
        assert_eq!(err("0b102"), "invalid digit `2` in binary literal");
        assert!(err("0x").contains("no digits"));
        assert!(err("1''0").contains("separator"));
        assert!(err("1'").contains("separator"));
    }

    #[test]
    fn decimal_floats() {
        assert_eq!(float("1.5").value, 1.5);
        assert_eq!(float("1.5").suffix, FloatSuffix::None);
        assert_eq!(float("1.5e-3f").value, 1.5e-3);
        assert_eq!(float("1.5e-3f").suffix, FloatSuffix::F);
        assert_eq!(float("2.0F").suffix, FloatSuffix::F);
        assert_eq!(float("2.0l").suffix, FloatSuffix::L);
        assert_eq!(float("2.0L").suffix, FloatSuffix::L);
        assert_eq!(float("1.").value, 1.0);
        assert_eq!(float(".5").value, 0.5);
        assert_eq!(float("1e10").value, 1e10);
        assert_eq!(float("1E+2").value, 100.0);
        assert_eq!(float("1.e2").value, 100.0);
        assert_eq!(float("1'000.5").value, 1000.5);
        assert_eq!(float("0.1").value, 0.1);
        assert_eq!(float("3.4028235e38f").value, 3.4028235e38);
        assert_eq!(float("1e-45f").value, 1e-45);
        assert_eq!(float("1e-45f").value as f32, f32::from_bits(1));
        assert_eq!(float("3.4028235e38f").value as f32, f32::MAX);
        assert_eq!(float("1e-400").value, 0.0);
        assert!(err("1e").contains("exponent"));
        assert!(err("1e+").contains("exponent"));
        assert!(err("1.0q").contains("invalid suffix"));
        assert!(err("1.0ff").contains("invalid suffix"));
        assert!(err("1e999").contains("too large"));
        assert!(err("1.2.3").contains("invalid suffix"));
    }

    #[test]
    fn hex_floats_are_exact() {
        assert_eq!(float("0x1.8p3").value, 12.0);
        assert_eq!(float("0x1p-2").value, 0.25);
        assert_eq!(float("0X1P+4F").value, 16.0);
        assert_eq!(float("0X1P+4F").suffix, FloatSuffix::F);
        assert_eq!(float("0x.8p1").value, 1.0);
        assert_eq!(float("0x1.fffffffffffffp1023").value, f64::MAX);
        assert_eq!(float("0x1p-1074").value, f64::from_bits(1));
        assert_eq!(float("0x1p-1022").value, f64::MIN_POSITIVE);
        assert_eq!(float("0x1.fffffep127f").value as f32, f32::MAX);
        // Round half to even: 1 + 2^-53 rounds down to 1, 1 + 3*2^-53 rounds up.
        assert_eq!(float("0x1.00000000000008p0").value, 1.0);
        assert_eq!(
            float("0x1.00000000000018p0").value,
            1.0 + 2.0 * f64::EPSILON
        );
        // A tail far below the kept bits breaks the tie upwards.
        assert_eq!(
            float("0x1.000000000000080000000000000000000001p0").value,
            1.0 + f64::EPSILON
        );
        assert_eq!(float("0x0p0").value, 0.0);
        assert_eq!(float("0x1p-1075").value, 0.0);
        assert_eq!(float("0x1.1p-1075").value, f64::from_bits(1));
        assert!(err("0x1.8").contains("requires an exponent"));
        assert!(err("0x1p").contains("exponent has no digits"));
        assert!(err("0x1p1024").contains("too large"));
        assert!(err("0x1p99999999999999999999").contains("too large"));
        assert_eq!(float("0x1p-99999999999999999999").value, 0.0);
    }

    #[test]
    fn characters() {
        assert_eq!(parse_char("'a'"), Ok((97, CharPrefix::None)));
        assert_eq!(parse_char(r"'\n'"), Ok((10, CharPrefix::None)));
        assert_eq!(parse_char(r"'\0'"), Ok((0, CharPrefix::None)));
        assert_eq!(parse_char(r"'\''"), Ok((39, CharPrefix::None)));
        assert_eq!(parse_char(r"'\\'"), Ok((92, CharPrefix::None)));
        assert_eq!(parse_char(r"'\x41'"), Ok((65, CharPrefix::None)));
        assert_eq!(parse_char(r"'\xFF'"), Ok((255, CharPrefix::None)));
        assert_eq!(parse_char(r"'\177'"), Ok((127, CharPrefix::None)));
        assert_eq!(parse_char(r"'\a'"), Ok((7, CharPrefix::None)));
        assert_eq!(parse_char(r"'\?'"), Ok((63, CharPrefix::None)));
        assert_eq!(parse_char(r"L'\n'"), Ok((10, CharPrefix::L)));
        assert_eq!(parse_char("u8'z'"), Ok((122, CharPrefix::U8)));
        assert_eq!(parse_char("u'é'"), Ok((0xE9, CharPrefix::U16)));
        assert_eq!(parse_char(r"U'\U0001F600'"), Ok((0x1F600, CharPrefix::U32)));
        assert_eq!(parse_char(r"u'\u20AC'"), Ok((0x20AC, CharPrefix::U16)));
        assert!(parse_char("u'😀'").is_err());
        assert!(parse_char("'é'").is_err());
        assert!(parse_char(r"'\x100'").is_err());
        assert_eq!(
            parse_char("''"),
            Err("empty character constant".to_string())
        );
        assert!(parse_char("'ab'").unwrap_err().contains("multi-character"));
        assert!(parse_char("'a").unwrap_err().contains("terminating"));
        assert!(parse_char("'").unwrap_err().contains("terminating"));
        assert!(parse_char(r"'\q'").unwrap_err().contains("unknown escape"));
        assert!(parse_char(r"'\x'").unwrap_err().contains("hex digits"));
        assert!(parse_char(r"'\u12'").unwrap_err().contains("4 hexadecimal"));
        assert!(parse_char(r"'\uD800'").unwrap_err().contains("not a valid"));
    }

    #[test]
    fn strings() {
        assert_eq!(parse_string(r#""abc""#).unwrap(), b"abc");
        assert_eq!(parse_string(r#""""#).unwrap(), b"");
        assert_eq!(
            parse_string(r#""\n\t\\\'\"\?\a\b\f\v\r\0""#).unwrap(),
            b"\n\t\\'\"?\x07\x08\x0C\x0B\r\0"
        );
        assert_eq!(parse_string(r#""\101\x42\7""#).unwrap(), b"AB\x07");
        assert_eq!(parse_string(r#""\xff""#).unwrap(), vec![0xFF]);
        assert_eq!(parse_string(r#""\u20AC""#).unwrap(), "€".as_bytes());
        assert_eq!(parse_string(r#"u8"\U0001F600""#).unwrap(), "😀".as_bytes());
        assert_eq!(parse_string(r#"L"é""#).unwrap(), "é".as_bytes());
        assert_eq!(parse_string(r#"L"\x20AC""#).unwrap(), "€".as_bytes());
        assert_eq!(parse_string(r#"R"(a\n"b)""#).unwrap(), br#"a\n"b"#);
        assert_eq!(parse_string(r#"u8R"xy(a)")xy""#).unwrap(), b"a)\"");
        assert!(parse_string(r#""\x100""#).is_err());
        assert!(parse_string(r#""abc"#).is_err());
        assert!(parse_string(r#""\"#).is_err());
        assert!(parse_string(r#"R"x(abc)y""#).is_err());
        assert!(parse_string("abc").is_err());
    }

    #[test]
    fn never_panics() {
        for s in [
            "",
            "0",
            "0x",
            "0b",
            "0x.",
            "0x.p1",
            ".",
            "1e",
            "0x1p",
            "'",
            "\"",
            "u8",
            "R\"",
            "L'\\",
            "0'",
            "'0",
            "0x'1",
            "\u{e9}",
            "1\u{e9}",
            "0x1.\u{e9}p1",
        ] {
            let _ = parse_number(s);
            let _ = parse_char(s);
            let _ = parse_string(s);
        }
    }
}
