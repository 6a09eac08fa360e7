//! The request journal: what was asked, by whom, and how it ended. Never values.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

/// How many entries a journal keeps unless told otherwise; older ones are dropped first.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 10_000;

/// One request the fake answered (or refused to answer).
///
/// An entry holds no secret: no value, token, access key or fragment, only names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalEntry {
    /// Sequence number, starting at 1 for the first request the fake saw.
    pub sequence: u64,
    /// When the answer was produced.
    pub at: SystemTime,
    /// The command (`get-secret-value`, `auth`, `api/derived-key`, …), or the path as received
    /// for requests that named no known command.
    pub command: String,
    /// Who asked: the access id behind the token (or the bearer's name on the fragment
    /// service); `None` when the caller was not identified.
    pub caller: Option<String>,
    /// Item paths the request named, as requested.
    pub items: Vec<String>,
    /// HTTP status of the answer; `0` when the connection was dropped on purpose.
    pub status: u16,
    /// The fault that shaped the answer, if one was active.
    pub fault: Option<String>,
}

/// A bounded, shared log of [`JournalEntry`]s. Cloning shares the same journal.
#[derive(Debug, Clone)]
pub struct Journal {
    inner: Arc<Mutex<JournalState>>,
}

#[derive(Debug)]
struct JournalState {
    capacity: usize,
    next_sequence: u64,
    entries: VecDeque<JournalEntry>,
}

impl Journal {
    /// An empty journal keeping at most `capacity` entries (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(JournalState {
                capacity: capacity.max(1),
                next_sequence: 1,
                entries: VecDeque::new(),
            })),
        }
    }

    /// A copy of the entries currently held, oldest first.
    pub fn entries(&self) -> Vec<JournalEntry> {
        self.lock().entries.iter().cloned().collect()
    }

    /// Entries for one command, oldest first.
    pub fn entries_for(&self, command: &str) -> Vec<JournalEntry> {
        self.lock()
            .entries
            .iter()
            .filter(|entry| entry.command == command)
            .cloned()
            .collect()
    }

    /// Number of entries currently held.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the journal holds no entry.
    pub fn is_empty(&self) -> bool {
        self.lock().entries.is_empty()
    }

    /// Forgets every entry (sequence numbers keep counting).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    pub(crate) fn record(
        &self,
        command: String,
        caller: Option<String>,
        items: Vec<String>,
        status: u16,
        fault: Option<String>,
    ) {
        let mut state = self.lock();
        let sequence = state.next_sequence;
        state.next_sequence += 1;
        if state.entries.len() >= state.capacity {
            state.entries.pop_front();
        }
        state.entries.push_back(JournalEntry {
            sequence,
            at: SystemTime::now(),
            command,
            caller,
            items,
            status,
            fault,
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, JournalState> {
        // Entries are plain data appended in one step; a poisoned lock holds a consistent log.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for Journal {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_JOURNAL_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_entries_within_capacity() {
        let journal = Journal::with_capacity(2);
        for status in [200, 404, 401] {
            journal.record("describe-item".into(), None, Vec::new(), status, None);
        }
        let entries = journal.entries();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].status, 404);
        assert_eq!(entries[0].sequence, 2);
        assert_eq!(entries[1].sequence, 3);
    }
}
