//! The `tsq` binary: a thin wrapper around [`tsq::cli::run`].

/// mimalloc: building the model makes many small allocations, which it serves faster than the
/// system allocator (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    std::process::ExitCode::from(tsq::cli::run(std::env::args_os(), &mut stdout, &mut stderr))
}
