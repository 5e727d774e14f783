use std::collections::BTreeMap;
use std::ops::Bound;

use super::api::{Db, DbBackend, Walk};
use super::error::DbError;

/// An in-memory [`Db`]: a `BTreeMap` with the same transaction rules.
/// The model the real backends are tested against.
#[derive(Debug, Default, Clone)]
pub struct MemDb {
    committed: BTreeMap<Vec<u8>, Vec<u8>>,
    txn: Option<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl MemDb {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    fn view(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        self.txn.as_ref().unwrap_or(&self.committed)
    }

    fn view_mut(&mut self) -> &mut BTreeMap<Vec<u8>, Vec<u8>> {
        self.txn.as_mut().unwrap_or(&mut self.committed)
    }

    /// All committed records.
    pub fn committed(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        &self.committed
    }
}

impl Db for MemDb {
    fn fetch(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, DbError> {
        Ok(self.view().get(key).cloned())
    }

    fn fetch_next(&mut self, key: &[u8]) -> Result<Option<(Vec<u8>, Vec<u8>)>, DbError> {
        Ok(self
            .view()
            .range::<[u8], _>((Bound::Excluded(key), Bound::Unbounded))
            .next()
            .map(|(k, v)| (k.clone(), v.clone())))
    }

    fn foreach(
        &mut self,
        prefix: &[u8],
        f: &mut dyn FnMut(&[u8], &[u8]) -> Result<Walk, DbError>,
    ) -> Result<(), DbError> {
        for (k, v) in self
            .view()
            .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
        {
            if !k.starts_with(prefix) {
                break;
            }
            if f(k, v)? == Walk::Stop {
                break;
            }
        }
        Ok(())
    }

    fn store(&mut self, key: &[u8], value: &[u8]) -> Result<(), DbError> {
        self.view_mut().insert(key.to_vec(), value.to_vec());
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), DbError> {
        self.view_mut().remove(key);
        Ok(())
    }

    fn begin(&mut self) -> Result<(), DbError> {
        if self.txn.is_some() {
            return Err(DbError::Txn("begin inside a transaction"));
        }
        self.txn = Some(self.committed.clone());
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.committed = self
            .txn
            .take()
            .ok_or(DbError::Txn("commit outside a transaction"))?;
        Ok(())
    }

    fn abort(&mut self) -> Result<(), DbError> {
        self.txn
            .take()
            .ok_or(DbError::Txn("abort outside a transaction"))?;
        Ok(())
    }

    fn in_transaction(&self) -> bool {
        self.txn.is_some()
    }

    fn consistent(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    fn repack(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    fn backend(&self) -> DbBackend {
        DbBackend::Memory
    }
}
