//! The `cw-deploy` binary: see [`cw_deploy::cli`].

fn main() {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = cw_deploy::cli::run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock());
    std::process::exit(code);
}
