//! A session writer on its own thread, so encoding, compression and device syncs never stall
//! the frame loop that records.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::SessionError;
use crate::event::TimedEvent;
use crate::frame::Frame;
use crate::header::SessionHeader;
use crate::pose::Anchor;
use crate::writer::{SessionWriter, WriteSummary, WriterOptions};

enum Command {
    Frame(Box<Frame>, Anchor),
    Event(TimedEvent, Anchor),
    Finish,
}

/// Records one session through a [`SessionWriter`] owned by a background thread.
///
/// [`record_frame`](Self::record_frame) and [`record_event`](Self::record_event) only hand the
/// record over (microseconds); the thread writes a chunk at the writer's flush interval, also
/// when no records arrive, so the crash-safety guarantee of [`SessionWriter`] holds. A write
/// error stops the thread; the next call reports that recording stopped and
/// [`finish`](Self::finish) returns the error itself. Dropping it without `finish` writes what
/// was handed over, without the end marker (like a crash), and waits for the thread.
#[derive(Debug)]
pub struct BackgroundWriter {
    path: PathBuf,
    commands: Option<Sender<Command>>,
    thread: Option<JoinHandle<Result<WriteSummary, SessionError>>>,
}

impl BackgroundWriter {
    /// Creates `path` (which must not exist) and starts the writing thread. Errors as
    /// [`SessionWriter::create`] does, before any thread starts.
    pub fn create(
        path: impl AsRef<Path>,
        header: &SessionHeader,
        options: WriterOptions,
    ) -> Result<BackgroundWriter, SessionError> {
        let path = path.as_ref().to_path_buf();
        let writer = SessionWriter::create(&path, header, options)?;
        let (commands, received) = channel();
        // Wake at least twice per flush interval so a quiet recording still flushes on time.
        let wake = Duration::from_secs_f64(options.flush_interval_s / 2.0);
        let thread = std::thread::Builder::new()
            .name("session-writer".to_owned())
            .spawn(move || write_loop(writer, &received, wake))
            .map_err(|source| SessionError::Io {
                path: path.clone(),
                action: "start the writing thread for",
                source,
            })?;
        Ok(BackgroundWriter {
            path,
            commands: Some(commands),
            thread: Some(thread),
        })
    }

    /// File being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Hands over a frame in room coordinates, with the twin at `anchor`.
    pub fn record_frame(&self, world_frame: Frame, anchor: &Anchor) -> Result<(), SessionError> {
        self.send(Command::Frame(Box::new(world_frame), *anchor))
    }

    /// Hands over an event in room coordinates, with the twin at `anchor`.
    pub fn record_event(
        &self,
        world_event: TimedEvent,
        anchor: &Anchor,
    ) -> Result<(), SessionError> {
        self.send(Command::Event(world_event, *anchor))
    }

    /// Writes everything handed over and the end marker; waits for the thread.
    pub fn finish(mut self) -> Result<WriteSummary, SessionError> {
        if let Some(commands) = self.commands.take() {
            // A failed send means the thread already stopped; its result says why.
            let _ = commands.send(Command::Finish);
        }
        self.join()
    }

    fn send(&self, command: Command) -> Result<(), SessionError> {
        let sent = self
            .commands
            .as_ref()
            .is_some_and(|commands| commands.send(command).is_ok());
        if sent {
            Ok(())
        } else {
            Err(SessionError::InvalidInput {
                path: self.path.clone(),
                problem: "recording stopped after a write error; finish() returns it".to_owned(),
            })
        }
    }

    fn join(&mut self) -> Result<WriteSummary, SessionError> {
        let Some(thread) = self.thread.take() else {
            return Err(SessionError::InvalidInput {
                path: self.path.clone(),
                problem: "the recording is already finished".to_owned(),
            });
        };
        thread.join().unwrap_or_else(|_| {
            Err(SessionError::InvalidInput {
                path: self.path.clone(),
                problem: "the writing thread panicked".to_owned(),
            })
        })
    }
}

impl Drop for BackgroundWriter {
    fn drop(&mut self) {
        // Closing the channel makes the thread drop its writer, which writes what is pending.
        self.commands = None;
        if self.thread.is_some() {
            let _ = self.join();
        }
    }
}

fn write_loop(
    mut writer: SessionWriter,
    received: &Receiver<Command>,
    wake: Duration,
) -> Result<WriteSummary, SessionError> {
    loop {
        match received.recv_timeout(wake) {
            Ok(Command::Frame(frame, anchor)) => writer.record_frame(&frame, &anchor)?,
            Ok(Command::Event(event, anchor)) => writer.record_event(&event, &anchor)?,
            Ok(Command::Finish) => return writer.finish(),
            Err(RecvTimeoutError::Timeout) => {
                writer.flush_if_due()?;
            }
            Err(RecvTimeoutError::Disconnected) => {
                // Dropped unfinished: pending records are written by the writer's drop.
                return Err(SessionError::InvalidInput {
                    path: writer.path().to_path_buf(),
                    problem: "recording dropped before it was finished".to_owned(),
                });
            }
        }
    }
}
