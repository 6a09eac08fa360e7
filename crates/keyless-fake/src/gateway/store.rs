//! The item store: item metadata in the clear, values only as sealed envelopes.
//!
//! Writers of one item are serialised by a per-item async lock held across the key derivation,
//! so a conditional update (`last-version`) is decided and committed atomically and no derived
//! key is wasted on an update that is bound to lose. Readers never wait for writers: they copy
//! the envelope of the version they want under a short synchronous lock and open it outside.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use crate::config::SecretFormat;

/// What kind of item, with the kind's non-secret settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ItemKind {
    /// A static secret. `Password` values are sealed as a JSON object
    /// `{"username": …, "password": …}`.
    Static {
        sub_type: StaticSubType,
        format: SecretFormat,
    },
    /// A dynamic secret; the sealed value is the producer's own (simulated) root credential.
    Dynamic { producer: String },
    /// A rotated secret; every version seals `{"username": …, "password": …}`.
    Rotated { username: String },
}

/// The `item_sub_type` of a static secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StaticSubType {
    Generic,
    Password,
}

impl ItemKind {
    /// `item_type` on the wire.
    pub(crate) fn wire_type(&self) -> &'static str {
        match self {
            Self::Static { .. } => "STATIC_SECRET",
            Self::Dynamic { .. } => "DYNAMIC_SECRET",
            Self::Rotated { .. } => "ROTATED_SECRET",
        }
    }

    /// The `type` filter value of `list-items`.
    pub(crate) fn list_type(&self) -> &'static str {
        match self {
            Self::Static { .. } => "static-secret",
            Self::Dynamic { .. } => "dynamic-secret",
            Self::Rotated { .. } => "rotated-secret",
        }
    }

    /// `item_sub_type` on the wire.
    pub(crate) fn wire_sub_type(&self) -> &str {
        match self {
            Self::Static {
                sub_type: StaticSubType::Generic,
                ..
            } => "generic",
            Self::Static {
                sub_type: StaticSubType::Password,
                ..
            } => "password",
            Self::Dynamic { producer } => producer,
            Self::Rotated { .. } => "custom",
        }
    }
}

/// One stored version: when it was written, and its envelope.
#[derive(Clone)]
pub(crate) struct StoredVersion {
    pub(crate) created: SystemTime,
    pub(crate) envelope: Arc<[u8]>,
}

/// Item metadata plus its versions. Nothing in here is secret: envelopes are opaque without
/// the customer fragment.
#[derive(Clone)]
pub(crate) struct StoredItem {
    pub(crate) id: i64,
    pub(crate) display_id: String,
    pub(crate) name: String,
    pub(crate) kind: ItemKind,
    pub(crate) tags: Vec<String>,
    pub(crate) description: String,
    pub(crate) created: SystemTime,
    pub(crate) modified: SystemTime,
    pub(crate) delete_protection: bool,
    /// Shared so that copying an item's metadata does not copy its history; writers go
    /// through `Arc::make_mut`.
    pub(crate) versions: Arc<BTreeMap<u32, StoredVersion>>,
    /// The highest version ever written; never reused, even after versions are deleted.
    pub(crate) last_version: u32,
}

impl StoredItem {
    /// Version `requested` (`None` or `0` for the latest) with its number.
    pub(crate) fn version(&self, requested: Option<u32>) -> Option<(u32, &StoredVersion)> {
        match requested {
            None | Some(0) => self
                .versions
                .iter()
                .next_back()
                .map(|(number, version)| (*number, version)),
            Some(number) => self.versions.get(&number).map(|version| (number, version)),
        }
    }

    /// The number of the newest version still held (0 when none).
    pub(crate) fn newest_version(&self) -> u32 {
        self.versions.keys().next_back().copied().unwrap_or(0)
    }
}

/// What writers need of an item: everything but its history.
#[derive(Debug, Clone)]
pub(crate) struct ItemHead {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) kind: ItemKind,
    pub(crate) last_version: u32,
    pub(crate) newest: u32,
    pub(crate) delete_protection: bool,
}

/// An item's slot: the shared metadata plus the lock that serialises its writers.
struct Slot {
    item: StoredItem,
    writer: Arc<tokio::sync::Mutex<()>>,
}

/// All items, by normalized path.
#[derive(Default)]
pub(crate) struct Store {
    slots: RwLock<HashMap<String, Slot>>,
    /// Serialises creations, so two creators of one name cannot both derive and commit.
    creator: tokio::sync::Mutex<()>,
    next_id: std::sync::atomic::AtomicI64,
}

impl Store {
    pub(crate) fn new() -> Self {
        Self {
            next_id: std::sync::atomic::AtomicI64::new(1_000),
            ..Self::default()
        }
    }

    /// Runs `look` on the item under the read lock, without copying it.
    pub(crate) fn with_item<T>(
        &self,
        name: &str,
        look: impl FnOnce(&StoredItem) -> T,
    ) -> Option<T> {
        self.read().get(name).map(|slot| look(&slot.item))
    }

    /// The item's head (no history), for writers.
    pub(crate) fn head(&self, name: &str) -> Option<ItemHead> {
        self.with_item(name, |item| ItemHead {
            id: item.id,
            name: item.name.clone(),
            kind: item.kind.clone(),
            last_version: item.last_version,
            newest: item.newest_version(),
            delete_protection: item.delete_protection,
        })
    }

