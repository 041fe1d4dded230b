//! The `tsq` binary: a thin wrapper around [`tsq::cli::run`].

fn main() -> std::process::ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    std::process::ExitCode::from(tsq::cli::run(std::env::args_os(), &mut stdout, &mut stderr))
}
