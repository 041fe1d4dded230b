//! The one write path (`tsq::writer::file::replace`, used by `tsq fmt`): a user's file keeps its
//! mode, owner, group, extended attributes and hard links; a read-only file, a file the user may
//! not write and a file changed meanwhile are not written; no temporary file is left behind; and a
//! process killed mid-write leaves the old file or the new one, never a mix. The cases that need
//! another user run the `tsq` binary through `setpriv` as `nobody` when the tests run as root, and
//! are skipped with a notice otherwise.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tsq::writer::file::{FileWriteError, Written, replace};

const OLD: &str = "<sequence version=\"3.10\"><group name=\"g\"><step name=\"s\" type=\"T\"/></group></sequence>\n";

/// What `tsq fmt` makes of [`OLD`].
fn formatted(text: &str) -> String {
    tsq::writer::format(&tsq::source::SourceFile::from_text("t.xml", text)).unwrap()
}

/// A fresh directory (open to every user, for the `nobody` cases) holding `ts.xml` = [`OLD`].
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let path = dir.path().join("ts.xml");
    std::fs::write(&path, OLD).unwrap();
    (dir, path)
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[test]
fn a_new_file_replaces_the_old_one_with_its_mode() {
    let (dir, path) = setup();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let ino = std::fs::metadata(&path).unwrap().ino();
    let new = formatted(OLD);
    assert_eq!(replace(&path, OLD.as_bytes(), new.as_bytes()).unwrap(), Written::Replaced);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), new);
    assert_eq!(mode(&path), 0o640);
    assert_ne!(std::fs::metadata(&path).unwrap().ino(), ino, "a new file took the name");
    assert_eq!(names(dir.path()), ["ts.xml"], "no temporary file is left");
}

#[test]
fn owner_and_group_are_kept() {
    if !is_root() {
        eprintln!("note: not root; skipping the owner test (a file cannot be given to another user)");
        return;
    }
    let (_dir, path) = setup();
    std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    assert_eq!(replace(&path, OLD.as_bytes(), formatted(OLD).as_bytes()).unwrap(), Written::Replaced);
    let m = std::fs::metadata(&path).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (65534, 65534, 0o664));
}

#[test]
fn every_hard_link_sees_the_change() {
    let (dir, path) = setup();
    let other = dir.path().join("other-name.xml");
    std::fs::hard_link(&path, &other).unwrap();
    let new = formatted(OLD);
    assert_eq!(replace(&path, OLD.as_bytes(), new.as_bytes()).unwrap(), Written::InPlace);
    assert_eq!(std::fs::read_to_string(&other).unwrap(), new);
    assert_eq!(std::fs::metadata(&path).unwrap().ino(), std::fs::metadata(&other).unwrap().ino());
    assert_eq!(std::fs::metadata(&path).unwrap().nlink(), 2);
    assert_eq!(names(dir.path()), ["other-name.xml", "ts.xml"]);
}

#[test]
fn a_symlink_is_followed() {
    let (dir, path) = setup();
    let link = dir.path().join("link.xml");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let new = formatted(OLD);
    replace(&link, OLD.as_bytes(), new.as_bytes()).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), new);
    assert_eq!(names(dir.path()), ["link.xml", "ts.xml"]);
}

#[test]
fn read_only_and_changed_files_are_not_written() {
    let (dir, path) = setup();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let new = formatted(OLD);
    // Even root, who could write it, leaves a read-only file alone.
    assert!(matches!(replace(&path, OLD.as_bytes(), new.as_bytes()), Err(FileWriteError::ReadOnly)));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(matches!(replace(&path, b"<sequence/>", new.as_bytes()), Err(FileWriteError::Changed)));
    assert!(matches!(replace(dir.path(), b"", new.as_bytes()), Err(FileWriteError::NotAFile)));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), OLD);
    assert_eq!(names(dir.path()), ["ts.xml"]);
}

