//! The request journal: what was asked, by whom, and how it ended. Never values.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

/// How many entries a journal keeps unless told otherwise; older ones are dropped first.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 10_000;

/// Longest text, in bytes, an entry keeps of a command, caller or item name.
///
/// Those texts come from the request, some before or without authentication, so an entry
/// keeps only a prefix (cut on a character boundary and ended with `…`). With
/// [`MAX_JOURNAL_ITEM_BYTES`], an entry holds about 3 KiB at most, and a journal of the
/// default capacity about 30 MiB, however large the requests were.
pub const MAX_JOURNAL_TEXT_BYTES: usize = 512;

/// Most bytes of item names one entry keeps, all names together, each name counted as its
/// text plus the size of a `String` (so a flood of empty names is bounded too); the names that
/// do not fit are counted in [`JournalEntry::omitted_items`].
pub const MAX_JOURNAL_ITEM_BYTES: usize = 2048;

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
    /// for requests that named no known command (cut to [`MAX_JOURNAL_TEXT_BYTES`]).
    pub command: String,
    /// Who asked: the access id behind the token (or the bearer's name on the fragment
    /// service); `None` when the caller was not identified. Cut to [`MAX_JOURNAL_TEXT_BYTES`].
    pub caller: Option<String>,
    /// Item paths the request named, as requested, each cut to [`MAX_JOURNAL_TEXT_BYTES`]: the
    /// first ones, as many as fit in [`MAX_JOURNAL_ITEM_BYTES`].
    pub items: Vec<String>,
    /// How many further item names the request named beyond those kept in `items`.
    pub omitted_items: usize,
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
        let requested = items.len();
        let mut budget = MAX_JOURNAL_ITEM_BYTES;
        let items: Vec<String> = items
            .into_iter()
            .map(bounded_text)
            .take_while(
                |name| match budget.checked_sub(name.len() + size_of::<String>()) {
                    Some(left) => {
                        budget = left;
                        true
                    }
                    None => false,
                },
            )
            .collect();
        let omitted_items = requested - items.len();
        let command = bounded_text(command);
        let caller = caller.map(bounded_text);

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
            omitted_items,
            status,
            fault,
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, JournalState> {
        // Entries are plain data appended in one step; a poisoned lock holds a consistent log.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `text` cut to at most [`MAX_JOURNAL_TEXT_BYTES`] (the `…` marker included).
pub(crate) fn bounded_text(mut text: String) -> String {
    const MARKER: &str = "…";

    if text.len() <= MAX_JOURNAL_TEXT_BYTES {
        return text;
    }
    let mut cut = MAX_JOURNAL_TEXT_BYTES - MARKER.len();
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push_str(MARKER);
    text.shrink_to_fit();
    text
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

    #[test]
    fn entries_keep_bounded_prefixes_of_request_texts() {
        let journal = Journal::with_capacity(4);
        let long_caller = "é".repeat(MAX_JOURNAL_TEXT_BYTES);
        // Names of 9 bytes (`/item/NNN`), each charged with its `String` as well.
        let fitting = MAX_JOURNAL_ITEM_BYTES / (9 + size_of::<String>());
        let items = (100..100 + fitting + 3)
            .map(|n| format!("/item/{n}"))
            .collect();
        journal.record("x".repeat(10_000), Some(long_caller), items, 404, None);

        let entry = &journal.entries()[0];
        assert_eq!(entry.command.len(), MAX_JOURNAL_TEXT_BYTES);
        assert!(entry.command.ends_with('…'));
        let caller = entry.caller.as_deref().unwrap_or_default();
        assert!(caller.len() <= MAX_JOURNAL_TEXT_BYTES);
        assert!(caller.starts_with("éé") && caller.ends_with('…'));
        assert_eq!(entry.items.len(), fitting);
        assert_eq!(entry.items[0], "/item/100");
        assert_eq!(entry.omitted_items, 3);

        let empty_names = vec![String::new(); 1_000_000];
        journal.record("get-secret-value".into(), None, empty_names, 401, None);
        let entry = &journal.entries()[1];
        assert_eq!(
            entry.items.len(),
            MAX_JOURNAL_ITEM_BYTES / size_of::<String>()
        );
        assert_eq!(entry.items.len() + entry.omitted_items, 1_000_000);

        let huge_names = vec!["n".repeat(100_000); 50];
        journal.record("get-secret-value".into(), None, huge_names, 200, None);
        let entry = &journal.entries()[2];
        let kept: usize = entry.items.iter().map(String::len).sum();
        assert!(kept <= MAX_JOURNAL_ITEM_BYTES && !entry.items.is_empty());
        assert_eq!(entry.items.len() + entry.omitted_items, 50);
    }

    #[test]
    fn short_texts_are_kept_whole() {
        let journal = Journal::default();
        let exact = "a".repeat(MAX_JOURNAL_TEXT_BYTES);
        journal.record(exact.clone(), None, vec!["/mdapi/a".into()], 200, None);

        let entry = &journal.entries()[0];
        assert_eq!(entry.command, exact);
        assert_eq!(entry.items, ["/mdapi/a"]);
        assert_eq!(entry.omitted_items, 0);
    }
}
