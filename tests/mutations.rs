//! A deterministic fuzzer in `cargo test`: real corpus files and the project's examples, mutated by
//! a seeded generator (byte flips, truncations, splices of other files, duplicated and deeply
//! nested subtrees, odd attributes and entities, UTF-16, an `object.xml` sequence escaped instead of
//! CDATA), each checked against the invariants that `fuzz/` checks with cargo-fuzz:
//!
//! * nothing panics;
//! * every output format renders, the JSON report is valid JSON, and every position is inside the
//!   file;
//! * `tsq dump` gives valid JSON;
//! * `tsq fmt` output parses, has the same model and formats to itself (a verification failure is
//!   a bug, not an answer);
//! * an unchanged write reproduces the input byte for byte;
//! * on every second case, fixing (safe and unsafe fixes, round after round) converges, keeps the
//!   file readable and adds no error; on every 20th, converting to every container and back gives
//!   the same sequence; on every 100th, the language server answers every request about the case
//!   well and shuts down cleanly.
//!
//! The invariants live in `tests/support/invariants.rs`. A failure prints the file, the seed and
//! the mutation; `TSQ_MUTATION_SEED=N cargo test --test mutations` replays that one case.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Instant;

/// splitmix64: a small, well-mixed generator, enough for choosing mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { usize::try_from(self.next() % n as u64).unwrap() }
    }
}

/// Element ranges of a well-formed text (empty when it does not parse).
fn elements(text: &str) -> Vec<std::ops::Range<usize>> {
    roxmltree::Document::parse(text).map(|d| d.descendants().filter(|n| n.is_element()).map(|n| n.range()).collect()).unwrap_or_default()
}

/// A char boundary at or before `i`.
fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One mutation of `bytes`; `other` is another file for splices.
fn mutate(rng: &mut Rng, bytes: &[u8], other: &[u8]) -> (String, Vec<u8>) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let len = bytes.len();
    match rng.below(12) {
        0 => {
            let mut b = bytes.to_vec();
            for _ in 0..=rng.below(8) {
                let i = rng.below(len);
                if let Some(x) = b.get_mut(i) {
                    *x ^= 1 << rng.below(8);
                }
            }
            ("byte flips".into(), b)
        }
        1 => {
            let cut = rng.below(len + 1);
            (format!("truncated at {cut}"), bytes[..cut].to_vec())
        }
        2 => {
            let at = rng.below(len + 1);
            let from = rng.below(other.len());
            let n = rng.below(400).min(other.len() - from.min(other.len()));
            let mut b = bytes[..at].to_vec();
            b.extend_from_slice(&other[from..from + n]);
            b.extend_from_slice(&bytes[at..]);
            (format!("splice of {n} bytes at {at}"), b)
        }
        3 => {
            let a = rng.below(len + 1);
            let b = (a + rng.below(200)).min(len);
            let mut out = bytes[..a].to_vec();
            out.extend_from_slice(&bytes[b..]);
            (format!("deleted {a}..{b}"), out)
        }
        4 | 5 => {
            let els = elements(&text);
            if els.is_empty() {
                return ("unchanged".into(), bytes.to_vec());
            }
            let r = els[rng.below(els.len())].clone();
            let most = if rng.below(4) == 0 { 50 } else { 3 };
            let copies = 1 + rng.below(most);
            let el = &text[r.clone()];
            let out = format!("{}{}{}", &text[..r.end], el.repeat(copies), &text[r.end..]);
            (format!("element at {} duplicated {copies} times", r.start), out.into_bytes())
        }
        6 => {
            let els = elements(&text);
            if els.is_empty() {
                return ("unchanged".into(), bytes.to_vec());
            }
            let r = els[rng.below(els.len())].clone();
            let depth = [10, 250, 257, 300, 2000][rng.below(5)];
            let tag = ["group", "operator", "x", "condition"][rng.below(4)];
            let out = format!(
                "{}{}{}{}{}",
                &text[..r.start],
                format!("<{tag} type=\"and\" name=\"n\">").repeat(depth),
                &text[r.clone()],
                format!("</{tag}>").repeat(depth),
                &text[r.end..]
            );
            (format!("element at {} nested {depth} deep in <{tag}>", r.start), out.into_bytes())
        }
        7 => {
            // Something odd inserted inside a start tag or a value.
            let odd = [
                " a:name=\"x\" xmlns:a=\"urn:a\"",
                " name=\"dup\"",
                " é:x=\"1\" xmlns:é=\"urn:é\"",
                "&amp;",
                "&#x10FFFF;",
                "&#0;",
                "&bogus;",
                "]]>",
                "<![CDATA[",
                "\u{FEFF}",
                "é–ü😀",
                "<!-- tsq-ignore plaintext-secret: x -->",
                "%",
                "&lt;",
            ];
            let what = odd[rng.below(odd.len())];
            let lts: Vec<usize> = text.match_indices('<').map(|(i, _)| i).collect();
            let at = if lts.is_empty() || rng.below(2) == 0 {
                floor(&text, rng.below(len + 1))
            } else {
                let lt = lts[rng.below(lts.len())];
                text[lt..].find([' ', '>']).map_or(lt, |i| lt + i)
            };
            (format!("{what:?} inserted at {at}"), format!("{}{what}{}", &text[..at], &text[at..]).into_bytes())
        }
        8 => {
            let big_endian = rng.below(2) == 0;
            let bom: [u8; 2] = if big_endian { [0xFE, 0xFF] } else { [0xFF, 0xFE] };
            let units = text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
            ("UTF-16".into(), bom.into_iter().chain(units).collect())
        }
        9 => {
            // An object.xml sequence escaped instead of CDATA (or any CDATA section escaped).
            match (text.find("<![CDATA["), text.rfind("]]>")) {
                (Some(a), Some(b)) if a + 9 <= b => {
                    let inner = &text[a + 9..b];
                    let escaped = inner.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
                    ("CDATA escaped".into(), format!("{}{escaped}{}", &text[..a], &text[b + 3..]).into_bytes())
                }
                _ => ("unchanged".into(), bytes.to_vec()),
            }
        }
        10 => {
            // A minified copy: the whole file on one line.
            ("one line".into(), text.replace("\r\n", "").replace('\n', "").into_bytes())
        }
        _ => {
            // Two mutations.
            let (a, once) = mutate(rng, bytes, other);
            let (b, twice) = mutate(rng, &once, other);
            (format!("{a}, then {b}"), twice)
        }
    }
}

