//! The reader of the text form printed by `print.rs`: `print(parse(print(m))) == print(m)`.
//!
//! A hand-written lexer and recursive-descent parser; the first error stops it and names the
//! line and column. `;` starts a comment that runs to the end of the line. The reader checks
//! syntax and numbering (functions, globals and locals must be numbered in order; a value is
//! defined once); everything else (types, scopes, handles in range) is the verifier's job.

use crate::ir::*;
use crate::module::OpName;
use std::fmt;

/// A syntax error with its position (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a module from its text form.
pub fn parse_module(text: &str) -> Result<Module, ParseError> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        module: Module::new(),
    };
    parser.module()?;
    Ok(parser.module)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// Identifiers and keywords, including dots (`cmp.slt`, `thread_id.x`, `fn3`).
    Ident(String),
    /// `%v3`
    Value(u32),
    /// `%l3`
    Local(u32),
    /// `@g3`
    Global(u32),
    /// A number as written (decimal, float or `0x` hex, with an optional `-`).
    Number(String),
    /// A string literal's bytes.
    Str(Vec<u8>),
    /// Punctuation: `( ) { } [ ] < > , : = ! @ |` and `->` (as `>` after `-`).
    Punct(&'static str),
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Value(n) => write!(f, "`%v{n}`"),
            Tok::Local(n) => write!(f, "`%l{n}`"),
            Tok::Global(n) => write!(f, "`@g{n}`"),
            Tok::Number(s) => write!(f, "number `{s}`"),
            Tok::Str(_) => write!(f, "a string"),
            Tok::Punct(p) => write!(f, "`{p}`"),
            Tok::Eof => write!(f, "end of input"),
        }
    }
}

struct Token {
    tok: Tok,
    line: u32,
    col: u32,
}

fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let mut line_start = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        let col = (i - line_start) as u32 + 1;
        let err = |message: String| ParseError { line, col, message };
        if c == b'\n' {
            line += 1;
            i += 1;
            line_start = i;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b';' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
            {
                i += 1;
            }
            Tok::Ident(text[start..i].to_string())
        } else if c == b'%' || (c == b'@' && bytes.get(i + 1) == Some(&b'g')) {
            let kind = bytes.get(i + 1).copied();
            i = (i + 2).min(bytes.len());
            let digits_start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let number: u32 = std::str::from_utf8(&bytes[digits_start..i])
                .unwrap_or("")
                .parse()
                .map_err(|_| {
                    err("expected a number after a `%v`, `%l` or `@g` sigil".to_string())
                })?;
            match (c, kind) {
                (b'%', Some(b'v')) => Tok::Value(number),
                (b'%', Some(b'l')) => Tok::Local(number),
                (b'@', _) => Tok::Global(number),
                _ => return Err(err("expected `%v` or `%l`".to_string())),
            }
        } else if c.is_ascii_digit()
            || (c == b'-' && bytes.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            i += 1;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'.'
                    || ((bytes[i] == b'-' || bytes[i] == b'+')
                        && matches!(bytes[i - 1], b'e' | b'E')
                        && !text[start..i].starts_with("0x")))
            {
                i += 1;
            }
            Tok::Number(text[start..i].to_string())
        } else if c == b'"' {
            i += 1;
            let mut out = Vec::new();
            loop {
                match bytes.get(i) {
                    None | Some(b'\n') => return Err(err("unterminated string".to_string())),
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') => match bytes.get(i + 1) {
                        Some(b'"') => {
                            out.push(b'"');
                            i += 2;
                        }
                        Some(b'\\') => {
                            out.push(b'\\');
                            i += 2;
                        }
                        Some(b'x') => {
                            let hex = text.get(i + 2..i + 4).unwrap_or("");
                            let byte = u8::from_str_radix(hex, 16).map_err(|_| {
                                err("`\\x` must be followed by two hex digits".to_string())
                            })?;
                            out.push(byte);
                            i += 4;
                        }
                        _ => {
                            return Err(err(
                                "unknown escape in string (use \\\", \\\\ or \\xNN)".to_string()
                            ))
                        }
                    },
                    Some(&b) => {
                        out.push(b);
                        i += 1;
                    }
                }
            }
            Tok::Str(out)
        } else if c == b'-' && bytes.get(i + 1) == Some(&b'>') {
            i += 2;
            Tok::Punct("->")
        } else {
            let punct = match c {
                b'(' => "(",
                b')' => ")",
                b'{' => "{",
                b'}' => "}",
                b'[' => "[",
                b']' => "]",
                b'<' => "<",
                b'>' => ">",
                b',' => ",",
                b':' => ":",
                b'=' => "=",
                b'!' => "!",
                b'@' => "@",
                b'|' => "|",
                _ => {
                    let ch = text[i..].chars().next().unwrap_or('?');
                    return Err(err(format!("unexpected character `{ch}`")));
                }
            };
            i += 1;
            Tok::Punct(punct)
        };
        tokens.push(Token { tok, line, col });
    }
    let col = (bytes.len() - line_start) as u32 + 1;
    tokens.push(Token {
        tok: Tok::Eof,
        line,
        col,
    });
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    module: Module,
}

