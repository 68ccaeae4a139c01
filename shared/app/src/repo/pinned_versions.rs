//! Indicator versions as periods pin them, kept in memory: a report's answer needs the
//! definition of every indicator of its period (40 rows), and reading them on every request
//! cost more than the report itself.
//!
//! A row of `indicator_versions` never changes once written (an edit of an indicator writes a
//! new version), so a cached version needs no invalidation. Which versions a period pins can
//! change (opening a period pins the current ones); that list is not cached, every read of a
//! report brings it along with the report's row.
//!
//! The cache is a value its owner passes in (the API's state holds one), so one cache serves
//! one database: version ids are only unique within a database.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use diesel_async::AsyncPgConnection;

use cchc_db::indicators::{self, VersionRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::indicator::IndicatorDefinition;
use cchc_domain::rules::completeness::IndicatorSpec;

/// One indicator version with what is derived from it once: its definition and its rules.
#[derive(Debug)]
pub(crate) struct PinnedVersion {
    pub row: VersionRow,
    pub definition: IndicatorDefinition,
    pub spec: IndicatorSpec,
}

impl PinnedVersion {
    fn new(row: VersionRow) -> Self {
        PinnedVersion {
            definition: row.definition(),
            spec: row.spec(),
            row,
        }
    }
}

/// Far more versions than any deployment writes; a process that somehow meets more starts
/// over rather than grow without bound.
const MAX_ENTRIES: usize = 100_000;

/// Indicator versions read once and kept, by id: one per database (the API's state holds it).
#[derive(Debug, Default)]
pub struct PinnedVersions {
    map: RwLock<HashMap<i64, Arc<PinnedVersion>>>,
}

impl PinnedVersions {
    pub fn new() -> Self {
        Self::default()
    }

    fn cached(&self, ids: &[i64]) -> Vec<Option<Arc<PinnedVersion>>> {
        let map = self
            .map
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        ids.iter().map(|id| map.get(id).cloned()).collect()
    }

    fn remember(&self, versions: &[(i64, Arc<PinnedVersion>)]) {
        let mut map = self
            .map
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() + versions.len() > MAX_ENTRIES {
            map.clear();
        }
        for (id, version) in versions {
            map.insert(*id, Arc::clone(version));
        }
    }

    /// The versions `ids`, in the order given; only those not yet in memory are read, in one
    /// statement.
    pub(crate) async fn get(
        &self,
        conn: &AsyncPgConnection,
        ids: &[i64],
    ) -> Result<Vec<Arc<PinnedVersion>>> {
        let mut found = self.cached(ids);
        let missing: Vec<i64> = ids
            .iter()
            .zip(&found)
            .filter(|(_, version)| version.is_none())
            .map(|(id, _)| *id)
            .collect();
        if !missing.is_empty() {
            let rows = indicators::versions_by_id(conn, &missing).await?;
            let read = rows
                .into_iter()
                .map(|(id, row)| (id, Arc::new(PinnedVersion::new(row))))
                .collect::<Vec<_>>();
            self.remember(&read);
            let read: HashMap<i64, Arc<PinnedVersion>> = read.into_iter().collect();
            for (id, slot) in ids.iter().zip(found.iter_mut()) {
                if slot.is_none() {
                    *slot = read.get(id).cloned();
                }
            }
        }
        ids.iter()
            .zip(found)
            .map(|(id, version)| {
                version.ok_or_else(|| Error::Internal(format!("indicator version {id} is missing")))
            })
            .collect()
    }
}
