#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod support;
use tsq::container::load_bytes;

#[test]
fn explore() {
    let Some((dir, _)) = support::corpus_or_skip("x") else { return };
    for rel in support::manifest_paths(&dir) {
        let bytes = std::fs::read(dir.join(&rel)).unwrap();
        for l in load_bytes(&rel, bytes, None) {
            let Ok(ts) = l.result else { continue };
            if ts.sequence.reference_list.is_none() { continue; }
            let want = tsq::refs::reference_list(&ts.sequence);
            let have: Vec<String> = ts.sequence.references.iter().map(|r| r.attrs.0.iter().map(|a| format!("{}={}", a.name, a.value.raw)).collect::<Vec<_>>().join(" ")).collect();
            let wants: Vec<String> = want.iter().map(|e| format!("{}={}{}", if e.application {"application"} else {"package"}, e.id, e.program.as_ref().map(|p| format!(" program={p}")).unwrap_or_default())).collect();
            let ok = tsq::refs::list_is_current(&ts.sequence);
            let mut hs = have.clone(); hs.sort(); let mut ws = wants.clone(); ws.sort();
            eprintln!("{} {} {}", if ok {"OK  "} else if hs == ws {"ORDER"} else {"DIFF"}, have.len(), rel);
            if !ok { eprintln!("   have {:?}\n   want {:?}", have, wants); }
        }
    }
}