/// Which of the costlier invariants case `seed` also checks (a sample, to keep the test under a
/// minute: fixing checks the file again after each round, converting makes seven verified
/// conversions, the language server waits for its debounced checks): (fix, convert, lsp), on
/// every 2nd, 20th and 100th case, never two on one case. The seed is mixed first: its last three
/// digits only count a file's cases.
fn costlier(seed: u64) -> (bool, bool, bool) {
    let h = Rng(seed).next();
    (h.is_multiple_of(2), h % 20 == 3, h % 100 == 5)
}

/// Every `.xml` under `dir` of at most `max` bytes, sorted.
fn xml_files(dir: &Path, max: u64) -> Vec<PathBuf> {
    support::files_with(dir, &["xml"]).into_iter().filter(|p| std::fs::metadata(p).unwrap().len() <= max).collect()
}

#[test]
fn mutated_real_files_keep_every_invariant() {
    let Some((corpus, _)) = support::corpus_or_skip("the mutation test") else { return };
    // (file, cases): the examples and every corpus file up to 25 KB get 20 cases each, every
    // eighth larger file up to 150 KB gets 6 (they cost more).
    let mut files: Vec<(PathBuf, u64)> = xml_files(&support::root().join("examples"), 200_000).into_iter().map(|p| (p, 20)).collect();
    let all = xml_files(&corpus, 150_000);
    let small = |p: &PathBuf| std::fs::metadata(p).unwrap().len() <= 25_000;
    files.extend(all.iter().filter(|p| small(p)).map(|p| (p.clone(), 20)));
    files.extend(all.iter().filter(|p| !small(p)).step_by(8).map(|p| (p.clone(), 6)));
    let inputs: Vec<(String, Vec<u8>, u64)> =
        files.iter().map(|(p, n)| (p.to_string_lossy().into_owned(), std::fs::read(p).unwrap(), *n)).collect();
    let only: Option<u64> = std::env::var("TSQ_MUTATION_SEED").ok().and_then(|s| s.parse().ok());
    let started = Instant::now();
    let cases: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2u64)
            .map(|t| {
                let inputs = &inputs;
                s.spawn(move || {
                    let mut n = 0;
                    for (i, (name, bytes, count)) in inputs.iter().enumerate() {
                        let other = &inputs[(i * 7 + 3) % inputs.len()].1;
                        for k in 0..*count {
                            let seed = (i as u64) * 1000 + k;
                            if seed % 2 != t || only.is_some_and(|o| o != seed) {
                                continue;
                            }
                            let mut rng = Rng(seed);
                            let (how, mutated) = mutate(&mut rng, bytes, other);
                            let r = std::panic::catch_unwind(|| {
                                support::invariants::check(name, &mutated)?;
                                let (fix, convert, lsp) = costlier(seed);
                                if fix {
                                    support::invariants::check_fix(name, &mutated)?;
                                }
                                if convert {
                                    support::invariants::check_convert(name, &mutated)?;
                                }
                                if lsp {
                                    support::invariants::check_lsp(&mutated)?;
                                }
                                Ok::<(), String>(())
                            });
                            match r {
                                Ok(Ok(())) => {}
                                Ok(Err(why)) => panic!("{name}, seed {seed} ({how}): {why}"),
                                Err(_) => panic!("{name}, seed {seed} ({how}): panicked"),
                            }
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    eprintln!("{cases} mutated files checked in {:?}", started.elapsed());
    assert!(only.is_some() || cases >= 2000, "cases: {cases}");
}
