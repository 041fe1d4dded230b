//! Parse throughput: roxmltree's raw `Document::parse` against `tsq::container::load_bytes` (decode,
//! container detection, well-formedness and the spanned model) and against load plus the
//! unchanged write (`SourceFile::encode`), on the largest real files (read in place from
//! `../shared/corpus`, skipped when absent) and on a generated sequence of more than 50 MB.
//!
//! Besides criterion's own report, the bench prints a summary of medians measured in the same run,
//! with the tsq/roxmltree ratio (the requirement is at most 2x) and the plain time of the 3.6 MB
//! object.xml (the requirement is under 20 ms).
//!
//! Run: `cargo bench --bench parse` (add `-- --quick` for a short run).

// A bench may unwrap: a failure is a broken bench.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{BatchSize, Criterion, Throughput};

/// The allocator the `tsq` binary uses, so both parsers are measured as they run there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// Real files: a name for the report and the path under `../shared/corpus`.
const CORPUS: &[(&str, &str)] = &[
    (
        "materrill-icon-object-xml-3.6MB",
        "materrill-miketerrill.net/Task Sequences/SWD/MMS Flamingo 2024 - Variables Demo.zip.extracted/MMS Flamingo 2024 - Variables.zip.extracted/SMS_TaskSequencePackage/PS10010F/object.xml",
    ),
    (
        "dustinestes-collect-logs-object-xml-305KB",
        "dustinestes-MECM_Toolkit/Task Sequences/Task Sequence Exports/v1.0.zip.extracted/v1.0/SUB - Collect Logs - v1.0.0.zip.extracted/SMS_TaskSequencePackage/FSI0001F/object.xml",
    ),
    ("keithga-sccm-client-109KB", "keithga-DeployShared/Source/MDT2013/SCCM/SCCM_Client.xml"),
    ("lipkegu-custom-client-80KB", "LipkeGu-MDT2013/Templates/custom_client_ts_001.xml"),
];

/// One realistic ConfigMgr step: a Run Command Line with a condition and a defaultVarList.
fn step(out: &mut String, g: usize, s: usize) {
    use std::fmt::Write;
    let _ = write!(
        out,
        concat!(
            "<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"Install component {g}.{s}\" description=\"Installs component {s} of group {g} &amp; logs it\" continueOnError=\"{coe}\" runIn=\"WinPEandFullOS\" successCodeList=\"0 3010\" retryCount=\"0\" runFromNet=\"false\">",
            "<condition><operator type=\"and\"><expression type=\"SMS_TaskSequence_VariableConditionExpression\"><variable name=\"Operator\">equals</variable><variable name=\"Value\">Pilot</variable><variable name=\"Variable\">ContosoRing</variable></expression>",
            "<expression type=\"SMS_TaskSequence_WMIConditionExpression\"><variable name=\"Namespace\">root\\cimv2</variable><variable name=\"Query\">SELECT * FROM Win32_ComputerSystem WHERE Model LIKE '%Latitude {s}%'</variable></expression></operator></condition>",
            "<action>smsswd.exe /run:CM10{g:04} cmd.exe /c install-{s}.cmd /quiet /log:&quot;%_SMSTSLogPath%\\install-{s}.log&quot;</action>",
            "<defaultVarList><variable name=\"CommandLine\" property=\"CommandLine\" hidden=\"true\">cmd.exe /c install-{s}.cmd /quiet</variable>",
            "<variable name=\"SMSTSDisableWow64Redirection\" property=\"DisableWow64Redirection\">false</variable>",
            "<variable name=\"SMSTSRunCommandLineOutputVariableName\" property=\"OutputVariableName\"></variable>",
            "<variable name=\"PackageID\" property=\"PackageID\" hidden=\"true\">CM10{g:04}</variable>",
            "<variable name=\"_SMSTSRunCommandLineAsUser\" property=\"RunAsUser\">false</variable>",
            "<variable name=\"SuccessCodes\" property=\"SuccessCodes\" hidden=\"true\">0 3010</variable></defaultVarList></step>\r\n"
        ),
        g = g,
        s = s,
        coe = if s.is_multiple_of(7) { "true" } else { "false" },
    );
}

