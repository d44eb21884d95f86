//! The Python tools some tests run for real (an SMTP server, a data package validator), in
//! the virtualenv `target/ci-venv`: `.ci/run` installs them; elsewhere the first test that
//! needs one does, with Python 3.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The virtualenv's python, with `package` installed so that `module` imports.
pub fn with_package(module: &str, package: &str) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-venv");
    let python = venv.join("bin/python");
    let imports = |python: &Path| {
        Command::new(python)
            .args(["-c", &format!("import {module}")])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if imports(&python) {
        return python;
    }
    // Several test binaries may get here at once: one installs, the others wait for it.
    std::fs::create_dir_all(venv.parent().unwrap()).unwrap();
    let lock = std::fs::File::create(venv.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    if !imports(&python) {
        let run = |program: &Path, args: &[&str]| {
            let status = Command::new(program).args(args).status();
            assert!(
                status.as_ref().is_ok_and(|s| s.success()),
                "this test needs Python 3 to install {package}: {} {args:?} failed: {status:?}",
                program.display()
            );
        };
        if !python.exists() {
            run(Path::new("python3"), &["-m", "venv", venv.to_str().unwrap()]);
        }
        let pip = venv.join("bin/pip");
        run(
            &pip,
            &["install", "--quiet", "--disable-pip-version-check", package],
        );
    }
    python
}

/// Runs `script` with `python`, `input` on its standard input; what it printed as JSON.
/// Panics, saying `what` and Python's own message, if the script fails.
pub fn json_from_script<T: serde::de::DeserializeOwned>(
    python: &Path,
    script: &str,
    input: &[u8],
    what: &str,
) -> T {
    use std::io::Write;
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}
