//! `cyr_mkimap`: creates the directory structure a Cyrus site needs, as
//! Cyrus's `tools/mkimap` does: the fixed subdirectories of the
//! configdirectory, and every partition and metapartition with its
//! `stage./` and `sync./` directories.

use std::fs;
use std::path::{Path, PathBuf};

use super::common::ToolError;
use crate::config::ImapdConf;

/// Subdirectories of the configdirectory that mkimap creates.
const CONFIG_SUBDIRS: &[&str] = &["proc", "db", "socket", "log", "msg", "ptclient", "sync"];

fn mkdir(p: &Path, made: &mut Vec<PathBuf>) -> Result<(), ToolError> {
    if p.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(p).map_err(|source| ToolError::Io {
        path: p.display().to_string(),
        source,
    })?;
    made.push(p.to_path_buf());
    Ok(())
}

/// Creates the directories; returns those that did not exist before.
pub fn mkimap(conf: &ImapdConf) -> Result<Vec<PathBuf>, ToolError> {
    let mut made = Vec::new();
    let configdir = conf.raw("configdirectory").ok_or_else(|| {
        ToolError::Usage("configdirectory option not specified in configuration file".into())
    })?;
    let configdir = Path::new(configdir);
    mkdir(configdir, &mut made)?;
    for sub in CONFIG_SUBDIRS {
        mkdir(&configdir.join(sub), &mut made)?;
    }
    let parts: Vec<PathBuf> = conf
        .with_prefix("partition-")
        .chain(conf.with_prefix("metapartition-"))
        .map(|(_, p)| PathBuf::from(p))
        .collect();
    for p in parts {
        mkdir(&p, &mut made)?;
        mkdir(&p.join("stage."), &mut made)?;
        mkdir(&p.join("sync."), &mut made)?;
    }
    if let Some(sieve) = conf.raw("sievedir") {
        mkdir(Path::new(sieve), &mut made)?;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_config_and_partition_dirs_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let text = format!(
            "configdirectory: {0}/lib\npartition-default: {0}/spool\nmetapartition-default: {0}/meta\nsievedir: {0}/sieve\n",
            root.display()
        );
        let conf = ImapdConf::parse(&root.join("imapd.conf"), &text).expect("parse");
        let made = mkimap(&conf).expect("mkimap");
        for d in [
            "lib/proc",
            "lib/db",
            "lib/socket",
            "lib/log",
            "lib/msg",
            "lib/sync",
            "spool/stage.",
            "spool/sync.",
            "meta/stage.",
            "sieve",
        ] {
            assert!(root.join(d).is_dir(), "{d} missing");
        }
        assert!(made.len() >= 12);
        assert!(
            mkimap(&conf).expect("again").is_empty(),
            "second run creates nothing"
        );
    }
}