/// A generated raw 3.10 sequence of at least `min_bytes`: groups of 20 steps, every fourth group
/// nested in the previous one, with a reference list and group conditions.
fn generated(min_bytes: usize) -> Vec<u8> {
    let mut out = String::with_capacity(min_bytes + 4096);
    out.push_str("<sequence version=\"3.10\">\r\n<referenceList><reference package=\"CM100031\" /><reference package=\"CM1000A0\" program=\"*\" /></referenceList>\r\n");
    let mut g = 0;
    while out.len() < min_bytes {
        out.push_str(&format!(
            "<group name=\"Group {g}\" description=\"Generated group {g}\"><condition><expression type=\"SMS_TaskSequence_VariableConditionExpression\"><variable name=\"Operator\">notEquals</variable><variable name=\"Value\">True</variable><variable name=\"Variable\">SkipGroup{g}</variable></expression></condition>\r\n"
        ));
        for s in 0..20 {
            step(&mut out, g, s);
        }
        if g % 4 == 3 {
            out.push_str("<group name=\"Nested\" description=\"\"><step type=\"SMS_TaskSequence_RebootAction\" name=\"Restart\" description=\"\" runIn=\"WinPEandFullOS\" successCodeList=\"0\" retryCount=\"0\" runFromNet=\"false\"><action>smsboot.exe /target:WinPE</action><defaultVarList><variable name=\"SMSRebootMessage\" property=\"Message\"></variable><variable name=\"SMSRebootTimeout\" property=\"MessageTimeout\">60</variable><variable name=\"SMSRebootTarget\" property=\"Target\" hidden=\"true\">WinPE</variable></defaultVarList></step></group>\r\n");
        }
        out.push_str("</group>\r\n");
        g += 1;
    }
    out.push_str("</sequence>\r\n");
    out.into_bytes()
}

fn roxmltree_parse(bytes: &[u8]) -> usize {
    let text = std::str::from_utf8(bytes).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    doc.root().descendants().len()
}

fn tsq_load(bytes: Vec<u8>) -> usize {
    let loaded = tsq::container::load_bytes("bench.xml", bytes, None);
    let ts = loaded[0].result.as_ref().unwrap();
    ts.sequence.steps.len()
}

fn tsq_load_write(bytes: Vec<u8>) -> usize {
    let loaded = tsq::container::load_bytes("bench.xml", bytes, None);
    assert!(loaded[0].result.is_ok());
    let source = loaded[0].source.as_ref().unwrap();
    source.encode(&source.text).len()
}

/// The median of `runs` timings of `f` (the input copy is made outside the timing).
fn median(bytes: &[u8], runs: usize, f: fn(Vec<u8>) -> usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let input = bytes.to_vec();
            let t = Instant::now();
            black_box(f(black_box(input)));
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn mbps(len: usize, d: Duration) -> f64 {
    len as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if corpus.join("MANIFEST.tsv").is_file() {
        for (name, rel) in CORPUS {
            match std::fs::read(corpus.join(rel)) {
                Ok(b) => inputs.push(((*name).to_owned(), b)),
                Err(e) => eprintln!("note: {rel}: {e}; skipped"),
            }
        }
    } else {
        eprintln!("note: ../shared/corpus not found; benchmarking the generated sequence only");
    }
    let big = generated(50 * 1024 * 1024);
    inputs.push((format!("generated-{}MB", big.len() >> 20), big));

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for (name, bytes) in &inputs {
        let mut g = c.benchmark_group(format!("parse/{name}"));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function("roxmltree", |b| b.iter(|| roxmltree_parse(black_box(bytes))));
        g.bench_function("tsq-load", |b| b.iter_batched(|| bytes.clone(), tsq_load, BatchSize::LargeInput));
        g.bench_function("tsq-load-write", |b| b.iter_batched(|| bytes.clone(), tsq_load_write, BatchSize::LargeInput));
        g.finish();
    }
    c.final_summary();
    // No summary when criterion only lists or profiles (`--list`, `--profile-time`).
    if std::env::args().any(|a| a == "--list" || a == "--profile-time" || a.starts_with("--profile-time=")) {
        return;
    }

    // Medians measured here, in one run, so the ratios compare like with like.
    println!();
    println!("summary: medians measured one after the other in this run (MB = 10^6 bytes; ratio = tsq-load / roxmltree)");
    println!("{:<45} {:>9} {:>11} {:>11} {:>11} {:>9} {:>11}", "input", "bytes", "roxmltree", "tsq-load", "load+write", "ratio", "tsq ms");
    for (name, bytes) in &inputs {
        let runs = if bytes.len() > 10_000_000 { 5 } else { 21 };
        let rox = median(bytes, runs, |b| roxmltree_parse(&b));
        let load = median(bytes, runs, tsq_load);
        let write = median(bytes, runs, tsq_load_write);
        println!(
            "{:<45} {:>9} {:>7.1} MB/s {:>7.1} MB/s {:>7.1} MB/s {:>8.2}x {:>8.2} ms",
            name,
            bytes.len(),
            mbps(bytes.len(), rox),
            mbps(bytes.len(), load),
            mbps(bytes.len(), write),
            load.as_secs_f64() / rox.as_secs_f64(),
            load.as_secs_f64() * 1e3,
        );
    }
}
