//! Small archives stay within a fixed memory budget: overlapping central-directory entries, a
//! member that expands a thousandfold (256 MiB of `<group/>` in a few hundred KB), and a real
//! export. The test binary counts every allocation (the `cap` allocator) and sets a hard limit
//! around each load: an allocation past the budget fails, and the test with it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use cap::Cap;
use std::alloc::System;
use std::io::Write;
use tsq::container::{ARCHIVE_RATIO_LIMIT, Loaded, load_bytes};
use tsq::lint::{Settings, check};

#[global_allocator]
static ALLOC: Cap<System> = Cap::new(System, usize::MAX);

/// The tests of this file one at a time, so that one's allocations do not count against the
/// other's budget.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The most a load of one of these archives may allocate beyond what was allocated before it.
const BUDGET: usize = 48 << 20;

/// Load and check `zip` with at most [`BUDGET`] bytes allocated at any time; the paths and the
/// first problem of each entry.
fn load_within_budget(name: &str, zip: Vec<u8>) -> Vec<(String, Option<String>)> {
    let base = ALLOC.allocated();
    ALLOC.set_limit(base + BUDGET).unwrap();
    let loaded: Vec<Loaded> = load_bytes(name, zip, None);
    let results: Vec<_> = loaded.into_iter().map(|l| check(l, &Settings::default())).collect();
    let summary = results.iter().map(|r| (r.path.clone(), r.diagnostics.first().map(|d| d.message.clone()))).collect();
    drop(results);
    ALLOC.set_limit(usize::MAX).unwrap();
    summary
}

fn zip_of(members: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method).compression_level(Some(9));
    for (name, data) in members {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

/// A zip whose central directory lists `copies` entries (names differing in their last two
/// letters) that all point at the one member of `zip`.
fn overlapping(zip: &[u8], copies: usize) -> Vec<u8> {
    let cd = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let eocd = zip.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let record_len = 46 + u16_at(zip, cd + 28) + u16_at(zip, cd + 30) + u16_at(zip, cd + 32);
    let record = &zip[cd..cd + record_len];
    let name_end = cd + 46 + u16_at(zip, cd + 28);
    let mut out = zip[..cd].to_vec();
    for i in 0..copies {
        let mut r = record.to_vec();
        // `…/CM1000xx/object.xml`: the two letters before `/object.xml`.
        let at = name_end - cd - "/object.xml".len() - 2;
        r[at] = b'A' + u8::try_from(i / 26).unwrap();
        r[at + 1] = b'A' + u8::try_from(i % 26).unwrap();
        out.extend_from_slice(&r);
    }
    let cd_len = u32::try_from(out.len() - cd).unwrap();
    let mut end = zip[eocd..eocd + 22].to_vec();
    let n = u16::try_from(copies).unwrap().to_le_bytes();
    end[8..10].copy_from_slice(&n);
    end[10..12].copy_from_slice(&n);
    end[12..16].copy_from_slice(&cd_len.to_le_bytes());
    end[16..20].copy_from_slice(&u32::try_from(cd).unwrap().to_le_bytes());
    out.extend_from_slice(&end);
    out
}

fn object_xml() -> Vec<u8> {
    std::fs::read(support::root().join("examples/export/object.xml")).unwrap()
}

#[test]
fn small_archives_stay_within_the_budget() {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Twenty entries sharing one member: refused whole, nothing inflated.
    let one = zip_of(&[("SMS_TaskSequencePackage/CM1000AA/object.xml", &object_xml())], zip::CompressionMethod::Deflated);
    assert_eq!(load_bytes("one.zip", one.clone(), None).len(), 1, "the archive is well-formed");
    let twenty = overlapping(&one, 20);
    assert!(zip::ZipArchive::new(std::io::Cursor::new(twenty.clone())).unwrap().len() == 20);
    let loaded = load_within_budget("twenty.zip", twenty);
    assert_eq!(loaded.len(), 1, "{loaded:?}");
    assert!(loaded[0].1.as_deref().is_some_and(|m| m.contains("overlapping entries")), "{loaded:?}");

    // 200 MiB of `<group/>` in a sequence: a few hundred KB deflated, refused by its ratio.
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    bomb.start_file("SMS_TaskSequencePackage/CM100099/object.xml", options).unwrap();
    bomb.write_all(
        b"<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\"><PROPERTY NAME=\"Sequence\"><VALUE><![CDATA[<sequence version=\"3.10\">",
    )
    .unwrap();
    let groups = "<group/>".repeat(1 << 17);
    for _ in 0..200 {
        bomb.write_all(groups.as_bytes()).unwrap();
    }
    bomb.write_all(b"</sequence>]]></VALUE></PROPERTY></INSTANCE>").unwrap();
    let bomb = bomb.finish().unwrap().into_inner();
    assert!(bomb.len() < 2 << 20, "the bomb is small: {} bytes", bomb.len());
    let loaded = load_within_budget("bomb.zip", bomb);
    let message = loaded[0].1.clone().unwrap_or_default();
    assert!(message.contains(&format!("more than {ARCHIVE_RATIO_LIMIT} times")), "{loaded:?}");

    // A real export and the corpus's export archives load whole within the same budget.
    let real = load_within_budget("export.zip", std::fs::read(support::root().join("examples/export.zip")).unwrap());
    assert!(real.iter().all(|(_, m)| m.as_deref().is_none_or(|m| !m.contains("archive"))), "{real:?}");
    if let Some((_, zips)) = support::corpus_or_skip("the corpus archives under a memory budget") {
        for e in std::fs::read_dir(zips).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "zip") {
                let loaded = load_within_budget(&p.to_string_lossy(), std::fs::read(&p).unwrap());
                assert!(loaded.iter().all(|(_, m)| m.as_deref().is_none_or(|m| !m.contains("archive"))), "{loaded:?}");
            }
        }
    }
    eprintln!("peak allocation of the whole test: {} MiB", ALLOC.max_allocated() >> 20);
}

/// Every corpus file, deflated as an export would hold it, is far within the ratio limit.
#[test]
fn real_files_are_within_the_ratio_limit() {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some((corpus, _)) = support::corpus_or_skip("the ratio of real files") else { return };
    let mut stack = vec![corpus];
    let mut worst = 0.0f64;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "xml") {
                let data = std::fs::read(&p).unwrap();
                let zip = zip_of(&[("x.xml", &data)], zip::CompressionMethod::Deflated);
                let compressed = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap().by_index(0).unwrap().compressed_size();
                #[allow(clippy::cast_precision_loss)]
                let ratio = data.len() as f64 / compressed.max(1) as f64;
                worst = worst.max(ratio);
            }
        }
    }
    eprintln!("highest deflate ratio of a corpus file: {worst:.1}");
    #[allow(clippy::cast_precision_loss)]
    let limit = ARCHIVE_RATIO_LIMIT as f64;
    assert!(worst * 4.0 < limit, "a real file deflates {worst:.1}:1, too close to the limit of {ARCHIVE_RATIO_LIMIT}:1");
}