#[test]
fn extended_attributes_are_kept() {
    let (_dir, path) = setup();
    if xattr::set(&path, "user.tsq-test", b"kept").is_err() {
        eprintln!("note: this file system has no user extended attributes; skipping");
        return;
    }
    assert_eq!(replace(&path, OLD.as_bytes(), formatted(OLD).as_bytes()).unwrap(), Written::Replaced);
    assert_eq!(xattr::get(&path, "user.tsq-test").unwrap().as_deref(), Some(&b"kept"[..]));
}

/// `tsq fmt PATH` as `nobody` (uid and gid 65534) with `groups` as supplementary groups.
fn fmt_as_nobody(path: &Path) -> Option<(i32, String)> {
    if !is_root() || Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("note: not root or no setpriv; skipping the unprivileged-user case");
        return None;
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_tsq"), "fmt"])
        .arg(path)
        .output()
        .unwrap();
    Some((out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned()))
}

#[test]
fn an_unprivileged_user_cannot_take_over_a_file_in_a_shared_directory() {
    // The directory lets `nobody` create and rename files, but the file is root's: renaming a new
    // file over it would hand it to `nobody`.
    let (dir, path) = setup();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let Some((code, err)) = fmt_as_nobody(&path) else { return };
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("permission to write"), "{err}");
    let m = std::fs::metadata(&path).unwrap();
    assert_eq!((m.uid(), std::fs::read_to_string(&path).unwrap().as_str()), (0, OLD));
    assert_eq!(names(dir.path()), ["ts.xml"]);
}

#[test]
fn an_unprivileged_user_writes_a_group_writable_file_in_place() {
    let (dir, path) = setup();
    std::os::unix::fs::chown(&path, Some(0), Some(65534)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    let Some((code, err)) = fmt_as_nobody(&path) else { return };
    assert_eq!(code, 0, "{err}");
    let m = std::fs::metadata(&path).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (0, 65534, 0o664), "owner, group and mode are kept");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), formatted(OLD));
    assert_eq!(names(dir.path()), ["ts.xml"]);
}

#[test]
fn the_cli_reports_a_read_only_file() {
    let (_dir, path) = setup();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tsq")).arg("fmt").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), OLD);
}

/// `tsq fmt` killed at moments spread over its run: the file is always the old text or the new
/// one, whole. A kill may leave the temporary file (never the original) half-written; it is
/// removed here.
#[test]
fn a_kill_never_leaves_a_partial_file() {
    let mut big = String::from("<sequence version=\"3.10\">");
    for i in 0..4_000 {
        big.push_str(&format!("<group name=\"g{i}\"><step name=\"s{i}\" type=\"SMS_TaskSequence_RunCommandLineAction\"><action>cmd /c echo {i}</action></step></group>"));
    }
    big.push_str("</sequence>\n");
    let new = formatted(&big);
    let (dir, path) = setup();
    let run = || Command::new(env!("CARGO_BIN_EXE_tsq")).arg("fmt").arg(&path).stderr(std::process::Stdio::null()).spawn().unwrap();
    std::fs::write(&path, &big).unwrap();
    let t = Instant::now();
    assert!(run().wait().unwrap().success());
    let whole = t.elapsed();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), new);
    let mut outcomes = [0usize; 2];
    for i in 0..6u32 {
        std::fs::write(&path, &big).unwrap();
        let mut child = run();
        std::thread::sleep(whole * i / 6 + Duration::from_millis(u64::from(i)));
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text == big || text == new, "kill {i}: the file is neither the old text nor the new one ({} bytes)", text.len());
        outcomes[usize::from(text == new)] += 1;
        for n in names(dir.path()) {
            if n != "ts.xml" {
                assert!(n.starts_with(".ts.xml.") && n.ends_with(".tsq-tmp"), "unexpected file {n}");
                std::fs::remove_file(dir.path().join(n)).unwrap();
            }
        }
    }
    eprintln!("killed runs: {} left the old file, {} the new one (a whole run takes {whole:?})", outcomes[0], outcomes[1]);
}