type PResult<T> = Result<T, ParseError>;

impl Parser {
    fn peek(&self) -> &Tok {
        self.tokens
            .get(self.pos)
            .map(|t| &t.tok)
            .unwrap_or(&Tok::Eof)
    }

    fn peek_at(&self, offset: usize) -> &Tok {
        self.tokens
            .get(self.pos + offset)
            .map(|t| &t.tok)
            .unwrap_or(&Tok::Eof)
    }

    fn error<T>(&self, message: impl Into<String>) -> PResult<T> {
        let (line, col) = self
            .tokens
            .get(self.pos)
            .or(self.tokens.last())
            .map(|t| (t.line, t.col))
            .unwrap_or((1, 1));
        Err(ParseError {
            line,
            col,
            message: message.into(),
        })
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        tok
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn is_ident(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident(w) if w == word)
    }

    fn expect_punct(&mut self, p: &str) -> PResult<()> {
        if self.is_punct(p) {
            self.pos += 1;
            Ok(())
        } else {
            self.error(format!("expected `{p}`, found {}", self.peek()))
        }
    }

    fn expect_ident(&mut self, word: &str) -> PResult<()> {
        if self.is_ident(word) {
            self.pos += 1;
            Ok(())
        } else {
            self.error(format!("expected `{word}`, found {}", self.peek()))
        }
    }

