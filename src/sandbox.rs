//! Reading users' files in a child process of this same binary, under limits of memory, CPU
//! and time.
//!
//! Parsers of spreadsheets and emails reserve memory from counts the file itself declares, and
//! a failed allocation aborts the whole process: it cannot be caught. In a child, such a file
//! kills only the child, and the server answers that the file is too large or complex to read.
//! The child is the same binary run with a hidden subcommand (`foi-tracker parse-sheet`,
//! `foi-tracker parse-email`), which reads the file on stdin and writes its answer as JSON.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The address space a child may use: far more than any released table or reply needs, far
/// less than would trouble the server.
pub const MEMORY_BYTES: u64 = 512 * 1024 * 1024;
/// CPU time a child may use.
pub const CPU_SECONDS: u64 = 5;
/// Wall-clock time a child may take, waiting included, before it is killed.
pub const WALL_TIME: Duration = Duration::from_secs(10);
/// Children running at once: each may use `MEMORY_BYTES`, and the machine serves others.
pub const MAX_CHILDREN: usize = 2;
/// How long a parse waits for a free place before the server says it is busy.
const QUEUE_WAIT: Duration = Duration::from_secs(20);

/// What went wrong running a child.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The child died, passed a limit, ran out of time or wrote too much: the file is too large
    /// or too complex to read here.
    #[error("the parser stopped: {0}")]
    OverBudget(String),
    /// The child panicked: a bug in a parser, which the file found (a panic exits with 101).
    #[error("the parser panicked")]
    Panicked,
    /// Every place was taken for longer than a parse should wait.
    #[error("every parser is busy")]
    Busy,
    /// The child could not be started at all.
    #[error("the parser could not be started: {0}")]
    Failed(String),
}

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Names the binary to run as the child. The server is that binary itself; an in-process test
/// app runs inside a test binary, which has no parser subcommands, and names the real one.
pub fn use_program(path: impl Into<PathBuf>) {
    let _ = PROGRAM.set(path.into());
}

fn program() -> Result<PathBuf, SandboxError> {
    if let Some(path) = PROGRAM.get() {
        return Ok(path.clone());
    }
    // The running image itself, even when its file has been replaced or removed since the
    // server started (an upgrade in place): the path it was started from may now name nothing,
    // or a newer binary whose children would not be this server's.
    let own = Path::new("/proc/self/exe");
    if own.exists() {
        return Ok(own.to_path_buf());
    }
    std::env::current_exe().map_err(|e| SandboxError::Failed(e.to_string()))
}

/// A counting semaphore over the children running.
struct Places {
    taken: Mutex<usize>,
    freed: Condvar,
}

static PLACES: Places = Places {
    taken: Mutex::new(0),
    freed: Condvar::new(),
};

struct Place;

impl Place {
    fn take() -> Result<Place, SandboxError> {
        let deadline = Instant::now() + QUEUE_WAIT;
        let mut taken = PLACES.taken.lock().unwrap_or_else(|e| e.into_inner());
        while *taken >= MAX_CHILDREN {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(SandboxError::Busy);
            }
            taken = PLACES
                .freed
                .wait_timeout(taken, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *taken += 1;
        Ok(Place)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut taken = PLACES.taken.lock().unwrap_or_else(|e| e.into_inner());
        *taken -= 1;
        PLACES.freed.notify_one();
    }
}

/// Runs this binary with `args`, `input` on its stdin, under the limits; its stdout when it
/// exits cleanly having written at most `max_output` bytes. Blocking: call it off the async
/// threads.
pub fn run(args: &[&str], input: &[u8], max_output: usize) -> Result<Vec<u8>, SandboxError> {
    let _place = Place::take()?;
    let mut command = Command::new(program()?);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    limit(&mut command);
    let mut child = command.spawn().map_err(|e| SandboxError::Failed(e.to_string()))?;
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    let overflowed = AtomicBool::new(false);
    let started = Instant::now();
    let (status, output) = std::thread::scope(|scope| {
        scope.spawn(move || {
            // A child that stops reading (dead, or done) closes the pipe: nothing to report.
            if let Some(mut stdin) = stdin.take() {
                let _ = stdin.write_all(input);
            }
        });
        let overflowed = &overflowed;
        let reader = scope.spawn(move || {
            let mut output = Vec::new();
            if let Some(stdout) = stdout.take() {
                let _ = stdout.take(max_output as u64 + 1).read_to_end(&mut output);
            }
            if output.len() > max_output {
                overflowed.store(true, Ordering::SeqCst);
            }
            output
        });
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if overflowed.load(Ordering::SeqCst) || started.elapsed() > WALL_TIME => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
            }
        };
        (status, reader.join().unwrap_or_default())
    });
    if overflowed.load(Ordering::SeqCst) {
        return Err(SandboxError::OverBudget(format!(
            "it wrote more than {max_output} bytes"
        )));
    }
    match status {
        Some(status) if status.success() => Ok(output),
        Some(status) if status.code() == Some(101) => Err(SandboxError::Panicked),
        Some(status) => Err(SandboxError::OverBudget(format!("it ended with {status}"))),
        None => Err(SandboxError::OverBudget(format!(
            "it was stopped after {:.1} s",
            started.elapsed().as_secs_f64()
        ))),
    }
}

#[cfg(unix)]
fn limit(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    fn set(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> std::io::Result<()> {
        let limit = libc::rlimit {
            rlim_cur: soft as libc::rlim_t,
            rlim_max: hard as libc::rlim_t,
        };
        // SAFETY: setrlimit only reads the struct passed, and is async-signal-safe, as a
        // function run between fork and exec must be.
        match unsafe { libc::setrlimit(resource, &limit) } {
            0 => Ok(()),
            _ => Err(std::io::Error::last_os_error()),
        }
    }
    // SAFETY: the closure calls setrlimit alone: no allocation, no lock.
    unsafe {
        command.pre_exec(|| {
            set(libc::RLIMIT_AS, MEMORY_BYTES, MEMORY_BYTES)?;
            // The soft limit sends SIGXCPU, which ends the child; the hard one kills it.
            set(libc::RLIMIT_CPU, CPU_SECONDS, CPU_SECONDS + 1)?;
            // A child killed for its limits leaves no core file of a user's document.
            set(libc::RLIMIT_CORE, 0, 0)?;
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit(_: &mut Command) {}

/// In the child: reads the file on stdin (at most `max_input` bytes), and writes what `parse`
/// makes of it to stdout as JSON; or, if the parser panics (a bug the file found, such as a
/// capacity overflow on a declared count), `unreadable` as the answer.
pub fn child<T: serde::Serialize>(
    max_input: usize,
    out: &mut impl Write,
    parse: impl FnOnce(&[u8]) -> T,
    unreadable: impl FnOnce() -> T,
) -> std::io::Result<()> {
    let mut input = Vec::new();
    std::io::stdin()
        .lock()
        .take(max_input as u64)
        .read_to_end(&mut input)?;
    // Nobody reads the child's stderr: the panic is answered, not printed.
    std::panic::set_hook(Box::new(|_| {}));
    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(&input)))
        .unwrap_or_else(|_| unreadable());
    drop(input);
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer(&mut out, &answer)?;
    out.flush()
}
