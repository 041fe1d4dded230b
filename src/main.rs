//! The `tsq` binary: a thin wrapper around [`tsq::cli::run`].

/// mimalloc: building the model makes many small allocations, which it serves faster than the
/// system allocator (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let mut stdout = std::io::stdout().lock();
    // Standard error is not held locked: the progress line is drawn from worker threads.
    let mut stderr = std::io::stderr();
    std::process::ExitCode::from(tsq::cli::run(std::env::args_os(), &mut stdout, &mut stderr))
}