    fn ident(&mut self) -> PResult<String> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.pos += 1;
                Ok(s)
            }
            other => self.error(format!("expected a name, found {other}")),
        }
    }

    fn string(&mut self) -> PResult<String> {
        Ok(String::from_utf8_lossy(&self.bytes()?).into_owned())
    }

    fn bytes(&mut self) -> PResult<Vec<u8>> {
        match self.peek().clone() {
            Tok::Str(s) => {
                self.pos += 1;
                Ok(s)
            }
            other => self.error(format!("expected a string, found {other}")),
        }
    }

    fn number_text(&mut self) -> PResult<String> {
        match self.peek().clone() {
            Tok::Number(s) => {
                self.pos += 1;
                Ok(s)
            }
            other => self.error(format!("expected a number, found {other}")),
        }
    }

    fn u64(&mut self) -> PResult<u64> {
        let text = self.number_text()?;
        match text.parse::<u64>() {
            Ok(n) => Ok(n),
            Err(_) => {
                self.pos -= 1;
                self.error(format!("expected an unsigned integer, found `{text}`"))
            }
        }
    }

    fn u32(&mut self) -> PResult<u32> {
        let n = self.u64()?;
        match u32::try_from(n) {
            Ok(n) => Ok(n),
            Err(_) => {
                self.pos -= 1;
                self.error(format!("number {n} is too large"))
            }
        }
    }

    fn value(&mut self) -> PResult<Value> {
        match self.peek() {
            Tok::Value(n) => {
                let v = Value(*n);
                self.pos += 1;
                Ok(v)
            }
            other => self.error(format!("expected a value like `%v3`, found {other}")),
        }
    }

    fn func_id(&mut self) -> PResult<FuncId> {
        let name = self.ident()?;
        match name.strip_prefix("fn").and_then(|n| n.parse::<u32>().ok()) {
            Some(n) => Ok(FuncId(n)),
            None => {
                self.pos -= 1;
                self.error(format!("expected a function like `fn2`, found `{name}`"))
            }
        }
    }

    fn named<T: OpName>(&self, text: &str, what: &str) -> PResult<T> {
        match T::from_name(text) {
            Some(v) => Ok(v),
            None => {
                let valid: Vec<&str> = T::ALL.iter().map(|v| v.name()).collect();
                self.error(format!(
                    "unknown {what} `{text}` (expected one of: {})",
                    valid.join(", ")
                ))
            }
        }
    }

    fn module(&mut self) -> PResult<()> {
        self.expect_ident("module")?;
        self.expect_ident("phase")?;
        let phase = self.ident()?;
        self.module.phase = match phase.as_str() {
            "simt" => Phase::Simt,
            "perblock" => Phase::PerBlock,
            _ => {
                self.pos -= 1;
                return self.error(format!(
                    "unknown phase `{phase}` (expected simt or perblock)"
                ));
            }
        };
        if self.is_ident("shared_buffer") {
            self.pos += 1;
            self.module.shared_in_buffer = true;
        }
        loop {
            match self.peek().clone() {
                Tok::Eof => return Ok(()),
                Tok::Ident(word) => match word.as_str() {
                    "file" => {
                        self.pos += 1;
                        let index = self.u64()?;
                        if index != self.module.files.len() as u64 {
                            self.pos -= 1;
                            return self
                                .error(format!("expected file {}", self.module.files.len()));
                        }
                        let name = self.string()?;
                        self.module.files.push(name);
                    }
                    "global" => self.global()?,
                    "fn" => self.function()?,
                    "kernel" => self.kernel()?,
                    _ => {
                        return self.error(format!(
                            "expected `file`, `global`, `fn` or `kernel`, found `{word}`"
                        ))
                    }
                },
                other => {
                    return self.error(format!(
                        "expected `file`, `global`, `fn` or `kernel`, found {other}"
                    ))
                }
            }
        }
    }

    fn global(&mut self) -> PResult<()> {
        self.expect_ident("global")?;
        let expected = self.module.globals.len() as u32;
        match self.next() {
            Tok::Global(n) if n == expected => {}
            _ => {
                self.pos -= 1;
                return self.error(format!("expected global @g{expected}"));
            }
        }
        let name = self.string()?;
        self.expect_punct(":")?;
        let ty = self.ty()?;
        let space_name = self.ident()?;
        let space = self.named::<AddrSpace>(&space_name, "address space")?;
        self.expect_ident("align")?;
        let align = self.u32()?;
        let init = if self.is_ident("init") {
            self.pos += 1;
            let hex = self.bytes()?;
            if hex.len() % 2 != 0 {
                return self.error("initializer must have an even number of hex digits");
            }
            let mut out = Vec::with_capacity(hex.len() / 2);
            for pair in hex.chunks(2) {
                let text = std::str::from_utf8(pair).unwrap_or("");
                match u8::from_str_radix(text, 16) {
                    Ok(b) => out.push(b),
                    Err(_) => return self.error("initializer must be hex digits"),
                }
            }
            Some(out)
        } else {
            None
        };
        self.module.globals.push(Global {
            name,
            ty,
            space,
            align,
            init,
        });
        Ok(())
    }

    fn ty(&mut self) -> PResult<TypeId> {
        if self.is_punct("[") {
            self.pos += 1;
            let len = self.u64()?;
            self.expect_ident("x")?;
            let elem = self.ty()?;
            self.expect_punct("]")?;
            return Ok(self.module.ty(Type::Array { elem, len }));
        }
        let name = self.ident()?;
        let ty = match name.as_str() {
            "i1" => Type::Bool,
            "i8" => Type::Int(IntWidth::W8),
            "i16" => Type::Int(IntWidth::W16),
            "i32" => Type::Int(IntWidth::W32),
            "i64" => Type::Int(IntWidth::W64),
            "f32" => Type::Float(FloatWidth::F32),
            "f64" => Type::Float(FloatWidth::F64),
            "ptr" => {
                self.expect_punct("<")?;
                let space_name = self.ident()?;
                let space = self.named::<AddrSpace>(&space_name, "address space")?;
                self.expect_punct(">")?;
                Type::Ptr(space)
            }
            "struct" => {
                self.expect_punct("{")?;
                let mut fields = Vec::new();
                while !self.is_punct("|") {
                    if !fields.is_empty() {
                        self.expect_punct(",")?;
                    }
                    let ty = self.ty()?;
                    self.expect_punct("@")?;
                    let offset = self.u64()?;
                    fields.push(StructField { ty, offset });
                }
                self.expect_punct("|")?;
                self.expect_ident("size")?;
                let size = self.u64()?;
                self.expect_ident("align")?;
                let align = self.u32()?;
                self.expect_punct("}")?;
                Type::Struct(StructType {
                    fields,
                    size,
                    align,
                })
            }
            _ => {
                self.pos -= 1;
                return self.error(format!("expected a type, found `{name}`"));
            }
        };
        Ok(self.module.ty(ty))
    }

    fn function(&mut self) -> PResult<()> {
        self.expect_ident("fn")?;
        let id = self.func_id()?;
        if id.index() != self.module.functions.len() {
            self.pos -= 1;
            return self.error(format!(
                "expected function fn{}",
                self.module.functions.len()
            ));
        }
        let name = self.string()?;
        let mut func = Function::new(name, None);
        self.expect_punct("(")?;
        while !self.is_punct(")") {
            if !func.params.is_empty() {
                self.expect_punct(",")?;
            }
            let value = self.value()?;
            self.expect_punct(":")?;
            let ty = self.ty()?;
            self.define(&mut func, value, ty)?;
            func.params.push(value);
        }
        self.expect_punct(")")?;
        if self.is_punct("->") {
            self.pos += 1;
            func.ret = Some(self.ty()?);
        }
        self.expect_punct("{")?;
        while self.is_ident("local") {
            self.pos += 1;
            match self.next() {
                Tok::Local(n) if n as usize == func.locals.len() => {}
                _ => {
                    self.pos -= 1;
                    return self.error(format!("expected local %l{}", func.locals.len()));
                }
            }
            let name = self.string()?;
            self.expect_punct(":")?;
            let ty = self.ty()?;
            self.expect_ident("align")?;
            let align = self.u32()?;
            func.locals.push(LocalVar { name, ty, align });
        }
        func.body = self.region_until_brace(&mut func)?;
        self.module.functions.push(func);
        Ok(())
    }

    fn define(&self, func: &mut Function, value: Value, ty: TypeId) -> PResult<()> {
        let index = value.index();
        if index > 1 << 24 {
            return self.error(format!("value number {value} is too large"));
        }
        if func.value_types.len() <= index {
            func.value_types.resize(index + 1, None);
        }
        if func.value_types[index].is_some() {
            return self.error(format!("{value} is defined twice"));
        }
        func.value_types[index] = Some(ty);
        Ok(())
    }

    /// Parses statements up to and including the closing `}`.
    fn region_until_brace(&mut self, func: &mut Function) -> PResult<Region> {
        let mut stmts = Vec::new();
        loop {
            if self.is_punct("}") {
                self.pos += 1;
                return Ok(Region { stmts });
            }
            if *self.peek() == Tok::Eof {
                return self.error("expected `}` before the end of input");
            }
            stmts.push(self.stmt(func)?);
        }
    }

    fn loc(&mut self) -> PResult<Option<Loc>> {
        if !self.is_punct("!") {
            return Ok(None);
        }
        self.pos += 1;
        let file = self.u32()?;
        self.expect_punct(":")?;
        let line = self.u32()?;
        self.expect_punct(":")?;
        let col = self.u32()?;
        Ok(Some(Loc { file, line, col }))
    }

    fn stmt(&mut self, func: &mut Function) -> PResult<Stmt> {
        if let Tok::Value(_) = self.peek() {
            let result = self.value()?;
            self.expect_punct(":")?;
            let ty = self.ty()?;
            self.define(func, result, ty)?;
            self.expect_punct("=")?;
            let inst = self.inst(Some(ty))?;
            let loc = self.loc()?;
            return Ok(Stmt {
                kind: StmtKind::Inst {
                    result: Some(result),
                    inst,
                },
                loc,
            });
        }
        let word = match self.peek() {
            Tok::Ident(w) => w.clone(),
            other => return self.error(format!("expected a statement, found {other}")),
        };
        let kind = match word.as_str() {
            "if" => {
                self.pos += 1;
                let cond = self.value()?;
                let loc = self.loc()?;
                self.expect_punct("{")?;
                let then_region = self.region_until_brace(func)?;
                self.expect_ident("else")?;
                self.expect_punct("{")?;
                let else_region = self.region_until_brace(func)?;
                return Ok(Stmt {
                    kind: StmtKind::If {
                        cond,
                        then_region,
                        else_region,
                    },
                    loc,
                });
            }
            "loop" => {
                self.pos += 1;
                let loc = self.loc()?;
                self.expect_punct("{")?;
                let body = self.region_until_brace(func)?;
                self.expect_ident("continuing")?;
                self.expect_punct("{")?;
                let continuing = self.region_until_brace(func)?;
                return Ok(Stmt {
                    kind: StmtKind::Loop { body, continuing },
                    loc,
                });
            }
            "break" => {
                self.pos += 1;
                StmtKind::Break
            }
            "continue" => {
                self.pos += 1;
                StmtKind::Continue
            }
            "return" => {
                self.pos += 1;
                if let Tok::Value(_) = self.peek() {
                    StmtKind::Return(Some(self.value()?))
                } else {
                    StmtKind::Return(None)
                }
            }
            _ => StmtKind::Inst {
                result: None,
                inst: self.inst(None)?,
            },
        };
        let loc = self.loc()?;
        Ok(Stmt { kind, loc })
    }

    fn values_in_parens(&mut self) -> PResult<Vec<Value>> {
        self.expect_punct("(")?;
        let mut values = Vec::new();
        while !self.is_punct(")") {
            if !values.is_empty() {
                self.expect_punct(",")?;
            }
            values.push(self.value()?);
        }
        self.expect_punct(")")?;
        Ok(values)
    }

    fn operands<const N: usize>(&mut self) -> PResult<[Value; N]> {
        let mut out = [Value(0); N];
        for (index, slot) in out.iter_mut().enumerate() {
            if index > 0 {
                self.expect_punct(",")?;
            }
            *slot = self.value()?;
        }
        Ok(out)
    }

    fn align(&mut self) -> PResult<u32> {
        self.expect_ident("align")?;
        self.u32()
    }

    fn constant(&mut self, ty: Option<TypeId>) -> PResult<u64> {
        let text = self.number_text()?;
        let ty = ty.and_then(|t| self.module.type_of(t)).cloned();
        let parsed: Option<u64> = if let Some(hex) = text.strip_prefix("0x") {
            u64::from_str_radix(hex, 16).ok()
        } else {
            match ty {
                Some(Type::Float(FloatWidth::F32)) => {
                    text.parse::<f32>().ok().map(|f| u64::from(f.to_bits()))
                }
                Some(Type::Float(FloatWidth::F64)) => text.parse::<f64>().ok().map(f64::to_bits),
                Some(Type::Int(w)) => text
                    .parse::<i64>()
                    .ok()
                    .map(|n| n as u64)
                    .or_else(|| text.parse::<u64>().ok())
                    .map(|n| crate::eval::truncate(n, w.bits())),
                Some(Type::Bool) | Some(Type::Ptr(_)) => text.parse::<u64>().ok(),
                _ => None,
            }
        };
        match parsed {
            Some(bits) => Ok(bits),
            None => {
                self.pos -= 1;
                self.error(format!("`{text}` is not a constant of the result type"))
            }
        }
    }

    fn inst(&mut self, result_ty: Option<TypeId>) -> PResult<Inst> {
        let word = self.ident()?;
        let parts: Vec<&str> = word.split('.').collect();
        let head = parts.first().copied().unwrap_or("");
        let arg = |index: usize| parts.get(index).copied().unwrap_or("");
        if let Some(op) = UnaryOp::from_name(&word) {
            return Ok(Inst::Unary {
                op,
                arg: self.value()?,
            });
        }
        if let Some(op) = BinaryOp::from_name(&word) {
            let [lhs, rhs] = self.operands()?;
            return Ok(Inst::Binary { op, lhs, rhs });
        }
        if let Some(op) = ConvOp::from_name(&word) {
            return Ok(Inst::Convert {
                op,
                arg: self.value()?,
            });
        }
        let inst = match (head, parts.len()) {
            ("const", 1) => Inst::Const {
                bits: self.constant(result_ty)?,
            },
            ("cmp", 2) => {
                let op = self.named::<CmpOp>(arg(1), "comparison")?;
                let [lhs, rhs] = self.operands()?;
                Inst::Cmp { op, lhs, rhs }
            }
            ("select", 1) => {
                let [cond, if_true, if_false] = self.operands()?;
                Inst::Select {
                    cond,
                    if_true,
                    if_false,
                }
            }
            ("ptradd", 1) => {
                let [ptr, offset] = self.operands()?;
                Inst::PtrAdd { ptr, offset }
            }
            ("load", _) if parts.len() == 1 || word == "load.volatile" => {
                let ptr = self.value()?;
                let align = self.align()?;
                Inst::Load {
                    ptr,
                    align,
                    volatile: parts.len() == 2,
                }
            }
            ("store", _) if parts.len() == 1 || word == "store.volatile" => {
                let [ptr, value] = self.operands()?;
                let align = self.align()?;
                Inst::Store {
                    ptr,
                    value,
                    align,
                    volatile: parts.len() == 2,
                }
            }
            ("global_addr", 1) => match self.next() {
                Tok::Global(n) => Inst::GlobalAddr(GlobalId(n)),
                _ => {
                    self.pos -= 1;
                    return self.error("expected a global like `@g0`");
                }
            },
            ("local_addr", 1) => match self.next() {
                Tok::Local(n) => Inst::LocalAddr(LocalId(n)),
                _ => {
                    self.pos -= 1;
                    return self.error("expected a local like `%l0`");
                }
            },
            ("dyn_shared_addr", 1) => Inst::DynSharedAddr,
            ("shared_buffer", 1) => Inst::SharedBuffer,
            ("call", 1) => {
                let func = self.func_id()?;
                let args = self.values_in_parens()?;
                Inst::Call { func, args }
            }
            ("math", 1) => {
                let name = self.string()?;
                let args = self.values_in_parens()?;
                Inst::Math { name, args }
            }
            ("thread_id", 2) => Inst::ThreadId(self.named(arg(1), "dimension")?),
            ("block_id", 2) => Inst::BlockId(self.named(arg(1), "dimension")?),
            ("block_dim", 2) => Inst::BlockDim(self.named(arg(1), "dimension")?),
            ("grid_dim", 2) => Inst::GridDim(self.named(arg(1), "dimension")?),
            ("lane_id", 1) => Inst::LaneId,
            ("warp_size", 1) => Inst::WarpSize,
            ("barrier", 1) => Inst::Barrier(BarrierKind::Sync),
            ("barrier", 2) => {
                let kind = arg(1).to_string();
                let pred = self.value()?;
                Inst::Barrier(match kind.as_str() {
                    "count" => BarrierKind::Count(pred),
                    "and" => BarrierKind::And(pred),
                    "or" => BarrierKind::Or(pred),
                    _ => {
                        return self.error(format!(
                            "unknown barrier kind `{kind}` (expected count, and, or)"
                        ))
                    }
                })
            }
            ("syncwarp", 1) => Inst::SyncWarp {
                mask: self.value()?,
            },
            ("shfl", 2) => {
                let kind = self.named::<ShuffleKind>(arg(1), "shuffle kind")?;
                let [mask, value, lane_or_delta, width] = self.operands()?;
                Inst::Shuffle {
                    kind,
                    mask,
                    value,
                    lane_or_delta,
                    width,
                }
            }
            ("vote", 2) => {
                let kind = self.named::<VoteKind>(arg(1), "vote kind")?;
                let [mask, pred] = self.operands()?;
                Inst::Vote { kind, mask, pred }
            }
            ("match", 2) => {
                let kind = self.named::<MatchKind>(arg(1), "match kind")?;
                let [mask, value] = self.operands()?;
                Inst::Match { kind, mask, value }
            }
            ("active_mask", 1) => Inst::ActiveMask,
            ("clock", 1) => Inst::Clock,
            ("reduce", 2) => {
                let op = self.named::<ReduceOp>(arg(1), "reduction")?;
                let [mask, value] = self.operands()?;
                Inst::WarpReduce { op, mask, value }
            }
            ("atomic", 3) if arg(1) == "cas" => {
                let scope = self.named::<Scope>(arg(2), "scope")?;
                let [ptr, expected, desired] = self.operands()?;
                Inst::AtomicCas {
                    ptr,
                    expected,
                    desired,
                    scope,
                }
            }
            ("atomic", 3) => {
                let op = self.named::<AtomicOp>(arg(1), "atomic operation")?;
                let scope = self.named::<Scope>(arg(2), "scope")?;
                let [ptr, value] = self.operands()?;
                Inst::AtomicRmw {
                    op,
                    ptr,
                    value,
                    scope,
                }
            }
            ("fence", 2) => Inst::Fence(self.named(arg(1), "scope")?),
            ("trap", 1) => Inst::Trap {
                message: self.string()?,
            },
            ("printf", 1) => {
                let format = self.string()?;
                let args = self.values_in_parens()?;
                Inst::Printf { format, args }
            }
            _ => {
                self.pos -= 1;
                return self.error(format!("unknown instruction `{word}`"));
            }
        };
        Ok(inst)
    }

    fn kernel(&mut self) -> PResult<()> {
        self.expect_ident("kernel")?;
        let name = self.string()?;
        self.expect_punct("=")?;
        let function = self.func_id()?;
        self.expect_punct("(")?;
        let mut params = Vec::new();
        while !self.is_punct(")") {
            if !params.is_empty() {
                self.expect_punct(",")?;
            }
            let name = self.string()?;
            self.expect_punct(":")?;
            let kind = if self.is_ident("byval") {
                self.pos += 1;
                ParamKind::ByValue(self.ty()?)
            } else if self.is_ident("ptr") && matches!(self.peek_at(1), Tok::Punct("<")) {
                let ty = self.ty()?;
                match self.module.type_of(ty) {
                    Some(Type::Ptr(space)) => ParamKind::Pointer(*space),
                    _ => return self.error("expected a pointer type"),
                }
            } else {
                ParamKind::Scalar(self.ty()?)
            };
            params.push(KernelParam { name, kind });
        }
        self.expect_punct(")")?;
        self.expect_ident("static_shared")?;
        let static_shared_bytes = self.u64()?;
        let dynamic_shared_offset = if self.is_ident("dynamic_shared_offset") {
            self.pos += 1;
            self.u64()?
        } else {
            0
        };
        let uses_dynamic_shared = if self.is_ident("dynamic_shared") {
            self.pos += 1;
            true
        } else {
            false
        };
        let launch_bounds = if self.is_ident("launch_bounds") {
            self.pos += 1;
            let max_threads = self.u32()?;
            let min_blocks = if let Tok::Number(_) = self.peek() {
                Some(self.u32()?)
            } else {
                None
            };
            Some(LaunchBounds {
                max_threads,
                min_blocks,
            })
        } else {
            None
        };
        self.module.kernels.push(KernelInfo {
            name,
            function,
            params,
            static_shared_bytes,
            dynamic_shared_offset,
            uses_dynamic_shared,
            launch_bounds,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::print_module;

    #[test]
    fn round_trips_every_construct() {
        let text = r#"module phase simt
file 0 "a \"b\".cu"
global @g0 "t": [2 x struct{i32 @0, f64 @8 | size 16 align 8}] constant align 8 init "0000000000000000000000000000f03f0000000000000000000000000000f0bf"
global @g1 "s": [64 x f32] shared align 4

fn fn0 "h"(%v0: f32) -> f32 {
  %v1: f32 = math "sinf"(%v0)
  %v2: f32 = const 0x7fc00000
  %v3: f32 = const -0.0
  %v4: f32 = fmin %v1, %v2
  %v5: f64 = const 1e-300
  return %v4
}

fn fn1 "k"(%v0: ptr<global>, %v1: i64, %v2: ptr<param>) {
  local %l0 "x": i32 align 4
  %v3: i32 = const -5 !0:1:2
  %v4: i8 = const -1
  %v5: i1 = const 1
  %v6: i32 = thread_id.y
  %v7: i32 = vote.ballot %v3, %v5
  %v8: i32 = shfl.xor %v3, %v7, %v6, %v6
  %v9: i32 = atomic.cas.block %v0, %v3, %v8
  %v10: i64 = atomic.umax.system %v0, %v1
  fence.device
  %v11: i32 = barrier.count %v5
  barrier
  syncwarp %v3
  %v12: ptr<local> = local_addr %l0
  store.volatile %v12, %v3 align 4
  %v13: i32 = load.volatile %v12 align 4
  %v14: i32 = match.all %v3, %v13
  %v15: i32 = reduce.umin %v3, %v13
  %v16: f32 = call fn0(%v17)
  %v18: i32 = printf "%d\x0a"(%v13)
  loop !0:3:4 {
    if %v5 !0:5:6 {
      break !0:6:7
    } else {
      continue
    }
  } continuing {
  }
  trap "bad \\ thing"
  return !0:9:1
}

kernel "k" = fn1("p": ptr<global>, "n": i64, "s": byval struct{i32 @0 | size 4 align 4}) static_shared 256 dynamic_shared launch_bounds 128 2
"#;
        let module = parse_module(text).unwrap_or_else(|e| panic!("{e}"));
        let printed = print_module(&module);
        assert_eq!(printed, text);
        assert_eq!(print_module(&parse_module(&printed).unwrap()), printed);
    }

    #[test]
    fn errors_name_line_and_column() {
        let err =
            parse_module("module phase simt\nfn fn0 \"f\"() {\n  %v0: i32 = frobnicate %v1\n}\n")
                .unwrap_err();
        assert_eq!((err.line, err.col), (3, 14));
        assert!(
            err.message.contains("unknown instruction `frobnicate`"),
            "{err}"
        );
        let err = parse_module(
            "module phase simt\nfn fn0 \"f\"() {\n  %v0: i32 = const 1\n  %v0: i32 = const 2\n}\n",
        )
        .unwrap_err();
        assert!(err.message.contains("%v0 is defined twice"), "{err}");
        let err = parse_module("module phase simt\nfn fn1 \"f\"() {\n}\n").unwrap_err();
        assert!(err.message.contains("expected function fn0"), "{err}");
        let err = parse_module("module phase simt\nfn fn0 \"f\"() {\n  %v0: f32 = const zz\n}\n")
            .unwrap_err();
        assert!(err.message.contains("expected a number"), "{err}");
        let err =
            parse_module("module phase simt\nfn fn0 \"f\"() {\n  %v0: i32 = cmp.foo %v1, %v2\n}\n")
                .unwrap_err();
        assert!(err.message.contains("unknown comparison `foo`"), "{err}");
        assert!(parse_module("module phase simt\nfn fn0 \"f\"() {\n").is_err());
        assert!(
            parse_module("module phase simt\nglobal @g0 \"x\": i32 global align 4 init \"0\"")
                .is_err()
        );
        assert!(parse_module("\"unterminated").is_err());
    }

    #[test]
    fn never_panics_on_truncated_or_mutated_input() {
        let text = "module phase simt\nfile 0 \"x.cu\"\nglobal @g0 \"s\": [4 x i32] shared align 4\nfn fn0 \"k\"(%v0: ptr<global>) -> i32 {\n  local %l0 \"a\": i32 align 4\n  %v1: i32 = const 3 !0:1:1\n  loop {\n    break\n  } continuing {\n  }\n  return %v1\n}\nkernel \"k\" = fn0(\"p\": ptr<global>) static_shared 0 launch_bounds 4\n";
        for end in 0..text.len() {
            if text.is_char_boundary(end) {
                let _ = parse_module(&text[..end]);
            }
        }
        let bytes = text.as_bytes();
        for index in 0..bytes.len() {
            for replacement in [b'%', b'"', b'{', b'9', b'-', b'x', b'\\', b'@'] {
                let mut mutated = bytes.to_vec();
                mutated[index] = replacement;
                if let Ok(s) = String::from_utf8(mutated) {
                    if let Ok(module) = parse_module(&s) {
                        let _ = crate::verify::verify(&module);
                        let _ = print_module(&module);
                    }
                }
            }
        }
    }
}