    /// The kind, version number and envelope of version `requested` (`None` for the latest),
    /// without copying the rest of the item: the read path of every value command.
    pub(crate) fn read_version(
        &self,
        name: &str,
        requested: Option<u32>,
    ) -> Option<(ItemKind, u32, Arc<[u8]>)> {
        let slots = self.read();
        let item = &slots.get(name)?.item;
        let (number, version) = item.version(requested)?;
        Some((item.kind.clone(), number, Arc::clone(&version.envelope)))
    }

    /// Whether an item exists.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.read().contains_key(name)
    }

    /// Copies of every item for which `keep` holds, sorted by name.
    pub(crate) fn select(&self, mut keep: impl FnMut(&StoredItem) -> bool) -> Vec<StoredItem> {
        let mut items: Vec<StoredItem> = self
            .read()
            .values()
            .filter(|slot| keep(&slot.item))
            .map(|slot| slot.item.clone())
            .collect();
        items.sort_by(|left, right| left.name.cmp(&right.name));
        items
    }

    /// The lock that serialises writers of `name`, if the item exists.
    fn writer_lock(&self, name: &str) -> Option<Arc<tokio::sync::Mutex<()>>> {
        self.read().get(name).map(|slot| Arc::clone(&slot.writer))
    }

    /// Waits for the writer lock of `name` and holds it; `None` if the item does not exist.
    ///
    /// The item may be deleted and created again while a writer waits on the old item's lock.
    /// The writer then waits again, on the new item's lock: two writers of one name never
    /// hold two different locks at once, so they cannot both commit the same version number.
    pub(crate) async fn lock_writer(&self, name: &str) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        loop {
            let lock = self.writer_lock(name)?;
            let guard = Arc::clone(&lock).lock_owned().await;

            let current = self.writer_lock(name)?;
            if Arc::ptr_eq(&lock, &current) {
                return Some(guard);
            }
        }
    }

    /// The lock that serialises creations.
    pub(crate) async fn creation_guard(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.creator.lock().await
    }

    /// A fresh item id.
    pub(crate) fn next_id(&self) -> i64 {
        self.next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Inserts a new item; `false` (and nothing changed) if the name is taken.
    pub(crate) fn insert_new(&self, item: StoredItem) -> bool {
        let mut slots = self.write();
        if slots.contains_key(&item.name) {
            return false;
        }
        slots.insert(
            item.name.clone(),
            Slot {
                item,
                writer: Arc::new(tokio::sync::Mutex::new(())),
            },
        );
        true
    }

    /// Applies `change` to the item under the write lock; `None` if it does not exist.
    pub(crate) fn modify<T>(
        &self,
        name: &str,
        change: impl FnOnce(&mut StoredItem) -> T,
    ) -> Option<T> {
        self.write()
            .get_mut(name)
            .map(|slot| change(&mut slot.item))
    }

    /// Removes the item; returns it if it existed.
    pub(crate) fn remove(&self, name: &str) -> Option<StoredItem> {
        self.write().remove(name).map(|slot| slot.item)
    }

    /// Every item, for snapshots of the whole store.
    pub(crate) fn all(&self) -> Vec<StoredItem> {
        self.select(|_| true)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Slot>> {
        // Every mutation replaces whole fields under the lock; a poisoned lock is consistent.
        self.slots.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Slot>> {
        self.slots.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, id: i64) -> StoredItem {
        StoredItem {
            id,
            display_id: format!("display-{id}"),
            name: name.to_owned(),
            kind: ItemKind::Static {
                sub_type: StaticSubType::Generic,
                format: SecretFormat::Text,
            },
            tags: Vec::new(),
            description: String::new(),
            created: SystemTime::UNIX_EPOCH,
            modified: SystemTime::UNIX_EPOCH,
            delete_protection: false,
            versions: Arc::default(),
            last_version: 0,
        }
    }

    type Waiter = tokio::task::JoinHandle<Option<tokio::sync::OwnedMutexGuard<()>>>;

    /// A store holding item `/a`, a writer holding its lock, and a second writer that has
    /// taken the lock's handle and is blocked on it.
    async fn store_with_a_blocked_writer() -> (Arc<Store>, tokio::sync::OwnedMutexGuard<()>, Waiter)
    {
        let store = Arc::new(Store::new());
        assert!(store.insert_new(item("/a", 1)));
        let first_writer = store.lock_writer("/a").await.unwrap();

        let waiter = tokio::spawn({
            let store = Arc::clone(&store);
            async move { store.lock_writer("/a").await }
        });
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        (store, first_writer, waiter)
    }

    #[tokio::test]
    async fn a_writer_waiting_through_delete_and_recreate_locks_the_new_item() {
        let (store, first_writer, waiter) = store_with_a_blocked_writer().await;

        store.remove("/a");
        assert!(store.insert_new(item("/a", 2)));
        drop(first_writer);
        let waiter_guard = waiter.await.unwrap().unwrap();

        // The waiter holds the new item's lock, so another writer of the name must wait.
        let new_lock = store.writer_lock("/a").unwrap();
        assert!(new_lock.try_lock().is_err());
        drop(waiter_guard);
        assert!(new_lock.try_lock().is_ok());
    }

    #[tokio::test]
    async fn a_writer_waiting_through_a_delete_finds_nothing() {
        let (store, first_writer, waiter) = store_with_a_blocked_writer().await;

        store.remove("/a");
        drop(first_writer);
        assert!(waiter.await.unwrap().is_none());
    }
}
